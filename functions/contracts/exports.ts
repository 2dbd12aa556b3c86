/** Contracts of dataset exports (issue #6). */
import * as z from 'zod/mini';

/** POST /api/studies/{studyId}/exports */
export const CreateExportRequest = z.strictObject({
  /** Partial (unfinished) responses are left out unless asked for. */
  includePartial: z.optional(z.boolean()),
  /** Free-text answers are left out unless asked for; asking is audited and the README warns. */
  includeFreeText: z.optional(z.boolean()),
  /** Pseudonyms stable across this study's exports, so exports can be joined; audited. */
  studyStableKey: z.optional(z.boolean()),
  /** Smallest group that may share a combination of quasi-identifier values. */
  k: z.optional(z.number().check(z.int(), z.minimum(2), z.maximum(100))),
});
export type CreateExportRequest = z.infer<typeof CreateExportRequest>;

export const ExportOptions = z.object({
  includePartial: z.boolean(),
  includeFreeText: z.boolean(),
  studyStableKey: z.boolean(),
  k: z.number(),
  /** Set when a member placed in a data access group asked: the export holds that group's participants only. */
  group: z.optional(z.object({ attribute: z.string(), value: z.string() })),
});
export type ExportOptions = z.infer<typeof ExportOptions>;

export const ExportStatus = z.enum(['queued', 'running', 'done', 'failed']);

export const ExportJob = z.object({
  exportId: z.string(),
  studyId: z.string(),
  status: ExportStatus,
  options: ExportOptions,
  requestedAt: z.string(),
  /** What the export is doing and how far it has got, for the console's progress bar. */
  progress: z.object({ phase: z.enum(['queued', 'reading', 'writing', 'packing', 'done']), done: z.number(), total: z.nullable(z.number()) }),
  finishedAt: z.optional(z.string()),
  fileName: z.optional(z.string()),
  bytes: z.optional(z.number()),
  /** Counts for the console; the README in the package holds the full report. */
  summary: z.optional(z.object({ participants: z.number(), responses: z.number(), suppressedValues: z.number(), synthetic: z.boolean() })),
  /** A message for people when the export failed; never data. */
  error: z.optional(z.string()),
});
export type ExportJob = z.infer<typeof ExportJob>;

export const ExportList = z.object({ exports: z.array(ExportJob) });
export type ExportList = z.infer<typeof ExportList>;

/** POST /api/studies/{studyId}/exports/{exportId}/download: a short-lived URL for the zip. */
export const ExportDownload = z.object({ url: z.string(), expiresAt: z.string(), fileName: z.string() });
export type ExportDownload = z.infer<typeof ExportDownload>;
