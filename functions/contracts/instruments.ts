/** Contracts of the instrument routes. The body of a publish is an instrument file (functions/domain/instrument.ts). */
import * as z from 'zod/mini';

export const InstrumentFileBody = z.record(z.string(), z.unknown());

/** PUT /api/instruments/{instrumentId}/versions/{version} */
export const PublishInstrumentResult = z.object({
  /** published: stored now; unchanged: the same content was already published. */
  status: z.enum(['published', 'unchanged']),
  id: z.string(),
  version: z.string(),
  contentHash: z.string(),
});
export type PublishInstrumentResult = z.infer<typeof PublishInstrumentResult>;
