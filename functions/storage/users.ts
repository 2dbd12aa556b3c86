/** Researcher accounts for embedded mode (AWS mode keeps them in Cognito). */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../contracts/researcher.js';
import { db, isConditionalCheckFailed, queryAll, tableName } from './client.js';
import { keys } from './keys.js';

/** Accounts are listed under one GSI1 partition (tens of accounts, written rarely). */
const USERS_LISTING = 'USERS';
const userListing = (email: string) => ({ GSI1PK: USERS_LISTING, GSI1SK: email.toLowerCase() });
/**
 * An account's sessions, keyed by its subject id (the JWT's `sub`): written
 * only once an admin has changed the account (role, disabled, enabled). Every
 * change moves `generation` on, so tokens signed before it stop working at
 * their next request (see functions/auth/local-sessions.ts).
 */
const sessionState = (userId: string) => ({ PK: `USERID#${userId}`, SK: 'SESSIONS' });

export type LocalUser = {
  userId: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
  /** The password was printed at first start or made by an admin: it can only be used to choose a new one. */
  mustChangePassword?: boolean;
  /** Disabled by an admin: no sign-in, and its tokens stop working. */
  disabled?: boolean;
  /** Moves on at every admin change to the account; tokens carry the value they were signed with. */
  sessionGeneration?: number;
  /** May publish instrument versions (granted by an admin on the people page). */
  instrumentAuthor?: boolean;
};

/** Returns false when the account already exists (first-start seeding is then a no-op). */
export async function createLocalUser(user: LocalUser): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.user(user.email), ...userListing(user.email), type: 'user', ...user, email: user.email.toLowerCase() },
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
  return toLocalUser(Item, email);
}

function toLocalUser(item: Record<string, unknown>, email = String(item.email)): LocalUser {
  const { userId, role, passwordHash, createdAt, mustChangePassword, disabled, sessionGeneration, instrumentAuthor } = item as LocalUser;
  return {
    userId,
    email: email.toLowerCase(),
    role,
    passwordHash,
    createdAt,
    ...(mustChangePassword ? { mustChangePassword } : {}),
    ...(disabled ? { disabled } : {}),
    ...(sessionGeneration ? { sessionGeneration } : {}),
    ...(instrumentAuthor ? { instrumentAuthor } : {}),
  };
}

/** Every account, by email (GSI1 `USERS`). */
export async function listLocalUsers(): Promise<LocalUser[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :users',
    ExpressionAttributeValues: { ':users': USERS_LISTING },
  });
  return items.map((item) => toLocalUser(item));
}

/** The session state of an account an admin has changed; undefined for one never changed. */
export async function getSessionState(userId: string): Promise<{ generation: number; disabled: boolean } | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: sessionState(userId), ConsistentRead: true }));
  if (!Item) return undefined;
  return { generation: Number(Item.generation ?? 0), disabled: Item.disabled === true };
}

export class UserChangeRefused extends Error {
  constructor(readonly reason: 'not_found' | 'actor_not_admin' | 'no_other_admin' | 'conflict') {
    super(reason);
    this.name = 'UserChangeRefused';
  }
}

/**
 * An admin changes an account's role or status, in one transaction:
 *
 * - the account item (role, disabled, sessionGeneration + 1), on condition it
 *   still exists with this subject id;
 * - its session state (generation + 1, disabled), which ends its tokens;
 * - and a check that keeps at least one enabled admin. Changing another account
 *   checks that the actor is still an enabled admin; an admin demoting or
 *   disabling themselves names another enabled admin (`witness`) who must still
 *   be one. Transactions are serialisable, so two admins demoting each other at
 *   once cannot both win: whichever commits second finds its check false.
 */
export async function changeLocalUser(change: {
  target: LocalUser;
  role: Role;
  disabled: boolean;
  instrumentAuthor: boolean;
  /** The admin making the change, and (for a change to themselves that removes an admin) another enabled admin. */
  actor: LocalUser;
  witness?: LocalUser;
}): Promise<void> {
  const { target, actor, witness } = change;
  const enabledAdmin = (user: LocalUser) => ({
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.user(user.email),
      ConditionExpression: 'userId = :id AND #role = :admin AND (attribute_not_exists(disabled) OR disabled = :false)',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':id': user.userId, ':admin': 'admin', ':false': false },
    },
  });
  const guard = target.userId === actor.userId ? (witness ? [enabledAdmin(witness)] : []) : [enabledAdmin(actor)];
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: keys.user(target.email),
              UpdateExpression:
                'SET #role = :role, disabled = :disabled, instrumentAuthor = :author, sessionGeneration = if_not_exists(sessionGeneration, :zero) + :one, GSI1PK = :users, GSI1SK = :email',
              ConditionExpression: 'userId = :id',
              ExpressionAttributeNames: { '#role': 'role' },
              ExpressionAttributeValues: { ':role': change.role, ':disabled': change.disabled, ':author': change.instrumentAuthor, ':zero': 0, ':one': 1, ':id': target.userId, ':users': USERS_LISTING, ':email': target.email },
            },
          },
          {
            Update: {
              TableName: tableName(),
              Key: sessionState(target.userId),
              UpdateExpression: 'SET disabled = :disabled, generation = if_not_exists(generation, :zero) + :one, #type = :type',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':disabled': change.disabled, ':zero': 0, ':one': 1, ':type': 'userSessions' },
            },
          },
          ...guard,
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    // Another change to one of these items was in flight: nothing was written.
    if (reasons.some((reason) => reason.Code === 'TransactionConflict')) throw new UserChangeRefused('conflict');
    const [targetReason, , guardReason] = reasons;
    if (targetReason?.Code === 'ConditionalCheckFailed') throw new UserChangeRefused('not_found');
    if (guardReason?.Code === 'ConditionalCheckFailed') throw new UserChangeRefused(target.userId === actor.userId ? 'no_other_admin' : 'actor_not_admin');
    throw error;
  }
}

