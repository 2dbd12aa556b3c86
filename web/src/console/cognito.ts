/**
 * Researcher sign-in against the Cognito user pool, in AWS, with AWS's own
 * client library, Amplify's Auth (@aws-amplify/auth, v6): it does the SRP
 * arithmetic and calls Cognito's user pool API. Its own chunk: only AWS
 * deployments load it (signIn.ts imports it dynamically).
 *
 *   signIn (USER_SRP_AUTH: InitiateAuth, then the SRP proof in RespondToAuthChallenge PASSWORD_VERIFIER)
 *     ──► NEW_PASSWORD_REQUIRED (a temporary password from an admin) ──► confirmSignIn(new password)
 *     ──► MFA_SETUP (no authenticator yet: Amplify calls AssociateSoftwareToken) ──► confirmSignIn(code): VerifySoftwareToken, RespondToAuthChallenge
 *     ──► SOFTWARE_TOKEN_MFA ──► confirmSignIn(code)
 *     ──► tokens: the access token is the session's bearer token; the refresh token renews it (refreshAuthTokens)
 *
 * SRP, not USER_PASSWORD_AUTH: the password never leaves the browser, and the
 * app client allows nothing else (infra/aws/auth.ts). The API's JWT
 * authorizer and the functions verify the access token; the console reads
 * its groups only to show the right pages.
 *
 * Amplify keeps its configuration, its sign-in in progress and its tokens in
 * module-wide singletons. Here its token store is a Map in memory that holds
 * tokens only from the moment Cognito answers with them until they are copied
 * into the console's Session (which the console keeps in sessionStorage, see
 * consoleApi.ts): nothing goes to localStorage, Amplify's default. Renewal and
 * sign-out work from the Session they are given, as they must after a reload.
 */
import { Amplify, decodeJWT, type JWT, type KeyValueStorageInterface } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider, confirmSignIn, refreshAuthTokens, signIn, signOut, type SignInOutput } from '@aws-amplify/auth/cognito';
import { Role } from '../../../functions/contracts/researcher.js';
import type { CognitoSettings } from '../../../functions/contracts/web-config.js';
import type { Session } from './consoleApi';
import { SignInProblem, type Authenticator, type SignInStep } from './authenticator';

/** The user pool's password policy (infra/aws/auth.ts), for the choose-a-password screen; Cognito's own message says what a refused one lacks. */
export const COGNITO_PASSWORD_RULES = 'at least 12 characters, with an upper-case and a lower-case letter, a digit and a symbol';

/** How the authenticator app names the account. */
const ISSUER = 'Pont';

/** Amplify sets no time limit on its calls: a sign-in step that has not answered by then is reported as unreachable. */
const CALL_TIMEOUT_MS = 30_000;

export type CognitoDependencies = {
  now: () => Date;
  /** The user pool API's address; the region's public endpoint unless a test gives another. */
  endpoint?: string;
};

/** Amplify's token store, in memory only (see above). */
const memory = new Map<string, string>();
const memoryStorage: KeyValueStorageInterface = {
  setItem: async (key, value) => void memory.set(key, value),
  getItem: async (key) => memory.get(key) ?? null,
  removeItem: async (key) => void memory.delete(key),
  clear: async () => memory.clear(),
};
const tokenStore = cognitoUserPoolsTokenProvider.authTokenStore;

/** The pool Amplify is configured for (one per page in practice; tests make several, one after another). */
let configuredFor = '';

/** Amplify's sign-in state is one per page: its calls run one at a time, so a sign-out's revocation is done before the next sign-in starts. */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

export class CognitoAuthenticator implements Authenticator {
  private readonly cognito: { userPoolId: string; userPoolClientId: string; userPoolEndpoint?: string };
  /** Steps of an earlier sign-in are refused once a new one starts: Amplify follows one sign-in at a time. */
  private attempt = 0;

  constructor(
    settings: CognitoSettings,
    private readonly deps: CognitoDependencies = { now: () => new Date() },
  ) {
    this.cognito = {
      userPoolId: settings.userPoolId,
      userPoolClientId: settings.clientId,
      // Amplify's own endpoint is the region's, cognitoIdpOrigin (what the CSP's connect-src allows); tests give a fake's.
      ...(deps.endpoint ? { userPoolEndpoint: deps.endpoint } : {}),
    };
  }

