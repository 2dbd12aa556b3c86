/** Contracts of participant management. */
import { z } from 'zod/mini';

/** POST /api/studies/{studyId}/participants/import (body: text/csv) */
export const ImportParticipantsResult = z.object({ imported: z.number() });
export type ImportParticipantsResult = z.infer<typeof ImportParticipantsResult>;
