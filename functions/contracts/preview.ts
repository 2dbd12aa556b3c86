/**
 * Contract of the instrument preview (`npm run pont -- instrument preview <file>`).
 * Served only by the researcher's local preview server (cli/preview/server.ts),
 * never by the deployed platform.
 */
import * as z from 'zod/mini';
import { ErrorDetail, LocalisedText } from './common.js';
import { SurveyJson } from './respondent.js';

/** One instrument as the respondent page receives it, without a saved response. */
export const PreviewInstrument = z.object({
  id: z.string(),
  version: z.string(),
  contentHash: z.string(),
  title: LocalisedText,
  survey: SurveyJson,
});
export type PreviewInstrument = z.infer<typeof PreviewInstrument>;

/**
 * GET /api/preview/instrument: the file as it is now. Either a valid
 * instrument and no problems, or no instrument and every problem found
 * (the same problems `instrument validate` reports).
 */
export const PreviewResult = z.object({
  /** The previewed file, as the researcher named it (relative to where the command ran). */
  file: z.string(),
  instrument: z.nullable(PreviewInstrument),
  problems: z.array(ErrorDetail),
});
export type PreviewResult = z.infer<typeof PreviewResult>;

// GET /api/preview/events is a Server-Sent Events stream: one message each
// time the file changes on disk, after which the page fetches the result again.
