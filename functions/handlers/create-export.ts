/** POST /api/studies/{studyId}/exports: start building an anonymised dataset package. */
import { CreateExportRequest, type ExportJob } from '../contracts/exports.js';
import { DEFAULT_K } from '../domain/export/k-anonymity.js';
import { startExport } from '../exports/export-jobs.js';
import { studyHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { createExportJob, newExportId } from '../storage/exports.js';
import { getStudy } from '../storage/studies.js';

export const handler = studyHandler('CreateExport', async (event, researcher) => {
  const request = parseJsonBody(event, CreateExportRequest);
  const studyId = event.pathParameters?.studyId ?? '';
  if (!(await getStudy(studyId))) throw new HttpError(404, 'study_not_found', 'There is no such study');

  const now = new Date();
  const job: ExportJob = {
    exportId: newExportId(now),
    studyId,
    status: 'queued',
    options: {
      includePartial: request.includePartial ?? false,
      includeFreeText: request.includeFreeText ?? false,
      studyStableKey: request.studyStableKey ?? false,
      k: request.k ?? DEFAULT_K,
      ...(researcher.access.group ? { group: researcher.access.group } : {}),
    },
    requestedAt: now.toISOString(),
    progress: { phase: 'queued', done: 0, total: null },
  };
  // Recorded with the job, before any data is read: the options that weaken anonymisation (free text, a stable key) are in the entry.
  await createExportJob({ ...job, requestedBy: researcher.userId }, { scope: studyId, actor: researcher.userId, action: 'export.requested', detail: { exportId: job.exportId, ...exportOptionsForAudit(job.options) } });
  await startExport(studyId, job.exportId);
  return json(202, job);
});

function exportOptionsForAudit({ group, ...options }: ExportJob['options']): Record<string, string | number | boolean> {
  return { ...options, ...(group ? { group: group.value } : {}) };
}
