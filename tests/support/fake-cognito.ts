/**
 * A small stand-in for Cognito's user pool API (cognito-idp), over real HTTP
 * on 127.0.0.1, for testing the console's Cognito client
 * (web/src/console/cognito.ts) without AWS. It speaks the same wire format
 * (POST, X-Amz-Target, application/x-amz-json-1.1, errors as
 * {"__type", "message"} with HTTP 400) and checks what Cognito checks: the
 * SRP proof computed server side (S = (A·v^u)^b, written here independently
 * of the client's code, with Node's crypto), the TIMESTAMP format, the
 * session of each challenge, the password policy, and TOTP codes (RFC 6238).
 * Its tokens carry Cognito's claims (iat, jti, origin_jti…: a client library
 * reads them), and a session is renewed either way Cognito offers:
 * InitiateAuth REFRESH_TOKEN_AUTH or GetTokensFromRefreshToken.
 *
 * It also answers the two lookups the API makes in AWS
 * (functions/auth/user-directory.ts): ListUsers, with a server-side filter
 * parsed as Cognito documents it (`attribute = "value"` or `^=`, one attribute,
 * `\"` and `\\` escaped inside the quotes, anything else refused), and
 * AdminListGroupsForUser, with the role groups' precedences of infra/aws/auth.ts.
 * A user's `sub` is its username, as in a pool whose username is the email.
 *
 * Not Cognito: error messages are Cognito's documented ones, but retries,
 * throttling and session lifetimes are simplified, and requests are not
 * checked for a signature.
 */
import { createHash, createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const G = 2n;

/** Java's BigInteger.toByteArray() of a non-negative number. */
function toBytes(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}
const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const toBig = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex') || '0'}`);
function power(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
  }
  return result;
}
const K = toBig(sha256(toBytes(N), toBytes(G)));

/** RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) of a base32 secret. */
export function totp(secretBase32: string, at: Date, stepOffset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at.getTime() / 1000 / 30) + stepOffset));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  return (bits.match(/.{1,5}/g) ?? []).map((chunk) => alphabet[parseInt(chunk.padEnd(5, '0'), 2)]).join('');
}

export type FakeUser = {
  email: string;
  password: string;
  /** An admin-created account whose temporary password must be replaced. */
  mustChangePassword?: boolean;
  groups?: string[];
  /** Set once an authenticator app is verified. */
  totpSecret?: string;
  /** Disabled by an admin (ListUsers: `Enabled: false`). */
  disabled?: boolean;
};

type StoredUser = FakeUser & { username: string; salt: Buffer; verifier: bigint; createdAt: Date };
/** What a refresh token stands for: the user and the sign-in that issued it. */
type Grant = { username: string; originJti: string; authTime: number };
type Pending = { username: string; expects: string; srp?: { A: bigint; b: bigint; B: bigint; secretBlock: Buffer }; secret?: string };

export type FakeCognito = {
  endpoint: string;
  userPoolId: string;
  clientId: string;
  /** Every call, in order: the operation and its JSON body. */
  calls: Array<{ operation: string; body: Record<string, any>; raw: string }>;
  users: Map<string, StoredUser>;
  /** Access tokens issued (a token's payload is readable; its signature is not checked by anything here). */
  issued: Array<{ accessToken: string; refreshToken?: string }>;
  revoked: Set<string>;
  close(): Promise<void>;
};

const PASSWORD_POLICY: Array<[RegExp, string]> = [
  [/^.{12,}$/su, 'Password not long enough'],
  [/[a-z]/, 'Password must have lowercase characters'],
  [/[A-Z]/, 'Password must have uppercase characters'],
  [/[0-9]/, 'Password must have numeric characters'],
  [/[^A-Za-z0-9\s]/, 'Password must have symbol characters'],
];

/** The pool's groups with a precedence (infra/aws/auth.ts); any other group has none. */
const GROUP_PRECEDENCE: Record<string, number> = { admin: 0, researcher: 1, analyst: 2 };

/** ListUsers' filter, strictly: `name = "value"` or `name ^= "value"`, with `\"` and `\\` escaped in the value. */
const FILTER = /^\s*([a-z_:]+)\s*(\^?=)\s*"((?:[^"\\]|\\["\\])*)"\s*$/;

/** Cognito's TIMESTAMP: "Tue Nov 3 09:05:07 UTC 2026". */
const TIMESTAMP = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12][0-9]|3[01]) \d\d:\d\d:\d\d UTC \d{4}$/;

