/** Starting an export job without making the analyst wait (background/background-jobs.ts): the export worker in AWS, this process embedded. */
import { BackgroundJobs } from '../background/background-jobs.js';

const exportJobs = new BackgroundJobs<{ studyId: string; exportId: string }>('export', 'EXPORT_WORKER_FUNCTION', async () => {
  const { runExport } = await import('./run-export.js');
  return ({ studyId, exportId }) => runExport(studyId, exportId);
});

export const startExport = (studyId: string, exportId: string): Promise<void> => exportJobs.start({ studyId, exportId });

/** Embedded mode and tests: wait for the exports this process is running. */
export const exportsInFlight = (): Promise<void> => exportJobs.inFlight();
