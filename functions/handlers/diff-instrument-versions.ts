/** GET /api/instruments/{instrumentId}/diff?from=&to=: what changed between two published versions, and whether each scale stays comparable. */
import type { InstrumentDiffResult } from '../contracts/instruments.js';
import { diffInstruments } from '../domain/instrument-diff.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { getInstrumentVersion } from '../storage/instruments.js';

export const handler = researcherHandler('DiffInstrumentVersions', async (event) => {
  const instrumentId = event.pathParameters?.instrumentId ?? '';
  const from = event.queryStringParameters?.from ?? '';
  const to = event.queryStringParameters?.to ?? '';
  if (!from || !to) throw new HttpError(400, 'versions_missing', 'Name the two versions to compare: ?from=1.0.0&to=1.1.0');
  const [before, after] = await Promise.all([getInstrumentVersion(instrumentId, from), getInstrumentVersion(instrumentId, to)]);
  const missing = [before ? null : from, after ? null : to].filter((v) => v !== null);
  if (!before || !after) throw new HttpError(404, 'instrument_version_not_found', `${instrumentId} has no published version ${missing.join(' or ')}`);
  const result: InstrumentDiffResult = diffInstruments(before, after);
  return json(200, result);
});
