/**
 * Publishing an instrument file, shared by the two publish routes: PUT at the
 * version's own address (the CLI), and POST /api/instruments (an upload from
 * the console's instrument library, whose file names its id and version).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Researcher } from '../auth/researcher-tokens.js';
import { InstrumentFileBody, type PublishInstrumentResult } from '../contracts/instruments.js';
import { checkInstrument } from '../domain/instrument-check.js';
import { PLATFORM_SCOPE } from '../storage/audit.js';
import { InstrumentVersionConflict, publishInstrumentVersion } from '../storage/instruments.js';
import { parseJsonBody } from './body.js';
import { HttpError } from './errors.js';
import { json } from './responses.js';

const MAX_INSTRUMENT_BYTES = 1024 * 1024;

/** `at`: the address the caller published to (PUT), which must match the file; absent for an upload. */
export async function publishInstrumentFile(
  event: APIGatewayProxyEventV2,
  researcher: Researcher,
  at?: { instrumentId: string; version: string },
): Promise<APIGatewayProxyStructuredResultV2> {
  const body = parseJsonBody(event, InstrumentFileBody, MAX_INSTRUMENT_BYTES);
  const check = checkInstrument(body);
  if (!check.ok) throw new HttpError(422, 'instrument_invalid', 'The instrument has problems; fix them and publish again', check.problems);
  const { instrument } = check;
  if (at && (instrument.id !== at.instrumentId || instrument.version !== at.version)) {
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
}
