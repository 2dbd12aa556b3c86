/** AWS: the link worker, invoked asynchronously by the CreateLinkJob route with { studyId, jobId }. */
import * as z from 'zod/mini';
import { runLinkJob } from '../link-jobs/run-link-job.js';

const LinkWorkerEvent = z.object({ studyId: z.string(), jobId: z.string() });

export async function handler(event: unknown): Promise<void> {
  const { studyId, jobId } = LinkWorkerEvent.parse(event);
  await runLinkJob(studyId, jobId);
}
