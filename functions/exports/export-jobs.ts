/**
 * Starting an export job without making the analyst wait: in AWS the export
 * worker function is invoked asynchronously (its own timeout and memory, a
 * dead-letter queue for failures); in embedded mode the job runs in the
 * platform's own process after the request has been answered.
 */
import { config } from '../config.js';

const running = new Set<Promise<void>>();

export async function startExport(studyId: string, exportId: string): Promise<void> {
  const { EXPORT_WORKER_FUNCTION } = config();
  if (EXPORT_WORKER_FUNCTION) {
    const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
    await new LambdaClient({}).send(
      new InvokeCommand({ FunctionName: EXPORT_WORKER_FUNCTION, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ studyId, exportId })) }),
    );
    return;
  }
  // Loaded only here: in AWS the route function never builds a package, so it need not load the exporter at cold start.
  const { runExport } = await import('./run-export.js');
  const job = runExport(studyId, exportId)
    .catch((error: Error) => console.error(JSON.stringify({ level: 'error', operation: 'export', studyId, exportId, error: error?.name, message: error?.message })))
    .finally(() => running.delete(job));
  running.add(job);
}

/** Embedded mode and tests: wait for the exports this process is running. */
export async function exportsInFlight(): Promise<void> {
  await Promise.all([...running]);
}
