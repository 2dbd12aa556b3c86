/**
 * The audit log: every researcher action that touches data. Entries hold who,
 * what and where, never answers, contact details or participant codes. Each
 * entry belongs to a scope: a study's id, or PLATFORM_SCOPE for actions outside
 * any study (publishing an instrument version).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConditionalCheckFailed, queryAll, queryUpTo, tableName } from './client.js';
import { keys } from './keys.js';

export const PLATFORM_SCOPE = '_platform';

export type AuditEntry = {
  /** A study id, or PLATFORM_SCOPE. */
  scope: string;
  /** The researcher's subject id (not their email). */
  actor: string;
  action: string;
  /** Non-personal detail, e.g. { waveId, count }; a participant only as `participant: participantAuditRef(...)`. */
  detail: Record<string, string | number | boolean>;
  at: string;
};

/** What a handler says about its action; the time is added where it is written. */
export type AuditNote = Omit<AuditEntry, 'at'>;

/** Records an action that changes nothing else (a read, a sign-in), or one made of many writes (see writeAudited). */
export async function recordAudit(entry: AuditNote, at = new Date()): Promise<void> {
  await db().send(new PutCommand(auditPut(entry, at).Put));
}

/** The audit entry as one item of a transaction. */
export function auditPut(entry: AuditNote, at = new Date()) {
  return { Put: { TableName: tableName(), Item: { ...keys.audit(entry.scope, at, randomUUID()), type: 'audit', ...entry, at: at.toISOString() } } };
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * Writes a change and its audit entry in one transaction: a change is never
 * stored without the entry saying who made it, and an entry never tells of a
 * change that did not happen. When the change's condition fails, this throws
 * what the change alone would have (a ConditionalCheckFailedException carrying
 * the stored item, raw, when the change asked for it), so callers handle a
 * refusal the same way whether or not it is audited. A change of several
 * writes is one transaction too; the refusal reported is its first write's.
 */
export async function writeAudited(change: TransactItem | TransactItem[], entry: AuditNote | undefined, at = new Date()): Promise<void> {
  const changes = Array.isArray(change) ? change : [change];
  // Tools that write straight to the table (seeding, the synthetic cohort, tests) audit nothing: one plain write.
  if (!entry && changes.length === 1) return writeAlone(changes[0]!);
  try {
    await db().send(new TransactWriteCommand({ TransactItems: entry ? [...changes, auditPut(entry, at)] : changes }));
  } catch (error) {
    const refusal = error instanceof TransactionCanceledException ? error.CancellationReasons?.[0] : undefined;
    if (refusal?.Code !== 'ConditionalCheckFailed') throw error;
    throw Object.assign(new Error(refusal.Message ?? 'The conditional request failed'), { name: 'ConditionalCheckFailedException', Item: refusal.Item });
  }
}

async function writeAlone(change: TransactItem): Promise<void> {
  if (change.Put) await db().send(new PutCommand(change.Put));
  else if (change.Update) await db().send(new UpdateCommand(change.Update));
  else throw new Error('writeAudited writes a Put or an Update');
}

/**
 * Every entry of a scope for a month, following LastEvaluatedKey: one Query
 * returns at most 1 MB, and a busy month (a bulk import, a reminder run per
 * wave per day) is more than that.
 */
/**
 * A page of a scope's audit entries for a month, oldest first, starting
 * after the entry `after` (its sort key, `<time>#<id>`); `next` is the last
 * entry's sort key when more may follow.
 */
export async function listAuditMonthPage(scope: string, month: Date, page: { limit: number; after?: string | undefined }): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const { PK } = keys.audit(scope, month, '');
  const { items, lastKey } = await queryUpTo({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': PK } }, { limit: page.limit, startKey: page.after ? { PK, SK: page.after } : undefined });
  const entries = items.map(({ scope: s, actor, action, detail, at }) => ({ scope: s, actor, action, detail, at }) as AuditEntry);
  const last = items[items.length - 1];
  return { entries, next: lastKey && last ? (last.SK as string) : null };
}

export async function listAuditMonth(scope: string, month: Date): Promise<AuditEntry[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.audit(scope, month, '').PK },
  });
  return items.map(({ scope: s, actor, action, detail, at }) => ({ scope: s, actor, action, detail, at }) as AuditEntry);
}

/**
 * How the audit log names a participant: `pref_` and 22 characters of
 * HMAC-SHA-256 of their study and code, under a random key kept on their
 * participant record (`auditKey`), never in the audit log.
 *
 * While the participant exists, the same reference marks every entry about
 * them, so "who read this participant's contact?" can be answered by
 * computing it. Erasure deletes the participant record and with it the key:
 * what is left in the log is a random-looking string that nothing can turn
 * back into a code (a per-participant key, unlike one key for the study,
 * cannot be brute-forced over the study's codes once it is gone).
 *
 * The key is made the first time a participant is audited, by a conditional
 * write (`if_not_exists`, so two at once agree, and `attribute_exists(PK)`, so
 * an erased participant is never brought back). Undefined when there is no
 * such participant.
 */
export async function participantAuditRef(studyId: string, participantCode: string): Promise<string | undefined> {
  return (await auditRefOf(studyId, participantCode, { create: true })) ?? undefined;
}

/**
 * The reference entries about an existing participant carry, without making a key (looking entries up):
 * null when no entry names them yet, undefined when there is no such participant (never was, or erased).
 */
export function existingParticipantAuditRef(studyId: string, participantCode: string): Promise<string | null | undefined> {
  return auditRefOf(studyId, participantCode, { create: false });
}

async function auditRefOf(studyId: string, participantCode: string, options: { create: boolean }): Promise<string | null | undefined> {
  const Key = keys.participant(studyId, participantCode);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key, ProjectionExpression: 'PK, auditKey', ConsistentRead: true }));
  if (!Item) return undefined;
  let key = Item.auditKey as string | undefined;
  if (!key && !options.create) return null;
  if (!key) {
    try {
      const { Attributes } = await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key,
          UpdateExpression: 'SET auditKey = if_not_exists(auditKey, :key)',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':key': randomBytes(32).toString('base64url') },
          ReturnValues: 'ALL_NEW',
        }),
      );
      key = Attributes?.auditKey as string;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }
  return referenceUnder(key, studyId, participantCode);
}

function referenceUnder(key: string, studyId: string, participantCode: string): string {
  return `pref_${createHmac('sha256', Buffer.from(key, 'base64url')).update(`${studyId}\n${participantCode}`).digest('base64url').slice(0, 22)}`;
}
