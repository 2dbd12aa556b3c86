/** PUT /api/instruments/{instrumentId}/versions/{version}: publish an instrument version, once (the CLI's way). */
import { researcherHandler } from '../http/researcher-handler.js';
import { publishInstrumentFile } from '../http/publish-instrument-file.js';

export const handler = researcherHandler('PublishInstrumentVersion', (event, researcher) =>
  publishInstrumentFile(event, researcher, { instrumentId: event.pathParameters?.instrumentId ?? '', version: event.pathParameters?.version ?? '' }),
);