export async function startFakeCognito(options: { users: FakeUser[]; now?: () => Date }): Promise<FakeCognito> {
  const now = options.now ?? (() => new Date());
  const userPoolId = 'eu-west-2_TestPool1';
  const poolName = userPoolId.split('_')[1]!;
  const clientId = 'testclient0000000000000001';
  const users = new Map<string, StoredUser>();
  const setPassword = (user: StoredUser, password: string) => {
    user.password = password;
    user.salt = randomBytes(16);
    const x = toBig(sha256(toBytes(toBig(user.salt)), Buffer.from(createHash('sha256').update(`${poolName}${user.username}:${password}`).digest('hex'), 'hex')));
    user.verifier = power(G, x, N);
  };
  for (const u of options.users) {
    const user = { ...u, username: randomUUID(), salt: Buffer.alloc(0), verifier: 0n, createdAt: now() } as StoredUser;
    setPassword(user, u.password);
    users.set(u.email.toLowerCase(), user);
  }
  const byUsername = (username: string) => [...users.values()].find((u) => u.username === username);
  const sessions = new Map<string, Pending>();
  const refreshTokens = new Map<string, Grant>();
  const calls: FakeCognito['calls'] = [];
  const issued: FakeCognito['issued'] = [];
  const revoked = new Set<string>();

  class Refusal extends Error {
    constructor(
      readonly type: string,
      message: string,
    ) {
      super(message);
    }
  }
  const open = (pending: Pending) => {
    const id = randomBytes(24).toString('base64');
    sessions.set(id, pending);
    return id;
  };
  const take = (id: unknown, expects: string): Pending => {
    const pending = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!pending || pending.expects !== expects) throw new Refusal('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    sessions.delete(id as string);
    return pending;
  };
  /**
   * Cognito's tokens, with the claims it writes (the signature is not
   * checked by anything here). `origin_jti` and `auth_time` belong to the
   * sign-in: tokens renewed with its refresh token keep them, and revoking
   * that refresh token is possible because the access token names its origin.
   * A sign-in issues a refresh token; a renewal does not (no rotation).
   */
  const tokens = (user: StoredUser, grant?: Grant) => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = (claims: object) => `${part({ alg: 'RS256', kid: 'fake' })}.${part(claims)}.${randomBytes(16).toString('base64url')}`;
    const iat = Math.floor(now().getTime() / 1000);
    const signIn = grant ?? { username: user.username, originJti: randomUUID(), authTime: iat };
    const common = {
      sub: user.username,
      'cognito:groups': user.groups ?? [],
      iss: `https://cognito-idp.${userPoolId.split('_')[0]}.amazonaws.com/${userPoolId}`,
      origin_jti: signIn.originJti,
      event_id: randomUUID(),
      auth_time: signIn.authTime,
      iat,
      exp: iat + 3600,
    };
    const accessToken = jwt({ ...common, version: 2, client_id: clientId, token_use: 'access', scope: 'aws.cognito.signin.user.admin', jti: randomUUID(), username: user.username });
    const idToken = jwt({ ...common, aud: clientId, token_use: 'id', jti: randomUUID(), 'cognito:username': user.username, email: user.email, email_verified: true });
    const refreshToken = grant ? undefined : randomBytes(32).toString('base64url');
    if (refreshToken) refreshTokens.set(refreshToken, signIn);
    issued.push({ accessToken, ...(refreshToken ? { refreshToken } : {}) });
    return { AuthenticationResult: { AccessToken: accessToken, ExpiresIn: 3600, TokenType: 'Bearer', IdToken: idToken, ...(refreshToken ? { RefreshToken: refreshToken } : {}) } };
  };
  /** A renewal: the sign-in a refresh token belongs to, or Cognito's refusal. */
  const renewal = (body: Record<string, any>, refreshToken: unknown) => {
    if (body.ClientId !== clientId) throw new Refusal('ResourceNotFoundException', 'User pool client does not exist.');
    const grant = typeof refreshToken === 'string' ? refreshTokens.get(refreshToken) : undefined;
    const user = grant ? byUsername(grant.username) : undefined;
    if (!grant || !user) throw new Refusal('NotAuthorizedException', 'Invalid Refresh Token');
    return tokens(user, grant);
  };
  /** After the password: the next challenge this user owes, or tokens. */
  const after = (user: StoredUser) => {
    if (user.mustChangePassword) {
      return { ChallengeName: 'NEW_PASSWORD_REQUIRED', ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: JSON.stringify({ email: user.email }) }, Session: open({ username: user.username, expects: 'NEW_PASSWORD_REQUIRED' }) };
    }
    if (!user.totpSecret) {
      return { ChallengeName: 'MFA_SETUP', ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' }, Session: open({ username: user.username, expects: 'MFA_SETUP' }) };
    }
    return { ChallengeName: 'SOFTWARE_TOKEN_MFA', ChallengeParameters: {}, Session: open({ username: user.username, expects: 'SOFTWARE_TOKEN_MFA' }) };
  };
  const codeIsRight = (secret: string, code: unknown) => typeof code === 'string' && [-1, 0, 1].some((step) => totp(secret, now(), step) === code);

  const operations: Record<string, (body: Record<string, any>) => object> = {
    InitiateAuth(body) {
      if (body.ClientId !== clientId) throw new Refusal('ResourceNotFoundException', 'User pool client does not exist.');
      if (body.AuthFlow === 'REFRESH_TOKEN_AUTH') return renewal(body, body.AuthParameters?.REFRESH_TOKEN);
      if (body.AuthFlow !== 'USER_SRP_AUTH') throw new Refusal('InvalidParameterException', `${body.AuthFlow} flow not enabled for this client`);
      const A = BigInt(`0x${body.AuthParameters?.SRP_A ?? '0'}`);
      if (A % N === 0n) throw new Refusal('InvalidParameterException', 'SRP_A is invalid');
      // An unknown user gets a challenge all the same, and fails at the proof (preventUserExistenceErrors).
      const user = users.get(String(body.AuthParameters?.USERNAME ?? '').toLowerCase());
      const verifier = user?.verifier ?? power(G, toBig(randomBytes(32)), N);
      const salt = user?.salt ?? randomBytes(16);
      const b = toBig(randomBytes(128)) % N;
      const B = (K * verifier + power(G, b, N)) % N;
      const secretBlock = randomBytes(64);
      const username = user?.username ?? randomUUID();
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeParameters: { SALT: salt.toString('hex'), SRP_B: B.toString(16), SECRET_BLOCK: secretBlock.toString('base64'), USER_ID_FOR_SRP: username, USERNAME: username },
        Session: open({ username, expects: 'PASSWORD_VERIFIER', srp: { A, b, B, secretBlock } }),
      };
    },
    RespondToAuthChallenge(body) {
      if (body.ClientId !== clientId) throw new Refusal('ResourceNotFoundException', 'User pool client does not exist.');
      const responses = body.ChallengeResponses ?? {};
      const pending = take(body.Session, body.ChallengeName);
      if (responses.USERNAME !== pending.username) throw new Refusal('NotAuthorizedException', 'Incorrect username or password.');
      const user = byUsername(pending.username);
      switch (body.ChallengeName) {
        case 'PASSWORD_VERIFIER': {
          const { A, b, B, secretBlock } = pending.srp!;
          if (responses.PASSWORD_CLAIM_SECRET_BLOCK !== secretBlock.toString('base64')) throw new Refusal('NotAuthorizedException', 'Incorrect username or password.');
          if (!TIMESTAMP.test(responses.TIMESTAMP ?? '')) throw new Refusal('InvalidParameterException', 'TIMESTAMP format is invalid');
          if (!user) throw new Refusal('NotAuthorizedException', 'Incorrect username or password.');
          const u = toBig(sha256(toBytes(A), toBytes(B)));
          const S = power(A * power(user.verifier, u, N), b, N);
          const key = Buffer.from(hkdfSync('sha256', toBytes(S), toBytes(u), Buffer.from('Caldera Derived Key'), 16));
          const expected = createHmac('sha256', key)
            .update(Buffer.concat([Buffer.from(poolName), Buffer.from(user.username), secretBlock, Buffer.from(responses.TIMESTAMP)]))
            .digest('base64');
          if (responses.PASSWORD_CLAIM_SIGNATURE !== expected) throw new Refusal('NotAuthorizedException', 'Incorrect username or password.');
          return after(user);
        }
        case 'NEW_PASSWORD_REQUIRED': {
          const failed = PASSWORD_POLICY.find(([rule]) => !rule.test(responses.NEW_PASSWORD ?? ''));
          if (failed) {
            // A refused password leaves the challenge open, as Cognito does.
            sessions.set(body.Session, pending);
            throw new Refusal('InvalidPasswordException', `Password does not conform to policy: ${failed[1]}`);
          }
          setPassword(user!, responses.NEW_PASSWORD);
          user!.mustChangePassword = false;
          return after(user!);
        }
        case 'SOFTWARE_TOKEN_MFA': {
          if (!codeIsRight(user!.totpSecret!, responses.SOFTWARE_TOKEN_MFA_CODE)) {
            sessions.set(body.Session, pending);
            throw new Refusal('CodeMismatchException', 'Invalid code received for user');
          }
          return tokens(user!);
        }
        case 'MFA_SETUP':
          return tokens(user!);
        default:
          throw new Refusal('InvalidParameterException', `Unknown challenge ${body.ChallengeName}`);
      }
    },
    AssociateSoftwareToken(body) {
      const pending = take(body.Session, 'MFA_SETUP');
      const secret = base32(randomBytes(20));
      return { SecretCode: secret, Session: open({ ...pending, expects: 'VERIFY', secret }) };
    },
    VerifySoftwareToken(body) {
      const pending = take(body.Session, 'VERIFY');
      if (!codeIsRight(pending.secret!, body.UserCode)) {
        sessions.set(body.Session, pending);
        throw new Refusal('EnableSoftwareTokenMFAException', 'Code mismatch');
      }
      byUsername(pending.username)!.totpSecret = pending.secret;
      return { Status: 'SUCCESS', Session: open({ username: pending.username, expects: 'MFA_SETUP' }) };
    },
    ListUsers(body) {
      if (body.UserPoolId !== userPoolId) throw new Refusal('ResourceNotFoundException', `User pool ${body.UserPoolId} does not exist.`);
      let matches = (_user: StoredUser) => true;
      if (typeof body.Filter === 'string' && body.Filter !== '') {
        const parsed = FILTER.exec(body.Filter);
        if (!parsed) throw new Refusal('InvalidParameterException', 'Error while parsing filter.');
        const [, name, operator, quoted] = parsed;
        const value = quoted!.replace(/\\(["\\])/g, '$1');
        const valueOf: Record<string, (user: StoredUser) => string> = { email: (u) => u.email, sub: (u) => u.username, username: (u) => u.username };
        const read = valueOf[name!];
        if (!read) throw new Refusal('InvalidParameterException', `Can not filter on ${name}.`);
        // Email is compared without regard to case (the pool's sign-in is case-insensitive); sub and username exactly.
        const fold = (text: string) => (name === 'email' ? text.toLowerCase() : text);
        matches = (user) => (operator === '=' ? fold(read(user)) === fold(value) : fold(read(user)).startsWith(fold(value)));
      }
      const limit = body.Limit ?? 60;
      if (!Number.isInteger(limit) || limit < 1 || limit > 60) throw new Refusal('InvalidParameterException', 'Limit must be between 1 and 60.');
      const all = [...users.values()].filter(matches);
      const start = body.PaginationToken === undefined ? 0 : Number(body.PaginationToken);
      if (!Number.isInteger(start) || start < 0) throw new Refusal('InvalidParameterException', 'Invalid pagination token.');
      const page = all.slice(start, start + limit);
      return {
        Users: page.map((user) => ({
          Username: user.username,
          Attributes: [
            { Name: 'sub', Value: user.username },
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
          ],
          UserCreateDate: user.createdAt.getTime() / 1000,
          UserLastModifiedDate: user.createdAt.getTime() / 1000,
          Enabled: !user.disabled,
          UserStatus: user.mustChangePassword ? 'FORCE_CHANGE_PASSWORD' : 'CONFIRMED',
        })),
        ...(start + limit < all.length ? { PaginationToken: String(start + limit) } : {}),
      };
    },
    AdminListGroupsForUser(body) {
      if (body.UserPoolId !== userPoolId) throw new Refusal('ResourceNotFoundException', `User pool ${body.UserPoolId} does not exist.`);
      const user = byUsername(String(body.Username ?? '')) ?? users.get(String(body.Username ?? '').toLowerCase());
      if (!user) throw new Refusal('UserNotFoundException', 'User does not exist.');
      return {
        Groups: (user.groups ?? []).map((name) => ({
          GroupName: name,
          UserPoolId: userPoolId,
          ...(name in GROUP_PRECEDENCE ? { Precedence: GROUP_PRECEDENCE[name] } : {}),
          CreationDate: 0,
          LastModifiedDate: 0,
        })),
      };
    },
    // The newer way to renew (Amplify's): the same as REFRESH_TOKEN_AUTH when the app client does not rotate refresh tokens.
    GetTokensFromRefreshToken(body) {
      return renewal(body, body.RefreshToken);
    },
    RevokeToken(body) {
      if (body.ClientId !== clientId) throw new Refusal('ResourceNotFoundException', 'User pool client does not exist.');
      refreshTokens.delete(body.Token);
      revoked.add(body.Token);
      return {};
    },
  };

  const read = (request: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      request.on('error', reject);
    });

  const server: Server = createServer(async (request, response) => {
    const raw = await read(request);
    const reply = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^AWSCognitoIdentityProviderService\./, '');
    if (request.method !== 'POST' || request.headers['content-type'] !== 'application/x-amz-json-1.1' || operation === target || !operations[operation]) {
      return reply(400, { __type: 'UnknownOperationException', message: `Unknown operation ${target}` });
    }
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(400, { __type: 'SerializationException', message: 'Not JSON' });
    }
    calls.push({ operation, body, raw });
    try {
      reply(200, operations[operation]!(body));
    } catch (error) {
      if (error instanceof Refusal) return reply(400, { __type: error.type, message: error.message });
      reply(500, { __type: 'InternalErrorException', message: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    userPoolId,
    clientId,
    calls,
    users,
    issued,
    revoked,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
