/** Researcher accounts for embedded mode (AWS mode keeps them in Cognito). */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../contracts/researcher.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { keys } from './keys.js';

export type LocalUser = { userId: string; email: string; role: Role; passwordHash: string; createdAt: string };

/** Returns false when the account already exists (first-start seeding is then a no-op). */
export async function createLocalUser(user: LocalUser): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.user(user.email), type: 'user', ...user, email: user.email.toLowerCase() },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export async function getLocalUser(email: string): Promise<LocalUser | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.user(email) }));
  if (!Item) return undefined;
  const { userId, role, passwordHash, createdAt } = Item as LocalUser;
  return { userId, email: email.toLowerCase(), role, passwordHash, createdAt };
}

/** Replaces an existing account's password; false when there is no such account. */
export async function setLocalUserPassword(email: string, passwordHash: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.user(email),
        UpdateExpression: 'SET passwordHash = :hash',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':hash': passwordHash },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
