/**
 * Researcher sign-in against the Cognito user pool, in AWS: Cognito's own
 * user pool API (cognito-idp, JSON over HTTPS) called with fetch, no SDK and
 * no Amplify. Its own chunk: only AWS deployments load it.
 *
 *   InitiateAuth USER_SRP_AUTH (SRP_A) ──► PASSWORD_VERIFIER ──► RespondToAuthChallenge (the SRP proof, srp.ts)
 *     ──► NEW_PASSWORD_REQUIRED (a temporary password from an admin) ──► RespondToAuthChallenge NEW_PASSWORD
 *     ──► MFA_SETUP (no authenticator yet) ──► AssociateSoftwareToken, VerifySoftwareToken, RespondToAuthChallenge
 *     ──► SOFTWARE_TOKEN_MFA ──► RespondToAuthChallenge SOFTWARE_TOKEN_MFA_CODE
 *     ──► tokens: the access token is the session's bearer token; the refresh token renews it (REFRESH_TOKEN_AUTH)
 *
 * SRP, not USER_PASSWORD_AUTH: the password never leaves the browser, and the
 * app client allows nothing else (infra/aws/auth.ts). The API's JWT
 * authorizer and the functions verify the access token; the console reads
 * its groups only to show the right pages.
 */
import { Role } from '../../../functions/contracts/researcher.js';
import { cognitoIdpOrigin, type CognitoSettings } from '../../../functions/contracts/web-config.js';
import type { Session } from './consoleApi';
import { SignInProblem, type Authenticator, type SignInStep } from './authenticator';
import { base64ToBytes, cognitoTimestamp, passwordClaimSignature, startSrp } from './srp';

/** The user pool's password policy (infra/aws/auth.ts), for the choose-a-password screen; Cognito's own message says what a refused one lacks. */
export const COGNITO_PASSWORD_RULES = 'at least 12 characters, with an upper-case and a lower-case letter, a digit and a symbol';

/** How the authenticator app names the account. */
const ISSUER = 'Pont';

type AuthenticationResult = { AccessToken: string; ExpiresIn: number; RefreshToken?: string };
type ChallengeResponse = {
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  AuthenticationResult?: AuthenticationResult;
};

/** Cognito refused a call: its error type (NotAuthorizedException…) and message. */
class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'CognitoError';
  }
}

export type CognitoDependencies = {
  fetch: typeof fetch;
  now: () => Date;
  /** The API's address; the region's public endpoint unless a test gives another. */
  endpoint?: string;
};

export class CognitoAuthenticator implements Authenticator {
  private readonly endpoint: string;
  private readonly poolName: string;

  constructor(
    private readonly settings: CognitoSettings,
    private readonly deps: CognitoDependencies = { fetch: (...args) => fetch(...args), now: () => new Date() },
  ) {
    this.endpoint = deps.endpoint ?? `${cognitoIdpOrigin(settings.region)}/`;
    this.poolName = settings.userPoolId.split('_')[1] ?? '';
  }

  async signIn(email: string, password: string): Promise<SignInStep> {
    if (!email || !password) throw new SignInProblem('not-recognised', 'Please enter your email address and password.');
    const srp = startSrp();
    const started = await this.call<ChallengeResponse>('InitiateAuth', {
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: this.settings.clientId,
      // Plain hex, as AWS's SDKs send it.
      AuthParameters: { USERNAME: email, SRP_A: srp.A.toString(16) },
    }).catch((error: unknown) => {
      throw problemFrom(error, 'password');
    });
    if (started.ChallengeName !== 'PASSWORD_VERIFIER' || !started.ChallengeParameters) throw unexpected(started);

    const parameters = started.ChallengeParameters;
    const userId = parameters.USER_ID_FOR_SRP ?? parameters.USERNAME ?? email;
    const timestamp = cognitoTimestamp(this.deps.now());
    const signature = await passwordClaimSignature(srp, {
      poolName: this.poolName,
      userId,
      password,
      salt: parameters.SALT ?? '',
      B: parameters.SRP_B ?? '',
      secretBlock: parameters.SECRET_BLOCK ?? '',
      timestamp,
    });
    const verified = await this.call<ChallengeResponse>('RespondToAuthChallenge', {
      ChallengeName: 'PASSWORD_VERIFIER',
      ClientId: this.settings.clientId,
      Session: started.Session,
      ChallengeResponses: {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK,
        PASSWORD_CLAIM_SIGNATURE: signature,
        TIMESTAMP: timestamp,
      },
    }).catch((error: unknown) => {
      throw problemFrom(error, 'password');
    });
    return this.next(verified, userId, email);
  }

