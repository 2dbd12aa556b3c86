/** Contracts of participant management. */
import { z } from 'zod/mini';

/** POST /api/studies/{studyId}/participants/import (body: text/csv) */
export const ImportParticipantsResult = z.object({ imported: z.number() });
export type ImportParticipantsResult = z.infer<typeof ImportParticipantsResult>;

/** POST /api/studies/{studyId}/waves/{waveId}/links */
export const IssueLinksRequest = z.strictObject({
  /** Whom to issue links to; omitted: every participant of the study who has no link for this wave yet. */
  participantCodes: z.optional(z.array(z.string().check(z.maxLength(40))).check(z.minLength(1), z.maxLength(5000))),
  /** Replace existing links (the old ones stop working; partial answers are kept). */
  reissue: z.boolean(),
});
export type IssueLinksRequest = z.infer<typeof IssueLinksRequest>;

/** The tokens appear only in this response: they are stored hashed and cannot be shown again. */
export const IssueLinksResult = z.object({
  links: z.array(z.object({ participantCode: z.string(), path: z.string() })),
  skipped: z.array(z.object({ participantCode: z.string(), reason: z.string() })),
});
export type IssueLinksResult = z.infer<typeof IssueLinksResult>;
