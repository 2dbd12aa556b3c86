/**
 * Starting a link job without making the researcher wait: in AWS the link
 * worker function is invoked asynchronously (its own 15-minute timeout); in
 * embedded mode the job runs in the platform's own process after the request
 * has been answered, as exports do (exports/export-jobs.ts).
 */
import { config } from '../config.js';

const running = new Set<Promise<void>>();

export async function startLinkJob(studyId: string, jobId: string): Promise<void> {
  const { LINK_WORKER_FUNCTION } = config();
  if (LINK_WORKER_FUNCTION) {
    const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
    await new LambdaClient({}).send(new InvokeCommand({ FunctionName: LINK_WORKER_FUNCTION, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ studyId, jobId })) }));
    return;
  }
  const { runLinkJob } = await import('./run-link-job.js');
  const job = runLinkJob(studyId, jobId)
    .catch((error: Error) => console.error(JSON.stringify({ level: 'error', operation: 'link-job', studyId, jobId, error: error?.name, message: error?.message })))
    .finally(() => running.delete(job));
  running.add(job);
}

/** Embedded mode and tests: wait for the link jobs this process is running. */
export async function linkJobsInFlight(): Promise<void> {
  await Promise.all([...running]);
}
