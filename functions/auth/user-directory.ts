/**
 * The people page's operations on researcher accounts, behind one small
 * interface: embedded mode keeps accounts in DynamoDB (functions/storage/users.ts);
 * AWS mode keeps them in the Cognito user pool.
 *
 * The Cognito side looks accounts up only: findByEmail (adding a study member)
 * and describe (naming a study's creator), with ListUsers and
 * AdminListGroupsForUser on the pool, granted to the routes flagged
 * `readsAccounts` in functions/routes.ts. Managing accounts (list, create,
 * update: AdminCreateUser, AdminAddUserToGroup / AdminRemoveUserFromGroup,
 * AdminDisableUser / AdminEnableUser, AdminUserGlobalSignOut) is not
 * implemented: it answers 501 and admins manage accounts in the Cognito console
 * or CLI (docs/aws.md); the people routes are embedded-only in
 * functions/routes.ts, as POST /api/users was.
 */
import { randomUUID } from 'node:crypto';
import * as cognitoSdk from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient, UserType } from '@aws-sdk/client-cognito-identity-provider';
import { config, type Config } from '../config.js';
import { INSTRUMENT_AUTHOR_GROUP, Role, type UserSummary } from '../contracts/researcher.js';
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
    readonly reason: 'not_found' | 'last_admin' | 'self_disable' | 'actor_not_admin' | 'conflict',
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
    // Locked out by one's own click, with nobody told: another admin disables an account, and sees it done.
    if (target.userId === actor.userId && disabled && !target.disabled) {
      throw new UserDirectoryRefusal('self_disable', 'You cannot disable your own account: ask another admin to');
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

/** The user pool named by the token issuer, https://cognito-idp.<region>.amazonaws.com/<poolId> (infra/aws/auth.ts). */
export function userPoolOf(issuer: string): { region: string; userPoolId: string } {
  const url = new URL(issuer);
  const region = /^cognito-idp\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
  const userPoolId = url.pathname.slice(1);
  if (!region || !/^[a-z0-9-]+_[0-9A-Za-z]+$/.test(userPoolId)) throw new Error(`COGNITO_ISSUER does not name a user pool: ${issuer}`);
  return { region, userPoolId };
}

/** A value inside a ListUsers filter's double quotes: `"` and `\` escaped with a backslash. */
export const filterValue = (value: string): string => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;

type CognitoSdk = typeof cognitoSdk;
type Pool = { sdk: CognitoSdk; client: CognitoIdentityProviderClient; userPoolId: string };

/** One client per container, made at the first lookup; again only if the config is reloaded (tests). */
let pool: { for: Config; pool: Promise<Pool> } | undefined;

function userPool(): Promise<Pool> {
  if (pool?.for === config()) return pool.pool;
  const { COGNITO_ISSUER, COGNITO_ENDPOINT } = config();
  const made = (async () => {
    if (!COGNITO_ISSUER) throw new Error('COGNITO_ISSUER is not set');
    const { region, userPoolId } = userPoolOf(COGNITO_ISSUER);
    // A static import: the two deployed routes that use this module (AddMember, CreateStudy) look accounts up at every
    // request in AWS, and esbuild tree-shakes a static import better (336 KB against 436 KB for a dynamic one).
    const sdk = cognitoSdk;
    const client = new sdk.CognitoIdentityProviderClient({ region, ...(COGNITO_ENDPOINT ? { endpoint: COGNITO_ENDPOINT } : {}) });
    // As for DynamoDB (storage/client.ts): the logger step copies every input (emails here) even for a no-op logger.
    client.middlewareStack.remove('loggerMiddleware');
    return { sdk, client, userPoolId };
  })();
  const previous = pool;
  pool = { for: config(), pool: made };
  void previous?.pool.then(({ client }) => client.destroy(), () => undefined);
  // A failed start (a bad issuer) is not kept: the next lookup tries again.
  made.catch(() => {
    if (pool?.pool === made) pool = undefined;
  });
  return made;
}

const attribute = (user: UserType, name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;

/** The users a ListUsers filter matches (one attribute, `=`: a handful at most), every page. */
async function listUsers({ sdk, client, userPoolId }: Pool, filter: string): Promise<UserType[]> {
  const users: UserType[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new sdk.ListUsersCommand({ UserPoolId: userPoolId, Filter: filter, ...(token ? { PaginationToken: token } : {}) }));
    users.push(...(page.Users ?? []));
    token = page.PaginationToken;
  } while (token);
  return users;
}

/**
 * A Cognito user as Pont sees it: the subject id (the tokens' `sub`), the role
 * group it is in, or undefined for an account in no role group, which Pont's
 * tokens would not accept (functions/auth/researcher-tokens.ts).
 */
async function toSummary(p: Pool, user: UserType): Promise<UserSummary | undefined> {
  const userId = attribute(user, 'sub');
  const email = attribute(user, 'email');
  if (!userId || !email || !user.Username) return undefined;
  const groups: Array<{ name: string; precedence: number }> = [];
  let token: string | undefined;
  try {
    do {
      const page = await p.client.send(new p.sdk.AdminListGroupsForUserCommand({ UserPoolId: p.userPoolId, Username: user.Username, ...(token ? { NextToken: token } : {}) }));
      for (const group of page.Groups ?? []) if (group.GroupName) groups.push({ name: group.GroupName, precedence: group.Precedence ?? Number.MAX_SAFE_INTEGER });
      token = page.NextToken;
    } while (token);
  } catch (error) {
    // Deleted between the two calls.
    if (error instanceof Error && error.name === 'UserNotFoundException') return undefined;
    throw error;
  }
  // Each account should be in one role group (infra/aws/auth.ts); if in several, the lowest precedence wins, as Cognito chooses.
  const role = groups
    .sort((a, b) => a.precedence - b.precedence)
    .map((group) => Role.safeParse(group.name))
    .find((parsed) => parsed.success)?.data;
  if (!role) return undefined;
  const status = user.Enabled === false ? 'disabled' : user.UserStatus === 'FORCE_CHANGE_PASSWORD' ? 'invited' : 'active';
  const instrumentAuthor = groups.some((group) => group.name === INSTRUMENT_AUTHOR_GROUP);
  return { userId, email, role, status, createdAt: user.UserCreateDate?.toISOString() ?? '', ...(instrumentAuthor ? { instrumentAuthor: true } : {}) };
}

const notInCognito = (): never => {
  throw new HttpError(501, 'not_implemented', 'In AWS, manage accounts in the Cognito user pool (AWS console or aws cognito-idp): see docs/aws.md');
};

/** AWS mode: lookups only (see the module comment). */
const cognitoUserDirectory: UserDirectory = {
  list: async () => notInCognito(),
  create: async () => notInCognito(),
  update: async () => notInCognito(),

  async findByEmail(email) {
    const p = await userPool();
    // The filter is Cognito's; the comparison here is ours: only an account with exactly this address (any case) is taken.
    const user = (await listUsers(p, `email = ${filterValue(email)}`)).find((u) => attribute(u, 'email')?.toLowerCase() === email.toLowerCase());
    return user ? toSummary(p, user) : undefined;
  },

  async describe(userId) {
    const p = await userPool();
    const user = (await listUsers(p, `sub = ${filterValue(userId)}`)).find((u) => attribute(u, 'sub') === userId);
    return user ? toSummary(p, user) : undefined;
  },
};

export function userDirectory(): UserDirectory {
  return config().AUTH_MODE === 'local' ? dynamoUserDirectory : cognitoUserDirectory;
}