  /** Points Amplify at this pool, with the in-memory token store: what aws-amplify's Amplify.configure does, minus localStorage. */
  private configure(): void {
    const key = JSON.stringify(this.cognito);
    if (configuredFor === key) return;
    const auth = { Cognito: this.cognito };
    cognitoUserPoolsTokenProvider.setAuthConfig(auth);
    cognitoUserPoolsTokenProvider.setKeyValueStorage(memoryStorage);
    Amplify.configure({ Auth: auth }, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });
    configuredFor = key;
  }

  async signIn(email: string, password: string): Promise<SignInStep> {
    if (!email || !password) throw new SignInProblem('not-recognised', 'Please enter your email address and password.');
    const attempt = ++this.attempt;
    return oneAtATime(async () => {
      this.configure();
      // Nothing of an earlier sign-in may remain (Amplify refuses to sign in over a signed-in user).
      await tokenStore.clearTokens();
      const result = await withTimeout(signIn({ username: email, password, options: { authFlowType: 'USER_SRP_AUTH' } })).catch((error: unknown) => {
        throw problemFrom(error, 'password');
      });
      return this.next(result, email, attempt);
    });
  }

  async renew(session: Session): Promise<Session> {
    if (!session.refreshToken) throw new SignInProblem('expired', 'Your session has ended. Please sign in again.');
    this.configure();
    const accessToken = parseJwt(session.token);
    const username = usernameOf(accessToken);
    // Cognito sends a new refresh token only when it rotates them; otherwise Amplify hands back the old one, still valid.
    const renewed = await withTimeout(
      refreshAuthTokens({ tokens: { accessToken, refreshToken: session.refreshToken, clockDrift: 0, username }, authConfig: { Cognito: this.cognito }, username }),
    ).catch((error: unknown) => {
      throw problemFrom(error, 'session');
    });
    return this.sessionFrom(renewed.accessToken, renewed.refreshToken);
  }

  async signOut(session: Session): Promise<void> {
    if (!session.refreshToken) return;
    const refreshToken = session.refreshToken;
    // Revoking the refresh token ends renewals; the access token lapses within the hour. Best effort: Amplify's
    // signOut swallows Cognito's refusals, and the tokens it was handed are cleared whatever happens.
    await oneAtATime(async () => {
      try {
        this.configure();
        const accessToken = parseJwt(session.token);
        await tokenStore.storeTokens({ accessToken, refreshToken, clockDrift: 0, username: usernameOf(accessToken) });
        await withTimeout(signOut());
      } catch {
        // Signing out locally (forgetting the session) is done by the console whatever happens here.
      } finally {
        await tokenStore.clearTokens().catch(() => undefined);
      }
    });
  }

  /** The step after an answer from Amplify: another challenge, or the session. */
  private async next(result: SignInOutput, email: string, attempt: number): Promise<SignInStep> {
    const step = result.nextStep;
    const answer = (response: string, options?: { friendlyDeviceName: string }) => {
      if (attempt !== this.attempt) return Promise.reject(new SignInProblem('expired', 'Your sign-in took too long or has ended. Please sign in again.'));
      return oneAtATime(async () => {
        this.configure();
        const answered = await withTimeout(confirmSignIn({ challengeResponse: response, ...(options ? { options } : {}) })).catch((error: unknown) => {
          throw problemFrom(error, 'challenge');
        });
        return this.next(answered, email, attempt);
      });
    };

    switch (step.signInStep) {
      case 'DONE': {
        const tokens = await tokenStore.loadTokens();
        // The console keeps the session from here on; Amplify's copy is not needed.
        await tokenStore.clearTokens();
        if (!tokens) throw new SignInProblem('refused', "Couldn't sign in: Cognito's answer held no tokens.");
        return { kind: 'signed-in', session: this.sessionFrom(tokens.accessToken, tokens.refreshToken) };
      }
      case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
        return {
          kind: 'choose-password',
          rules: COGNITO_PASSWORD_RULES,
          submit: (newPassword) => answer(newPassword),
        };
      case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
        return { kind: 'enter-code', submit: async (code) => answer(totpCode(code)) };
      case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP': {
        const secret = step.totpSetupDetails.sharedSecret;
        const label = encodeURIComponent(`${ISSUER}:${email}`);
        return {
          kind: 'set-up-authenticator',
          secret,
          otpauthUri: `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=${ISSUER}`,
          submit: async (code) => answer(totpCode(code), { friendlyDeviceName: 'Pont console' }),
        };
      }
      case 'RESET_PASSWORD':
        throw new SignInProblem('refused', 'Your password must be reset: ask an admin.');
      default:
        throw new SignInProblem('refused', `Cognito asked for a step the console does not support (${step.signInStep}). Ask an admin to check the user pool's settings.`);
    }
  }

  private sessionFrom(accessToken: JWT, refreshToken: string | undefined): Session {
    const role = roleOf(accessToken);
    if (!role) throw new SignInProblem('no-role', 'Your account has no role in Pont yet: ask an admin to add you to the admin, researcher or analyst group.');
    const { exp, iat } = accessToken.payload;
    if (typeof exp !== 'number' || typeof iat !== 'number') throw new SignInProblem('refused', "Couldn't sign in: Cognito's access token has no lifetime.");
    return {
      token: accessToken.toString(),
      // The token's lifetime from this machine's clock, which may differ from Cognito's.
      expiresAt: new Date(this.deps.now().getTime() + (exp - iat) * 1000).toISOString(),
      role,
      ...(refreshToken ? { refreshToken } : {}),
    };
  }
}

