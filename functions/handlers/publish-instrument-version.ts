/** PUT /api/instruments/{instrumentId}/versions/{version}: publish an instrument version, once. */
import { InstrumentFileBody, type PublishInstrumentResult } from '../contracts/instruments.js';
import { checkInstrument } from '../domain/instrument-check.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { PLATFORM_SCOPE } from '../storage/audit.js';
import { InstrumentVersionConflict, publishInstrumentVersion } from '../storage/instruments.js';

const MAX_INSTRUMENT_BYTES = 1024 * 1024;

export const handler = researcherHandler('PublishInstrumentVersion', async (event, researcher) => {
  const body = parseJsonBody(event, InstrumentFileBody, MAX_INSTRUMENT_BYTES);
  const check = checkInstrument(body);
  if (!check.ok) throw new HttpError(422, 'instrument_invalid', 'The instrument has problems; fix them and publish again', check.problems);
  const { instrument } = check;
  const { instrumentId, version } = event.pathParameters ?? {};
  if (instrument.id !== instrumentId || instrument.version !== version) {
    throw new HttpError(400, 'instrument_path_mismatch', `The file is ${instrument.id}@${instrument.version}; publish it at /api/instruments/${instrument.id}/versions/${instrument.version}`);
  }

  let status: PublishInstrumentResult['status'];
  try {
    status = await publishInstrumentVersion(instrument, new Date().toISOString(), {
      scope: PLATFORM_SCOPE,
      actor: researcher.userId,
      action: 'instrument.published',
      detail: { instrumentId: instrument.id, version: instrument.version, contentHash: instrument.contentHash },
    });
  } catch (error) {
    if (error instanceof InstrumentVersionConflict) throw new HttpError(409, 'version_already_published', error.message);
    throw error;
  }
  const result: PublishInstrumentResult = { status, id: instrument.id, version: instrument.version, contentHash: instrument.contentHash };
  return json(status === 'published' ? 201 : 200, result);
});
