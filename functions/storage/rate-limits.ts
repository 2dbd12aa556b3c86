/**
 * Fixed-window counters of bad personal-link tokens per client. An HTTP API has
 * no per-client throttling, so the application counts: each window is its own
 * item, expiring by TTL, and a client is identified only by a hash of its IP.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client.js';
import { keys } from './keys.js';

export type RateLimitPolicy = { limit: number; windowSeconds: number };

function windowOf(now: Date, policy: RateLimitPolicy): number {
  return Math.floor(now.getTime() / 1000 / policy.windowSeconds);
}

export async function isRateLimited(clientHash: string, policy: RateLimitPolicy, now = new Date()): Promise<boolean> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.rateLimit(clientHash, windowOf(now, policy)) }));
  return ((Item?.count as number | undefined) ?? 0) >= policy.limit;
}

/** Counts one failure atomically (ADD), so concurrent failures are all counted. */
export async function countFailure(clientHash: string, policy: RateLimitPolicy, now = new Date()): Promise<void> {
  await countFailureAndCheck(clientHash, policy, now);
}

/**
 * Counts one failure and says whether the client is now over the limit, in one
 * atomic UpdateItem (ADD, returning the new count): no GetItem before it, and
 * concurrent failures each see their own count. The (limit + 1)th failure in a
 * window is the first refused, as with isRateLimited before countFailure.
 */
export async function countFailureAndCheck(clientHash: string, policy: RateLimitPolicy, now = new Date()): Promise<boolean> {
  const window = windowOf(now, policy);
  const { Attributes } = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.rateLimit(clientHash, window),
      UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires), #type = :type',
      ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':expires': (window + 2) * policy.windowSeconds, ':type': 'rateLimit' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return ((Attributes?.count as number | undefined) ?? 0) > policy.limit;
}
