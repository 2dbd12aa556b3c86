/**
 * Leases on platform-wide jobs, so that two runs of one job never overlap (the
 * daily reminder run in AWS and the embedded platform's hourly timer).
 *
 * A lease is one item, taken with a conditional PutItem that succeeds only when
 * no lease is held or the one held has expired, and released by its holder
 * only. It expires on its own (a run that crashed or timed out never keeps the
 * job locked for longer than its lease), which is why it replaces Lambda's
 * reserved concurrency: a reservation of 1 fails the first deploy on an account
 * whose concurrency quota is 10 (issue #19, item 6).
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { keys } from './keys.js';

export type RunLease = { job: string; holder: string; expiresAt: Date };

/**
 * Takes the job's lease for `leaseMs`, or answers undefined when another run
 * holds an unexpired one. `expiresAt` is also the TTL attribute, so DynamoDB
 * removes a lease its holder never released (epoch seconds, rounded up).
 */
export async function acquireRunLease(job: string, leaseMs: number, now = new Date()): Promise<RunLease | undefined> {
  const lease: RunLease = { job, holder: randomUUID(), expiresAt: new Date(now.getTime() + leaseMs) };
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.runLock(job),
          type: 'runLock',
          holder: lease.holder,
          acquiredAt: now.toISOString(),
          leaseUntilMs: lease.expiresAt.getTime(),
          expiresAt: Math.ceil(lease.expiresAt.getTime() / 1000),
        },
        ConditionExpression: 'attribute_not_exists(PK) OR leaseUntilMs <= :now',
        ExpressionAttributeValues: { ':now': now.getTime() },
      }),
    );
    return lease;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

/** Gives the lease back; a lease that expired and was taken by another run is left alone. */
export async function releaseRunLease(lease: RunLease): Promise<void> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.runLock(lease.job),
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': lease.holder },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
