/** POST /api/studies/{studyId}/exports/{exportId}/download: a short-lived URL for a finished package, audited. */
import type { ExportDownload } from '../contracts/exports.js';
import { exportStore } from '../exports/configured-export-store.js';
import { EXPORT_RETENTION_DAYS, exportKey } from '../exports/export-store.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { recordAudit } from '../storage/audit.js';
import { getExportJob } from '../storage/exports.js';
import { exportVisibleTo } from '../domain/study-access.js';

const DAY_MS = 86_400_000;

export const handler = studyHandler('DownloadExport', async (event, researcher) => {
  const { studyId = '', exportId = '' } = event.pathParameters ?? {};
  const job = await getExportJob(studyId, exportId);
  if (!job || !exportVisibleTo(researcher.access, job)) throw new HttpError(404, 'export_not_found', 'There is no such export');
  if (job.status !== 'done' || !job.fileName) throw new HttpError(409, 'export_not_ready', job.status === 'failed' ? 'This export failed; start a new one' : 'This export is still being built');
  const now = new Date();
  if (Date.parse(job.finishedAt ?? job.requestedAt) + EXPORT_RETENTION_DAYS * DAY_MS < now.getTime()) {
    throw new HttpError(410, 'export_expired', `Packages are kept for ${EXPORT_RETENTION_DAYS} days; start a new export`);
  }
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'export.downloaded', detail: { exportId } }, now);
  const link = await (await exportStore()).downloadUrl(exportKey(studyId, exportId), job.fileName, now);
  const result: ExportDownload = { ...link, fileName: job.fileName };
  return json(200, result);
});