/**
 * Accounts made before accounts were listed (GSI1 `USERS`) get their listing
 * keys: data upgrade 0001 (functions/upgrades/0001-users-listed.ts). Its own
 * marker item predates the upgrade records and is still kept: a data folder
 * that has it skips the scan.
 */
export async function listExistingUsers(): Promise<number> {
  const marker = { PK: 'MIGRATION', SK: 'users-listed' };
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: marker }));
  if (Item) return 0;
  let listed = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await db().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: '#type = :user AND attribute_not_exists(GSI1PK)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':user': 'user' },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { PK: item.PK, SK: item.SK },
          UpdateExpression: 'SET GSI1PK = :users, GSI1SK = :email',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':users': USERS_LISTING, ':email': String(item.email).toLowerCase() },
        }),
      );
      listed += 1;
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  await db().send(new PutCommand({ TableName: tableName(), Item: { ...marker, type: 'migration', at: new Date().toISOString() } }));
  return listed;
}

/**
 * The operator's way back in (`npm start -- --reset-admin-password`, run at the
 * machine that holds the data): the account gets a temporary password and is
 * made an enabled admin again, whatever an admin changed since, and its old
 * sessions end. False when there is no such account.
 */
export async function resetLocalAdmin(email: string, passwordHash: string): Promise<{ userId: string } | false> {
  const user = await getLocalUser(email);
  if (!user) return false;
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tableName(),
            Key: keys.user(email),
            UpdateExpression:
              'SET passwordHash = :hash, mustChangePassword = :true, #role = :admin, disabled = :false, instrumentAuthor = :true, sessionGeneration = if_not_exists(sessionGeneration, :zero) + :one',
            ConditionExpression: 'userId = :id',
            ExpressionAttributeNames: { '#role': 'role' },
            ExpressionAttributeValues: { ':hash': passwordHash, ':true': true, ':false': false, ':admin': 'admin', ':zero': 0, ':one': 1, ':id': user.userId },
          },
        },
        {
          Update: {
            TableName: tableName(),
            Key: sessionState(user.userId),
            UpdateExpression: 'SET disabled = :false, generation = if_not_exists(generation, :zero) + :one, #type = :type',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':false': false, ':zero': 0, ':one': 1, ':type': 'userSessions' },
          },
        },
      ],
    }),
  );
  return { userId: user.userId };
}

/**
 * The account's own choice of password replaces the one that was checked, and
 * ends every session signed before it, as an admin's change does: one
 * transaction moves the session generation on, on the account and on its
 * SESSIONS item. Conditional on the stored hash still being the one verified
 * and the generation the one read, so two changes racing with the same old
 * password cannot both win. Returns the new generation (for the caller's new
 * session), or false when the account changed meanwhile.
 */
export async function changeLocalUserPassword(user: LocalUser, newHash: string): Promise<number | false> {
  const generation = user.sessionGeneration ?? 0;
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: keys.user(user.email),
              UpdateExpression: 'SET passwordHash = :new, passwordChangedAt = :now, sessionGeneration = :next REMOVE mustChangePassword',
              ConditionExpression: `passwordHash = :verified AND ${generation === 0 ? '(attribute_not_exists(sessionGeneration) OR sessionGeneration = :generation)' : 'sessionGeneration = :generation'}`,
              ExpressionAttributeValues: { ':new': newHash, ':verified': user.passwordHash, ':now': new Date().toISOString(), ':generation': generation, ':next': generation + 1 },
            },
          },
          {
            Update: {
              TableName: tableName(),
              Key: sessionState(user.userId),
              UpdateExpression: 'SET generation = :next, disabled = if_not_exists(disabled, :false), #type = :type',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: { ':next': generation + 1, ':false': false, ':type': 'userSessions' },
            },
          },
        ],
      }),
    );
    return generation + 1;
  } catch (error) {
    if (error instanceof TransactionCanceledException) return false;
    throw error;
  }
}
