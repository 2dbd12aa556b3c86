/**
 * The audit log: every researcher action that touches data. Entries hold who,
 * what and which study, never answers or contact details.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client.js';
import { keys } from './keys.js';

export type AuditEntry = {
  studyId: string;
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
      Item: { ...keys.audit(entry.studyId, at, randomUUID()), type: 'audit', ...entry, at: at.toISOString() },
    }),
  );
}

export async function listAuditMonth(studyId: string, month: Date): Promise<AuditEntry[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.audit(studyId, month, '').PK },
    }),
  );
  return Items.map(({ studyId: s, actor, action, detail, at }) => ({ studyId: s, actor, action, detail, at }) as AuditEntry);
}