  async renew(session: Session): Promise<Session> {
    if (!session.refreshToken) throw new SignInProblem('expired', 'Your session has ended. Please sign in again.');
    const renewed = await this.call<ChallengeResponse>('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: this.settings.clientId,
      AuthParameters: { REFRESH_TOKEN: session.refreshToken },
    }).catch((error: unknown) => {
      throw problemFrom(error, 'session');
    });
    if (!renewed.AuthenticationResult) throw unexpected(renewed);
    // Cognito sends a new refresh token only when it rotates them; otherwise the old one stays valid.
    return this.sessionFrom({ ...renewed.AuthenticationResult, RefreshToken: renewed.AuthenticationResult.RefreshToken ?? session.refreshToken });
  }

  async signOut(session: Session): Promise<void> {
    if (!session.refreshToken) return;
    // Revoking the refresh token ends renewals; the access token lapses within the hour.
    await this.call('RevokeToken', { ClientId: this.settings.clientId, Token: session.refreshToken }).catch(() => undefined);
  }

  /** The step after a challenge response: another challenge, or the session. */
  private async next(response: ChallengeResponse, userId: string, email: string): Promise<SignInStep> {
    if (response.AuthenticationResult) return { kind: 'signed-in', session: this.sessionFrom(response.AuthenticationResult) };
    const username = response.ChallengeParameters?.USER_ID_FOR_SRP ?? userId;
    const respond = (challengeName: string, session: string | undefined, responses: Record<string, string>) =>
      this.call<ChallengeResponse>('RespondToAuthChallenge', {
        ChallengeName: challengeName,
        ClientId: this.settings.clientId,
        Session: session,
        ChallengeResponses: { USERNAME: username, ...responses },
      });

    switch (response.ChallengeName) {
      case 'NEW_PASSWORD_REQUIRED':
        return {
          kind: 'choose-password',
          rules: COGNITO_PASSWORD_RULES,
          submit: async (newPassword) =>
            this.next(
              await respond('NEW_PASSWORD_REQUIRED', response.Session, { NEW_PASSWORD: newPassword }).catch((error: unknown) => {
                throw problemFrom(error, 'challenge');
              }),
              username,
              email,
            ),
        };
      case 'SOFTWARE_TOKEN_MFA':
        return {
          kind: 'enter-code',
          submit: async (code) =>
            this.next(
              await respond('SOFTWARE_TOKEN_MFA', response.Session, { SOFTWARE_TOKEN_MFA_CODE: code.trim() }).catch((error: unknown) => {
                throw problemFrom(error, 'challenge');
              }),
              username,
              email,
            ),
        };
      case 'MFA_SETUP': {
        const associated = await this.call<{ SecretCode: string; Session?: string }>('AssociateSoftwareToken', { Session: response.Session }).catch((error: unknown) => {
          throw problemFrom(error, 'challenge');
        });
        const label = encodeURIComponent(`${ISSUER}:${email}`);
        return {
          kind: 'set-up-authenticator',
          secret: associated.SecretCode,
          otpauthUri: `otpauth://totp/${label}?secret=${encodeURIComponent(associated.SecretCode)}&issuer=${ISSUER}`,
          submit: async (code) => {
            const verified = await this.call<{ Status?: string; Session?: string }>('VerifySoftwareToken', {
              Session: associated.Session,
              UserCode: code.trim(),
              FriendlyDeviceName: 'Pont console',
            }).catch((error: unknown) => {
              throw problemFrom(error, 'challenge');
            });
            if (verified.Status !== 'SUCCESS') throw new SignInProblem('wrong-code', 'That code was not right. Check the time on your phone and try the next one.');
            return this.next(
              await respond('MFA_SETUP', verified.Session, {}).catch((error: unknown) => {
                throw problemFrom(error, 'challenge');
              }),
              username,
              email,
            );
          },
        };
      }
      default:
        throw unexpected(response);
    }
  }

  private sessionFrom(result: AuthenticationResult): Session {
    const role = roleOf(result.AccessToken);
    if (!role) throw new SignInProblem('no-role', 'Your account has no role in Pont yet: ask an admin to add you to the admin, researcher or analyst group.');
    return {
      token: result.AccessToken,
      expiresAt: new Date(this.deps.now().getTime() + result.ExpiresIn * 1000).toISOString(),
      role,
      ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    };
  }

  /** One call of the user pool API: POST, the operation in X-Amz-Target, JSON both ways. */
  private async call<T>(operation: string, body: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await this.deps.fetch(this.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}` },
        body: JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(20_000),
      });
    } catch {
      throw new SignInProblem('unreachable', "Couldn't reach the sign-in service. Check your connection and try again.");
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // An answer that is not JSON: treated as the error it is below.
    }
    if (!response.ok) {
      // "__type" is the error's name, sometimes prefixed with its namespace ("…#NotAuthorizedException").
      const type = String(json.__type ?? response.headers.get('x-amzn-errortype') ?? `HTTP ${response.status}`).split('#').pop()!.split(':')[0]!;
      throw new CognitoError(type, String(json.message ?? json.Message ?? ''));
    }
    return json as T;
  }
}

/** The role the console shows pages for: the first Cognito group that names a role (as the functions read it). */
function roleOf(accessToken: string): Role | undefined {
  try {
    const payload = JSON.parse(new TextDecoder().decode(base64ToBytes(accessToken.split('.')[1] ?? ''))) as Record<string, unknown>;
    const groups = payload['cognito:groups'];
    const parsed = Role.safeParse(Array.isArray(groups) ? groups[0] : undefined);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function unexpected(response: ChallengeResponse): SignInProblem {
  return new SignInProblem('refused', `Cognito asked for a step the console does not support (${response.ChallengeName ?? 'no challenge'}). Ask an admin to check the user pool's settings.`);
}

