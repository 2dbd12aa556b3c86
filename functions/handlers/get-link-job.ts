/** GET /api/studies/{studyId}/link-jobs/{jobId}: how far a link job has got; only the person who started it sees it. */
import { studyHandler } from '../http/researcher-handler.js';
import { json } from '../http/responses.js';
import { linkJobView } from '../storage/link-jobs.js';
import { ownLinkJob } from '../link-jobs/own-link-job.js';

export const handler = studyHandler('GetLinkJob', async (event, researcher) => {
  const job = await ownLinkJob(event.pathParameters ?? {}, researcher);
  return json(200, linkJobView(job, new Date()));
});
