/**
 * GET /api/surveys/{instrumentId}/{version}/{contentHash}: a published
 * instrument's survey, for the respondent page to fetch while the consent is
 * read. Immutable: a published version never changes, so browsers keep it.
 */
import type { InstrumentSurveyResult } from '../contracts/respondent.js';
import { apiHandler } from '../http/api-handler.js';
import { HttpError } from '../http/errors.js';
import { immutableJson } from '../http/responses.js';
import { getInstrumentVersion } from '../storage/instruments.js';

export const handler = apiHandler('GetInstrumentSurvey', async (event) => {
  const { instrumentId, version, contentHash } = event.pathParameters ?? {};
  const instrument = instrumentId && version ? await getInstrumentVersion(instrumentId, version) : undefined;
  // A wrong hash gets the same answer as a missing version: the hash is what unlocks the content.
  if (!instrument || instrument.contentHash !== contentHash) {
    throw new HttpError(404, 'not_found', 'There is no published survey at this address');
  }
  const result: InstrumentSurveyResult = { id: instrument.id, version: instrument.version, contentHash: instrument.contentHash, survey: instrument.survey };
  return immutableJson(result);
});