/**
 * A code from an authenticator app: six digits, spaces allowed. Anything else is
 * refused here, not sent: Amplify would read it as another answer (at MFA
 * setup, "EMAIL" or an address choose email MFA).
 */
function totpCode(code: string): string {
  const digits = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(digits)) throw new SignInProblem('wrong-code', 'That code was not right. Check the time on your phone and try the next one.');
  return digits;
}

function parseJwt(token: string): JWT {
  try {
    return decodeJWT(token);
  } catch {
    throw new SignInProblem('expired', 'Your session has ended. Please sign in again.');
  }
}

/** Cognito's user name for the account (its access token's `username` claim), which Amplify files tokens under. */
function usernameOf(accessToken: JWT): string {
  const { username, sub } = accessToken.payload;
  return String(username ?? sub ?? '');
}

/** The role the console shows pages for: the first Cognito group that names a role (as the functions read it). */
function roleOf(accessToken: JWT): Role | undefined {
  const groups = accessToken.payload['cognito:groups'];
  const parsed = Role.safeParse(Array.isArray(groups) ? groups[0] : undefined);
  return parsed.success ? parsed.data : undefined;
}

class TimedOut extends Error {}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut('no answer')), CALL_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Cognito's errors (Amplify's AuthError carries Cognito's error type as its
 * name) as the console's sign-in problems. Where a call was made decides what
 * NotAuthorized means: a wrong password at the password step, an expired or
 * used-up sign-in session at a later one.
 */
function problemFrom(error: unknown, at: 'password' | 'challenge' | 'session'): SignInProblem {
  if (error instanceof SignInProblem) return error;
  const unreachable = new SignInProblem('unreachable', "Couldn't reach the sign-in service. Check your connection and try again.");
  if (!(error instanceof Error) || error instanceof TimedOut || error instanceof TypeError) return unreachable;
  const answered = typeof (error as { metadata?: { httpStatusCode?: unknown } }).metadata?.httpStatusCode === 'number';
  switch (error.name) {
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
    // Amplify's own: the sign-in it was following is over (finished, failed, or the page was reloaded).
    case 'SignInException':
      return new SignInProblem('expired', 'Your sign-in took too long or has ended. Please sign in again.');
    case 'NetworkError':
      return unreachable;
    default:
      return answered ? new SignInProblem('refused', `Couldn't sign in: ${error.message || error.name}`) : unreachable;
  }
}
