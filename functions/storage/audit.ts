/**
 * The audit log: every researcher action that touches data. Entries hold who,
 * what and where, never answers or contact details. Each entry belongs to a
 * scope: a study's id, or PLATFORM_SCOPE for actions outside any study
 * (publishing an instrument version).
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client.js';
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

export async function listAuditMonth(scope: string, month: Date): Promise<AuditEntry[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.audit(scope, month, '').PK },
    }),
  );
  return Items.map(({ scope: s, actor, action, detail, at }) => ({ scope: s, actor, action, detail, at }) as AuditEntry);
}
