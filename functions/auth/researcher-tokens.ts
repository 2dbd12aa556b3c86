/**
 * Researcher identity: JWTs verified with one code path in both modes. Embedded
 * mode signs its own tokens with a local ES256 key made on first start; AWS mode
 * verifies Cognito's tokens against the user pool's published keys. Claims are
 * never read from a token that has not been verified.
 */
import { createRemoteJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { config, type Config } from '../config.js';
import { INSTRUMENT_AUTHOR_GROUP, Role } from '../contracts/researcher.js';

export type Researcher = {
  userId: string;
  role: Role;
  /** May publish instrument versions (an admin grants it; Cognito: the `instrument-author` group). */
  instrumentAuthor?: boolean;
};


const LOCAL_ISSUER = 'pont-local';
const LOCAL_AUDIENCE = 'pont-researcher';
const ALGORITHM = 'ES256';
export const SESSION_SECONDS = 8 * 60 * 60;

type KeySource = Parameters<typeof jwtVerify>[1];
let verificationKey: { for: Config; key: Promise<KeySource> } | undefined;

function keySource(): Promise<KeySource> {
  if (verificationKey?.for === config()) return verificationKey.key;
  const key = (async () => {
    const { AUTH_MODE, LOCAL_JWT_PUBLIC_JWK, COGNITO_ISSUER } = config();
    if (AUTH_MODE === 'local') {
      if (!LOCAL_JWT_PUBLIC_JWK) throw new Error('LOCAL_JWT_PUBLIC_JWK is not set');
      return (await importJWK(JSON.parse(LOCAL_JWT_PUBLIC_JWK), ALGORITHM)) as KeySource;
    }
    if (!COGNITO_ISSUER) throw new Error('COGNITO_ISSUER is not set');
    return createRemoteJWKSet(new URL(`${COGNITO_ISSUER}/.well-known/jwks.json`)) as unknown as KeySource;
  })();
  verificationKey = { for: config(), key };
  return key;
}

/**
 * Returns the verified researcher, or undefined for any missing, forged, expired or malformed token.
 * Embedded mode's tokens also carry the account's session generation, which the caller checks
 * against the stored one (functions/auth/local-sessions.ts): an account an admin has changed
 * since the token was signed is refused at once, not in 8 hours.
 */
export async function verifyResearcherToken(token: string): Promise<(Researcher & { sessionGeneration?: number }) | undefined> {
  const { AUTH_MODE, COGNITO_ISSUER, COGNITO_CLIENT_ID } = config();
  try {
    const { payload } = await jwtVerify(token, await keySource(), {
      algorithms: AUTH_MODE === 'local' ? [ALGORITHM] : ['RS256'],
      ...(AUTH_MODE === 'local' ? { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE } : { issuer: COGNITO_ISSUER }),
    });
    if (AUTH_MODE === 'cognito' && payload.client_id !== COGNITO_CLIENT_ID && payload.aud !== COGNITO_CLIENT_ID) return undefined;
    const researcher = researcherFrom(payload);
    if (!researcher || AUTH_MODE !== 'local') return researcher;
    return { ...researcher, sessionGeneration: typeof payload['pont:gen'] === 'number' ? payload['pont:gen'] : 0 };
  } catch {
    return undefined;
  }
}

function researcherFrom(payload: JWTPayload): Researcher | undefined {
  const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as unknown[]) : [];
  // A Cognito account may be in a role group and the instrument author group: the role is the group that names one.
  const claimed = payload['pont:role'] ?? groups.find((group) => Role.safeParse(group).success);
  const role = Role.safeParse(claimed);
  if (!payload.sub || !role.success) return undefined;
  const instrumentAuthor = payload['pont:author'] === true || groups.includes(INSTRUMENT_AUTHOR_GROUP);
  return { userId: payload.sub, role: role.data, ...(instrumentAuthor ? { instrumentAuthor } : {}) };
}

/** `sessionGeneration`: the account's, when signing in (see functions/auth/local-sessions.ts). */
export async function signLocalResearcherToken(researcher: Researcher, now = new Date(), sessionGeneration = 0): Promise<{ token: string; expiresAt: Date }> {
  const { LOCAL_JWT_PRIVATE_JWK } = config();
  if (!LOCAL_JWT_PRIVATE_JWK) throw new Error('LOCAL_JWT_PRIVATE_JWK is not set');
  const key = await importJWK(JSON.parse(LOCAL_JWT_PRIVATE_JWK), ALGORITHM);
  const issuedAt = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ 'pont:role': researcher.role, 'pont:gen': sessionGeneration, ...(researcher.instrumentAuthor ? { 'pont:author': true } : {}) })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(researcher.userId)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + SESSION_SECONDS)
    .sign(key);
  return { token, expiresAt: new Date((issuedAt + SESSION_SECONDS) * 1000) };
}

export async function generateLocalSigningKeys(): Promise<{ privateJwk: string; publicJwk: string }> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  return {
    privateJwk: JSON.stringify(await exportJWK(privateKey)),
    publicJwk: JSON.stringify(await exportJWK(publicKey)),
  };
}