/**
 * Cognito's errors as the console's sign-in problems. Where a call was made
 * decides what NotAuthorized means: a wrong password at the password step,
 * an expired or used-up sign-in session at a later one.
 */
function problemFrom(error: unknown, at: 'password' | 'challenge' | 'session'): SignInProblem {
  if (error instanceof SignInProblem) return error;
  if (!(error instanceof CognitoError)) return new SignInProblem('unreachable', "Couldn't reach the sign-in service. Check your connection and try again.");
  switch (error.type) {
    case 'NotAuthorizedException':
      if (/attempts exceeded/i.test(error.message)) return new SignInProblem('too-many', 'Too many attempts: wait a few minutes, then try again.');
      if (at === 'password') return new SignInProblem('not-recognised', 'Email or password not recognised.');
      return new SignInProblem('expired', 'Your sign-in took too long or has ended. Please sign in again.');
    case 'UserNotFoundException':
      return new SignInProblem('not-recognised', 'Email or password not recognised.');
    case 'InvalidPasswordException':
      return new SignInProblem('password-rejected', error.message || 'That password is not allowed.');
    case 'CodeMismatchException':
    case 'EnableSoftwareTokenMFAException':
    case 'ExpiredCodeException':
      return new SignInProblem('wrong-code', 'That code was not right. Check the time on your phone and try the next one.');
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
    case 'LimitExceededException':
      return new SignInProblem('too-many', 'Too many attempts: wait a few minutes, then try again.');
    case 'PasswordResetRequiredException':
      return new SignInProblem('refused', 'Your password must be reset: ask an admin.');
    default:
      return new SignInProblem('refused', `Couldn't sign in: ${error.message || error.type}`);
  }
}
