/** POST /api/instruments: publish an uploaded instrument file at the id and version it names (the console's instrument library). */
import { researcherHandler } from '../http/researcher-handler.js';
import { publishInstrumentFile } from '../http/publish-instrument-file.js';

export const handler = researcherHandler('PublishInstrument', (event, researcher) => publishInstrumentFile(event, researcher));
