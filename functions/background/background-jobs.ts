/**
 * Starting a background job (an export, a link job) without making the
 * caller wait: in AWS its worker function is invoked asynchronously (its own
 * timeout and memory, a dead-letter queue for failures); in embedded mode the
 * job runs in the platform's own process after the request has been answered.
 */
import type { Config } from '../config.js';
import { config } from '../config.js';

type JobPayload = Record<string, string>;

export class BackgroundJobs<P extends JobPayload> {
  private readonly running = new Set<Promise<void>>();

  constructor(
    /** For the log: ids only, never data. */
    private readonly operation: string,
    /** The configuration variable naming the worker function in AWS; unset: run in this process. */
    private readonly workerVariable: keyof Config,
    /** Loaded only when run here: in AWS the route function never runs the job, so it need not load it at cold start. */
    private readonly loadRun: () => Promise<(payload: P) => Promise<void>>,
  ) {}

  async start(payload: P): Promise<void> {
    const workerFunction = config()[this.workerVariable];
    if (typeof workerFunction === 'string' && workerFunction) {
      const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
      await new LambdaClient({}).send(new InvokeCommand({ FunctionName: workerFunction, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }));
      return;
    }
    const run = await this.loadRun();
    const job = run(payload)
      .catch((error: Error) => console.error(JSON.stringify({ level: 'error', operation: this.operation, ...payload, error: error?.name, message: error?.message })))
      .finally(() => this.running.delete(job));
    this.running.add(job);
  }

  /** Embedded mode and tests: wait for the jobs this process is running. */
  async inFlight(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
