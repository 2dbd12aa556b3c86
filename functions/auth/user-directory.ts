/**
 * The people page's operations on researcher accounts, behind one small
 * interface: embedded mode keeps accounts in DynamoDB (functions/storage/users.ts);
 * AWS mode keeps them in the Cognito user pool.
 *
 * The Cognito side is not implemented: it would need
 * @aws-sdk/client-cognito-identity-provider (ListUsers, AdminCreateUser,
 * AdminAddUserToGroup / AdminRemoveUserFromGroup, AdminDisableUser /
 * AdminEnableUser, AdminUserGlobalSignOut), which is not a dependency, and
 * grants on the user pool for the routes. Until then it answers 501 and admins
 * manage accounts in the Cognito console or CLI (docs/aws.md); the people
 * routes are embedded-only in functions/routes.ts, as POST /api/users was.
 */
import { randomUUID } from 'node:crypto';
import { config } from '../config.js';
import type { Role, UserSummary } from '../contracts/researcher.js';
import { hashPassword, newPassword } from '../domain/passwords.js';
import { HttpError } from '../http/errors.js';
import { changeLocalUser, createLocalUser, getLocalUser, listLocalUsers, UserChangeRefused, type LocalUser } from '../storage/users.js';

type UserChange = { role?: Role; enabled?: boolean; instrumentAuthor?: boolean };

export interface UserDirectory {
  list(): Promise<UserSummary[]>;
  /** A new account with a temporary password (shown once); undefined when the email is taken. */
  create(email: string, role: Role): Promise<{ user: UserSummary; temporaryPassword: string } | undefined>;
  /** Changes an account for an admin (`actorId`); throws UserDirectoryRefusal. */
  update(actorId: string, userId: string, change: UserChange): Promise<UserSummary>;
  /** An account by its email (adding a study member), or undefined. */
  findByEmail(email: string): Promise<UserSummary | undefined>;
  /** An account by its subject id (naming a study's creator), or undefined when the directory cannot say. */
  describe(userId: string): Promise<UserSummary | undefined>;
}

export class UserDirectoryRefusal extends Error {
  constructor(
    readonly reason: 'not_found' | 'last_admin' | 'actor_not_admin' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'UserDirectoryRefusal';
  }
}

function summary(user: LocalUser): UserSummary {
  const status = user.disabled ? 'disabled' : user.mustChangePassword ? 'invited' : 'active';
  return { userId: user.userId, email: user.email, role: user.role, status, createdAt: user.createdAt, ...(user.instrumentAuthor ? { instrumentAuthor: true } : {}) };
}

const enabledAdmin = (user: LocalUser) => user.role === 'admin' && !user.disabled;

/** Embedded mode: accounts in the main table. */
const dynamoUserDirectory: UserDirectory = {
  async list() {
    return (await listLocalUsers()).map(summary).sort((a, b) => a.email.localeCompare(b.email));
  },

  async create(email, role) {
    const temporaryPassword = newPassword();
    const user: LocalUser = { userId: randomUUID(), email: email.toLowerCase(), role, passwordHash: await hashPassword(temporaryPassword), createdAt: new Date().toISOString(), mustChangePassword: true };
    // Temporary: the first sign-in must choose a new one, so the admin who passed it on cannot use the account.
    return (await createLocalUser(user)) ? { user: summary(user), temporaryPassword } : undefined;
  },

  async update(actorId, userId, change) {
    // The listing says who is who (an email never changes for a subject id); the transaction re-checks what matters.
    const users = await listLocalUsers();
    const target = users.find((u) => u.userId === userId);
    const actor = users.find((u) => u.userId === actorId);
    if (!target) throw new UserDirectoryRefusal('not_found', 'There is no such account');
    if (!actor || !enabledAdmin(actor)) throw new UserDirectoryRefusal('actor_not_admin', 'Only an enabled admin account can change accounts');
    const role = change.role ?? target.role;
    const disabled = change.enabled === undefined ? !!target.disabled : !change.enabled;
    const instrumentAuthor = change.instrumentAuthor ?? !!target.instrumentAuthor;
    const removesAnAdmin = enabledAdmin(target) && (role !== 'admin' || disabled);
    const witness = target.userId === actor.userId && removesAnAdmin ? users.find((u) => u.userId !== actor.userId && enabledAdmin(u)) : undefined;
    if (target.userId === actor.userId && removesAnAdmin && !witness) {
      throw new UserDirectoryRefusal('last_admin', 'You are the last enabled admin: make another account an admin first');
    }
    try {
      await changeLocalUser({ target, role, disabled, instrumentAuthor, actor, ...(witness ? { witness } : {}) });
    } catch (error) {
      if (!(error instanceof UserChangeRefused)) throw error;
      if (error.reason === 'not_found') throw new UserDirectoryRefusal('not_found', 'There is no such account');
      if (error.reason === 'conflict') throw new UserDirectoryRefusal('conflict', 'The account was being changed at the same time: look again and retry');
      if (error.reason === 'no_other_admin') throw new UserDirectoryRefusal('last_admin', 'You are the last enabled admin: make another account an admin first');
      throw new UserDirectoryRefusal('actor_not_admin', 'Your account is no longer an enabled admin');
    }
    return summary({ ...target, role, disabled, instrumentAuthor });
  },

  async findByEmail(email) {
    const user = await getLocalUser(email);
    return user ? summary(user) : undefined;
  },

  async describe(userId) {
    const user = (await listLocalUsers()).find((u) => u.userId === userId);
    return user ? summary(user) : undefined;
  },
};

const notInCognito = (): never => {
  throw new HttpError(501, 'not_implemented', 'In AWS, manage accounts in the Cognito user pool (AWS console or aws cognito-idp): see docs/aws.md');
};

/** AWS mode: not implemented (see the module comment). */
const cognitoUserDirectory: UserDirectory = {
  list: async () => notInCognito(),
  create: async () => notInCognito(),
  update: async () => notInCognito(),
  findByEmail: async () => notInCognito(),
  // The study's creator is then named by their subject id on the members page.
  describe: async () => undefined,
};

export function userDirectory(): UserDirectory {
  return config().AUTH_MODE === 'local' ? dynamoUserDirectory : cognitoUserDirectory;
}
