/**
 * The audit log: every researcher action that touches data. Entries hold who,
 * what and where, never answers or contact details. Each entry belongs to a
 * scope: a study's id, or PLATFORM_SCOPE for actions outside any study
 * (publishing an instrument version).
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, queryAll, tableName } from './client.js';
import { keys } from './keys.js';

export const PLATFORM_SCOPE = '_platform';

export type AuditEntry = {
  /** A study id, or PLATFORM_SCOPE. */
  scope: string;
  /** The researcher's subject id (not their email). */
  actor: string;
  action: string;
  /** Non-personal detail, e.g. { waveId, count }. */
  detail: Record<string, string | number | boolean>;
  at: string;
};

export async function recordAudit(entry: Omit<AuditEntry, 'at'>, at = new Date()): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.audit(entry.scope, at, randomUUID()), type: 'audit', ...entry, at: at.toISOString() },
    }),
  );
}

/**
 * Every entry of a scope for a month, following LastEvaluatedKey: one Query
 * returns at most 1 MB, and a busy month (a bulk import, a reminder run per
 * wave per day) is more than that.
 */
export async function listAuditMonth(scope: string, month: Date): Promise<AuditEntry[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.audit(scope, month, '').PK },
  });
  return items.map(({ scope: s, actor, action, detail, at }) => ({ scope: s, actor, action, detail, at }) as AuditEntry);
}
