/**
 * Contact details, in the identity table only (see table-definition.ts). A
 * contact records which study members manage the participant: only they and
 * the study's owners may read or replace it.
 *
 * Custody: replacing details already held keeps the previous ones as a history
 * item (`CONTACT#HISTORY#<time>`, with who and why) for the retention period,
 * then DynamoDB's TTL removes it; erasure removes the history with the contact.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, GetCommand, TransactWriteCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { auditPut, writeAudited, type AuditNote } from './audit.js';
import { db, queryAll } from './client.js';
import { keys } from './keys.js';

export type Contact = {
  studyId: string;
  participantCode: string;
  email?: string;
  phone?: string;
  managedBy: string[];
  updatedAt: string;
  /** When details already held were last replaced (not first set): links emailed soon after need confirming. */
  replacedAt?: string;
};

/** How long replaced contact details are kept, for tracing a wrong change: two years, the length of a study's follow-up. */
export const CONTACT_HISTORY_DAYS = 730;
const DAY_MS = 86_400_000;

export function identityTableName(): string {
  const { IDENTITY_TABLE_NAME } = config();
  if (!IDENTITY_TABLE_NAME) throw new Error('IDENTITY_TABLE_NAME is not set: this function is not given the identity table');
  return IDENTITY_TABLE_NAME;
}

const contactKey = (studyId: string, participantCode: string) => ({ PK: keys.participantPartition(studyId, participantCode), SK: 'CONTACT' });
const HISTORY_PREFIX = 'CONTACT#HISTORY#';

export class ContactChangedMeanwhile extends Error {
  constructor() {
    super('The contact details were changed by someone else meanwhile');
    this.name = 'ContactChangedMeanwhile';
  }
}

/**
 * Replaces the details held (`previous`, as read) and keeps the old ones in
 * the history, in one transaction conditioned on nobody having changed them
 * since they were read: a replacement is always of what the caller saw.
 */
export async function replaceContact(previous: Contact, next: { email?: string; phone?: string }, change: { by: string; reason: string; at: Date }, audit?: AuditNote): Promise<void> {
  const table = identityTableName();
  const at = change.at.toISOString();
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: contactKey(previous.studyId, previous.participantCode),
              UpdateExpression: 'SET email = :email, phone = :phone, updatedAt = :at, replacedAt = :at ADD managedBy :manager',
              ConditionExpression: 'updatedAt = :previous',
              ExpressionAttributeValues: { ':email': next.email ?? null, ':phone': next.phone ?? null, ':at': at, ':manager': new Set([change.by]), ':previous': previous.updatedAt },
            },
          },
          {
            Put: {
              TableName: table,
              Item: {
                PK: keys.participantPartition(previous.studyId, previous.participantCode),
                SK: `${HISTORY_PREFIX}${at}`,
                type: 'contactHistory',
                ...(previous.email ? { email: previous.email } : {}),
                ...(previous.phone ? { phone: previous.phone } : {}),
                heldSince: previous.updatedAt,
                replacedAt: at,
                replacedBy: change.by,
                reason: change.reason,
                expiresAt: Math.floor((change.at.getTime() + CONTACT_HISTORY_DAYS * DAY_MS) / 1000),
              },
            },
          },
          // In the main table: the entry says a change happened, never what the details were.
          ...(audit ? [auditPut(audit, change.at)] : []),
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) throw new ContactChangedMeanwhile();
    throw error;
  }
}

/** The previous details of a participant, newest first (for the data manager tracing a change). */
export async function contactHistory(studyId: string, participantCode: string): Promise<{ email?: string; phone?: string; replacedAt: string; replacedBy: string; reason: string }[]> {
  const items = await queryAll({
    TableName: identityTableName(),
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :history)',
    ExpressionAttributeValues: { ':pk': keys.participantPartition(studyId, participantCode), ':history': HISTORY_PREFIX },
    ConsistentRead: true,
  });
  return items
    .map((item) => ({
      ...(typeof item.email === 'string' ? { email: item.email } : {}),
      ...(typeof item.phone === 'string' ? { phone: item.phone } : {}),
      replacedAt: item.replacedAt as string,
      replacedBy: item.replacedBy as string,
      reason: item.reason as string,
    }))
    .reverse();
}

