/** GET /api/studies/{studyId}/link-jobs: the caller's own link jobs in the study, newest first (the last 50 of the study's). */
import type { LinkJobList } from '../contracts/link-jobs.js';
import { studyHandler } from '../http/researcher-handler.js';
import { json } from '../http/responses.js';
import { visibleTo } from '../link-jobs/own-link-job.js';
import { linkJobView, listLinkJobsOf } from '../storage/link-jobs.js';

export const handler = studyHandler('ListLinkJobs', async (event, researcher) => {
  const studyId = event.pathParameters?.studyId ?? '';
  const now = new Date();
  const jobs = (await listLinkJobsOf(studyId, researcher.userId)).filter((job) => visibleTo(job, researcher));
  const result: LinkJobList = { jobs: jobs.map((job) => linkJobView(job, now)) };
  return json(200, result);
});
