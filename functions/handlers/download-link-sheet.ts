/**
 * POST /api/studies/{studyId}/link-jobs/{jobId}/sheet: a finished job's links,
 * opened from their sealed chunks, for the person who started it, while the
 * sheet is kept (LINK_SHEET_HOURS). Every download is audited.
 */
import { LINK_SHEET_HOURS } from '../contracts/link-jobs.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { ownLinkJob } from '../link-jobs/own-link-job.js';
import { recordAudit } from '../storage/audit.js';
import { linkJobView, readSheet, SheetGone } from '../storage/link-jobs.js';

const gone = () => new HttpError(410, 'sheet_expired', `A link sheet is kept for ${LINK_SHEET_HOURS} hours and this one has gone: its links still work, but cannot be shown again. Reissue them to make a new sheet.`);

export const handler = studyHandler('DownloadLinkSheet', async (event, researcher) => {
  const job = await ownLinkJob(event.pathParameters ?? {}, researcher);
  const now = new Date();
  const view = linkJobView(job, now);
  if (view.status !== 'finished') throw new HttpError(409, 'link_job_not_finished', view.status === 'failed' ? 'This link job failed, so it has no sheet' : 'This link job is still issuing links');
  if (!view.sheetAvailableUntil) throw gone();
  let sheet;
  try {
    sheet = await readSheet(job.studyId, job.jobId);
  } catch (error) {
    if (error instanceof SheetGone) throw gone();
    throw error;
  }
  await recordAudit({ scope: job.studyId, actor: researcher.userId, action: 'links.sheet_downloaded', detail: { jobId: job.jobId, waveId: job.waveId, links: sheet.links.length } }, now);
  return json(200, sheet);
});
