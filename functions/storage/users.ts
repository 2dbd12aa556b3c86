/** Researcher accounts for embedded mode (AWS mode keeps them in Cognito). */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../contracts/researcher.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { keys } from './keys.js';

export type LocalUser = {
  userId: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
  /** The password was printed at first start or made by an admin: it can only be used to choose a new one. */
  mustChangePassword?: boolean;
};

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
  const { userId, role, passwordHash, createdAt, mustChangePassword } = Item as LocalUser;
  return { userId, email: email.toLowerCase(), role, passwordHash, createdAt, ...(mustChangePassword ? { mustChangePassword } : {}) };
}

/** Replaces an existing account's password with a temporary one (a reset); false when there is no such account. */
export async function setLocalUserPassword(email: string, passwordHash: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.user(email),
        UpdateExpression: 'SET passwordHash = :hash, mustChangePassword = :temporary',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':hash': passwordHash, ':temporary': true },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * The account's own choice of password replaces the one that was checked:
 * conditional on the stored hash still being the one verified, so two changes
 * racing with the same old password cannot both win. False when it changed meanwhile.
 */
export async function changeLocalUserPassword(email: string, verifiedHash: string, newHash: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.user(email),
        UpdateExpression: 'SET passwordHash = :new, passwordChangedAt = :now REMOVE mustChangePassword',
        ConditionExpression: 'passwordHash = :verified',
        ExpressionAttributeValues: { ':new': newHash, ':verified': verifiedHash, ':now': new Date().toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
