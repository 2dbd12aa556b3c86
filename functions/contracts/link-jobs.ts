/**
 * Link jobs (issue #24): a wave's personal links issued in the background,
 * with progress, and the link sheet kept encrypted for a day for the person
 * who asked. The request body is the same as for issuing a few links at once
 * (IssueLinksRequest), and so is the sheet (IssueLinksResult).
 */
import * as z from 'zod/mini';

/**
 * The most links one POST …/links issues: a sheet lost to a time-out is lost
 * for good (tokens are stored only as hashes), so a request must end well
 * within 10 s however slow the host. Reissuing 1,000 took 4.7 s on DynamoDB
 * Local (each reissue hands the participant's responses over in a
 * transaction), and these machines' speed swings by half; SES sends 14 emails
 * a second by default. Larger runs are link jobs.
 */
export const SYNC_LINK_LIMITS = { sheet: 500, email: 100 } as const;

/** How long a finished job's sheet can be downloaded; then its key is deleted and it cannot be read by anyone. */
export const LINK_SHEET_HOURS = 24;

export const LinkJobStatus = z.enum(['queued', 'running', 'finished', 'failed']);

export const LinkJob = z.object({
  jobId: z.string(),
  studyId: z.string(),
  waveId: z.string(),
  status: LinkJobStatus,
  requestedAt: z.string(),
  reissue: z.boolean(),
  delivery: z.enum(['sheet', 'email']),
  /** Participants handled so far, of those to issue a link to. */
  progress: z.object({ done: z.number(), total: z.number() }),
  finishedAt: z.optional(z.string()),
  /** Finished: what the sheet holds, in counts. */
  counts: z.optional(z.object({ links: z.number(), emailed: z.number(), skipped: z.number(), withdrawn: z.number() })),
  /** Finished: the sheet can be downloaded until then; null once it has expired. */
  sheetAvailableUntil: z.optional(z.nullable(z.string())),
  /** Failed: why, and what to do. */
  error: z.optional(z.string()),
});
export type LinkJob = z.infer<typeof LinkJob>;

/** GET /api/studies/{studyId}/link-jobs: the caller's own jobs in the study, newest first. */
export const LinkJobList = z.object({ jobs: z.array(LinkJob) });
export type LinkJobList = z.infer<typeof LinkJobList>;
