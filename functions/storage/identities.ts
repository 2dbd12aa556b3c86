/**
 * Contact details, in the identity table only (see table-definition.ts). A
 * contact records which researchers manage the participant: only they and
 * admins may read it.
 */
import { BatchGetCommand, DeleteCommand, GetCommand, UpdateCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from './client.js';
import { keys } from './keys.js';

export type Contact = { studyId: string; participantCode: string; email?: string; phone?: string; managedBy: string[]; updatedAt: string };

function identityTableName(): string {
  const { IDENTITY_TABLE_NAME } = config();
  if (!IDENTITY_TABLE_NAME) throw new Error('IDENTITY_TABLE_NAME is not set: this function is not given the identity table');
  return IDENTITY_TABLE_NAME;
}

const contactKey = (studyId: string, participantCode: string) => ({ PK: keys.participantPartition(studyId, participantCode), SK: 'CONTACT' });

/** Sets the contact details and adds the researcher to those who manage the participant. */
export async function setContact(contact: Omit<Contact, 'managedBy'>, managerId: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: identityTableName(),
      Key: contactKey(contact.studyId, contact.participantCode),
      UpdateExpression: 'SET studyId = :s, participantCode = :p, email = :email, phone = :phone, updatedAt = :at ADD managedBy :manager',
      ExpressionAttributeValues: {
        ':s': contact.studyId,
        ':p': contact.participantCode,
        ':email': contact.email ?? null,
        ':phone': contact.phone ?? null,
        ':at': contact.updatedAt,
        ':manager': new Set([managerId]),
      },
    }),
  );
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
  };
}

/** Returns whether there was anything to delete. */
export async function deleteContact(studyId: string, participantCode: string): Promise<boolean> {
  const { Attributes } = await db().send(new DeleteCommand({ TableName: identityTableName(), Key: contactKey(studyId, participantCode), ReturnValues: 'ALL_OLD' }));
  return !!Attributes;
}

/**
 * The email addresses and phone numbers held for these participants (absent:
 * none held). For sending links and for saying whether a contact is held; the
 * caller decides what leaves the function, and never logs it.
 */
export async function getContactDetails(studyId: string, participantCodes: readonly string[]): Promise<Map<string, { email?: string; phone?: string }>> {
  const found = new Map<string, { email?: string; phone?: string }>();
  const table = identityTableName();
  for (let i = 0; i < participantCodes.length; i += 100) {
    let keysToGet: Record<string, unknown>[] | undefined = participantCodes.slice(i, i + 100).map((code) => contactKey(studyId, code));
    while (keysToGet && keysToGet.length > 0) {
      const result: BatchGetCommandOutput = await db().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keysToGet, ProjectionExpression: 'participantCode, email, phone' } } }),
      );
      for (const item of result.Responses?.[table] ?? []) {
        found.set(item.participantCode as string, {
          ...(typeof item.email === 'string' ? { email: item.email } : {}),
          ...(typeof item.phone === 'string' ? { phone: item.phone } : {}),
        });
      }
      keysToGet = result.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}
