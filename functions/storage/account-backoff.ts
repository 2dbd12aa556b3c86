/**
 * Failed passwords per account, with exponential back-off (embedded sign-in
 * and password changes; in AWS, Cognito throttles its own sign-ins). One item
 * per account, keyed on a hash of the lower-cased email, never the email: an
 * email that has no account gets an item too, counted and backed off exactly
 * like one that has, so neither the answers nor the timing tell them apart.
 *
 * Timeline of one item (F = a failure, L = lockedUntil):
 *
 *   F1 … F4                 no lock
 *   F5                      L = now + 1 s       (BASE · 2^(5 - 5))
 *   F6 (after L)            L = now + 2 s
 *   Fn                      L = now + min(2^(n - 5) s, 15 min)
 *   right password          item deleted: the count starts again
 *   a day with no failure   item expires (TTL; ignored once past expiresAt, as TTL deletes late)
 *
 * While locked, attempts are refused before any password is checked and are not
 * counted, so the lock is the same whoever knocks.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { keys } from './keys.js';

export type BackoffPolicy = {
  /** Failures allowed before the first lock. */
  freeFailures: number;
  /** The first lock; each further failure doubles it. */
  baseSeconds: number;
  maxSeconds: number;
  /** An account's count is forgotten this long after its last failure. */
  forgetAfterSeconds: number;
};

/** How long the account stays locked after `failures` failures (0: not locked). */
export function lockSeconds(failures: number, policy: BackoffPolicy): number {
  if (failures < policy.freeFailures) return 0;
  // Capped before exponentiating: 2^1000 is Infinity, and that is no number of seconds.
  const doublings = Math.min(failures - policy.freeFailures, 32);
  return Math.min(policy.baseSeconds * 2 ** doublings, policy.maxSeconds);
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Seconds until the account may try again (0: it may now). */
export async function accountRetryAfter(accountHash: string, now: Date): Promise<number> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.accountBackoff(accountHash), ConsistentRead: true }));
  if (!Item || (Item.expiresAt as number) <= seconds(now)) return 0;
  const lockedUntil = (Item.lockedUntil as number | undefined) ?? 0;
  return lockedUntil > now.getTime() ? Math.ceil((lockedUntil - now.getTime()) / 1000) : 0;
}

/**
 * Counts one failure and locks the account for its back-off; returns the count.
 * No read before the writes: the ADD is atomic, so concurrent failures each get
 * their own count, and the lock only ever moves later (a condition), so the
 * longest of two concurrent locks stands.
 */
export async function countAccountFailure(accountHash: string, policy: BackoffPolicy, now: Date): Promise<number> {
  const failures = await addFailure(accountHash, policy, now);
  const lock = lockSeconds(failures, policy);
  if (lock > 0) {
    const until = now.getTime() + lock * 1000;
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.accountBackoff(accountHash),
          UpdateExpression: 'SET lockedUntil = :until',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(lockedUntil) OR lockedUntil < :until)',
          ExpressionAttributeValues: { ':until': until },
        }),
      );
    } catch (error) {
      // A later lock is already set (or a right password deleted the item meanwhile): nothing to do.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
  return failures;
}

/**
 * ADD 1 to a live item's count, or start a new count where there is none or
 * only an expired one that TTL has not deleted yet. Each write is conditional;
 * losing a race to another failure just means trying the other write.
 */
async function addFailure(accountHash: string, policy: BackoffPolicy, now: Date): Promise<number> {
  const key = keys.accountBackoff(accountHash);
  const expiresAt = seconds(now) + policy.forgetAfterSeconds;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const { Attributes } = await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key,
          UpdateExpression: 'ADD failures :one SET expiresAt = :expires',
          ConditionExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':one': 1, ':expires': expiresAt, ':now': seconds(now) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Attributes?.failures as number;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    try {
      await db().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...key, type: 'rateLimit', failures: 1, expiresAt },
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': seconds(now) },
        }),
      );
      return 1;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
  throw new Error('Could not count a failed password: the back-off item kept changing');
}

/** The right password: the account's count starts again. */
export async function forgetAccountFailures(accountHash: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.accountBackoff(accountHash) }));
}
