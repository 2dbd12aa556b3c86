/** Starting a link job without making the researcher wait (background/background-jobs.ts): the link worker in AWS, this process embedded. */
import { BackgroundJobs } from '../background/background-jobs.js';

const linkJobs = new BackgroundJobs<{ studyId: string; jobId: string }>('link-job', 'LINK_WORKER_FUNCTION', async () => {
  const { runLinkJob } = await import('./run-link-job.js');
  return ({ studyId, jobId }) => runLinkJob(studyId, jobId);
});

export const startLinkJob = (studyId: string, jobId: string): Promise<void> => linkJobs.start({ studyId, jobId });

/** Embedded mode and tests: wait for the link jobs this process is running. */
export const linkJobsInFlight = (): Promise<void> => linkJobs.inFlight();
