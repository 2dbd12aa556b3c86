/**
 * Runs one link job to the end: claim it, plan again (participants may have
 * been added or withdrawn since it was asked for), issue the links a batch at
 * a time, sealing each batch's links into the sheet as it goes, and record
 * the outcome. Called in-process in embedded mode and by the link worker
 * Lambda in AWS.
 */
import { HttpError } from '../http/errors.js';
import { claimLinkJob, failLinkJob, finishLinkJob, getLinkJob, SheetWriter, updateLinkJobProgress } from '../storage/link-jobs.js';
import { issueAuditDetail, issuePlannedLinks, planLinks } from './issue-wave-links.js';

/** Participants a batch: progress is written, and links sealed, after each. */
export const LINK_JOB_BATCH = 500;

export async function runLinkJob(studyId: string, jobId: string): Promise<void> {
  const now = new Date();
  if (!(await claimLinkJob(studyId, jobId, now))) return;
  const job = await getLinkJob(studyId, jobId);
  if (!job) return;
  const audit = (action: string, detail: Record<string, unknown>) => ({ scope: studyId, actor: job.requestedBy, action, detail: { jobId, ...detail } });
  let done = 0;
  let total = 0;
  try {
    const plan = await planLinks(studyId, job.waveId, { studyId, role: 'researcher', ...(job.group ? { group: job.group } : {}) }, job.request, now);
    total = plan.toIssue.length;
    const sheet = await SheetWriter.open(studyId, jobId, now);
    await updateLinkJobProgress(studyId, jobId, { done: 0, total }, new Date());
    const result = await issuePlannedLinks(plan, now, {
      batchSize: LINK_JOB_BATCH,
      onBatch: async (batch, handled) => {
        await sheet.append(batch);
        done = handled;
        await updateLinkJobProgress(studyId, jobId, { done, total }, new Date());
      },
    });
    // What was skipped (and why) goes on the sheet too: the console shows it as for a few links.
    await sheet.append({ skipped: result.skipped, withdrawn: result.withdrawn });
    const counts = { links: result.links.length, emailed: result.emailed?.length ?? 0, skipped: result.skipped.length, withdrawn: result.withdrawn };
    const finishedAt = new Date();
    await finishLinkJob(studyId, jobId, { finishedAt, counts, progress: { done: total, total }, sheetExpiresAt: sheet.expires }, audit(job.request.reissue ? 'links.reissued' : 'links.issued', issueAuditDetail(plan, result)));
  } catch (error) {
    const at = new Date();
    // A refusal the planning makes (an address changed since, the wave gone) is the researcher's to act on; anything else is for the log.
    const reason =
      error instanceof HttpError
        ? `The links could not be issued: ${error.message}`
        : `The job stopped after ${done.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} participants. The links it issued are on no sheet: start it again to issue the rest, with "reissue" to replace those too.`;
    if (!(error instanceof HttpError)) console.error(JSON.stringify({ level: 'error', operation: 'link-job', studyId, jobId, error: (error as Error)?.name, message: (error as Error)?.message }));
    await failLinkJob(studyId, jobId, reason, at, audit('links.job_failed', { done, total }));
  }
}
