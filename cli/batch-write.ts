/**
 * The retry loop every BatchWriteItem caller needs: DynamoDB may accept part
 * of a batch and hand the rest back as UnprocessedItems (throttling), which
 * must be sent again, with exponential backoff and jitter as AWS advises,
 * until nothing is left or it keeps refusing.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Attempts before giving up on items DynamoDB keeps handing back. */
export const MAX_BATCH_ATTEMPTS = 10;

/** Requests by table name, as BatchWriteItem takes them and hands back the unprocessed ones. */
export type RequestsByTable<Request> = Record<string, Request[]>;

export async function writeUntilProcessed<Request>(
  requests: RequestsByTable<Request>,
  send: (requests: RequestsByTable<Request>) => Promise<RequestsByTable<Request> | undefined>,
  onGiveUp: (left: number) => Error,
  pause: (ms: number) => Promise<unknown> = sleep,
): Promise<void> {
  let pending = withoutEmptyTables(requests);
  for (let attempt = 0; Object.keys(pending).length > 0; attempt += 1) {
    if (attempt === MAX_BATCH_ATTEMPTS) throw onGiveUp(Object.values(pending).reduce((sum, list) => sum + list.length, 0));
    if (attempt > 0) await pause(Math.random() * Math.min(5_000, 50 * 2 ** attempt));
    pending = withoutEmptyTables((await send(pending)) ?? {});
  }
}

function withoutEmptyTables<Request>(requests: RequestsByTable<Request>): RequestsByTable<Request> {
  return Object.fromEntries(Object.entries(requests).filter(([, list]) => list.length > 0));
}
