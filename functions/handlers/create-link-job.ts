/**
 * POST /api/studies/{studyId}/waves/{waveId}/link-jobs: issue a wave's links
 * in the background (any number; the same body as POST …/links). Refuses at
 * once what the links request would refuse (unknown participants, unconfirmed
 * changed addresses, no email here); then answers 202 with the job, whose
 * progress GET …/link-jobs/{jobId} shows and whose sheet the person who asked
 * downloads from POST …/link-jobs/{jobId}/sheet for LINK_SHEET_HOURS.
 */
import type { LinkJob } from '../contracts/link-jobs.js';
import { IssueLinksRequest } from '../contracts/participants.js';
import { studyHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { planLinks } from '../link-jobs/issue-wave-links.js';
import { startLinkJob } from '../link-jobs/link-job-runner.js';
import { createLinkJob, linkJobView, newLinkJobId, unfinishedLinkJobOfWave } from '../storage/link-jobs.js';

export const handler = studyHandler('CreateLinkJob', async (event, researcher) => {
  const request = parseJsonBody(event, IssueLinksRequest);
  const { studyId = '', waveId = '' } = event.pathParameters ?? {};
  const now = new Date();
  // Checked now, so that what the job would refuse is refused to the person asking; the job plans again when it runs.
  const plan = await planLinks(studyId, waveId, researcher.access, request, now);
  // Two jobs at once for one wave would race: a reissue by the second would revoke links on the first one's sheet.
  const running = await unfinishedLinkJobOfWave(studyId, waveId, now);
  if (running) {
    throw new HttpError(409, 'link_job_running', `Links for this wave are already being issued (a job started ${running.requestedAt.slice(11, 16)} UTC${running.requestedBy === researcher.userId ? ' by you' : ' by another member'}): wait for it to finish, then start another if you need to.`);
  }
  const jobId = newLinkJobId(now);
  const job = {
    jobId,
    studyId,
    waveId,
    status: 'queued' as const,
    requestedAt: now.toISOString(),
    reissue: request.reissue,
    delivery: request.delivery ?? 'sheet',
    progress: { done: 0, total: plan.toIssue.length },
    requestedBy: researcher.userId,
    ...(researcher.access.group ? { group: researcher.access.group } : {}),
    request,
  };
  await createLinkJob(job, {
    scope: studyId,
    actor: researcher.userId,
    action: 'links.job_started',
    detail: { jobId, waveId, reissue: request.reissue, delivery: job.delivery, participants: plan.toIssue.length },
  });
  await startLinkJob(studyId, jobId);
  const view: LinkJob = linkJobView(job, now);
  return json(202, view);
});