/**
 * Sets contact details where none are held yet, and makes the member who set
 * them their manager. Conditional: details someone else set meanwhile are never
 * overwritten (ContactChangedMeanwhile); replacing goes through replaceContact.
 */
export async function setContact(contact: Omit<Contact, 'managedBy' | 'replacedAt'>, managerId: string, audit?: AuditNote): Promise<void> {
  try {
    await writeAudited(
      {
        Update: {
          TableName: identityTableName(),
          Key: contactKey(contact.studyId, contact.participantCode),
          ConditionExpression: 'attribute_not_exists(PK)',
          UpdateExpression: 'SET studyId = :s, participantCode = :p, email = :email, phone = :phone, updatedAt = :at ADD managedBy :manager',
          ExpressionAttributeValues: {
            ':s': contact.studyId,
            ':p': contact.participantCode,
            ':email': contact.email ?? null,
            ':phone': contact.phone ?? null,
            ':at': contact.updatedAt,
            ':manager': new Set([managerId]),
          },
        },
      },
      audit,
      new Date(contact.updatedAt),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw new ContactChangedMeanwhile();
    throw error;
  }
}

export async function getContact(studyId: string, participantCode: string): Promise<Contact | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: identityTableName(), Key: contactKey(studyId, participantCode), ConsistentRead: true }));
  if (!Item) return undefined;
  return {
    studyId,
    participantCode,
    ...(Item.email ? { email: Item.email as string } : {}),
    ...(Item.phone ? { phone: Item.phone as string } : {}),
    managedBy: [...((Item.managedBy as Set<string> | undefined) ?? [])],
    updatedAt: Item.updatedAt as string,
    ...(typeof Item.replacedAt === 'string' ? { replacedAt: Item.replacedAt } : {}),
  };
}

/** Erasure: the contact and its history. Returns whether there was a contact to delete. */
export async function deleteContact(studyId: string, participantCode: string): Promise<boolean> {
  const table = identityTableName();
  const history = await queryAll({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :history)',
    ExpressionAttributeValues: { ':pk': keys.participantPartition(studyId, participantCode), ':history': HISTORY_PREFIX },
    ProjectionExpression: 'PK, SK',
    ConsistentRead: true,
  });
  for (const item of history) await db().send(new DeleteCommand({ TableName: table, Key: { PK: item.PK, SK: item.SK } }));
  const { Attributes } = await db().send(new DeleteCommand({ TableName: table, Key: contactKey(studyId, participantCode), ReturnValues: 'ALL_OLD' }));
  return !!Attributes;
}

/**
 * The email addresses and phone numbers held for these participants (absent:
 * none held). For sending links and for saying whether a contact is held; the
 * caller decides what leaves the function, and never logs it.
 */
export async function getContactDetails(studyId: string, participantCodes: readonly string[]): Promise<Map<string, { email?: string; phone?: string; replacedAt?: string }>> {
  const found = new Map<string, { email?: string; phone?: string; replacedAt?: string }>();
  const table = identityTableName();
  for (let i = 0; i < participantCodes.length; i += 100) {
    let keysToGet: Record<string, unknown>[] | undefined = participantCodes.slice(i, i + 100).map((code) => contactKey(studyId, code));
    while (keysToGet && keysToGet.length > 0) {
      const result: BatchGetCommandOutput = await db().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keysToGet, ProjectionExpression: 'participantCode, email, phone, replacedAt' } } }),
      );
      for (const item of result.Responses?.[table] ?? []) {
        found.set(item.participantCode as string, {
          ...(typeof item.email === 'string' ? { email: item.email } : {}),
          ...(typeof item.phone === 'string' ? { phone: item.phone } : {}),
          ...(typeof item.replacedAt === 'string' ? { replacedAt: item.replacedAt } : {}),
        });
      }
      keysToGet = result.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}
