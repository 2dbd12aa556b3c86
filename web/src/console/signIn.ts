/**
 * How the console signs a researcher in, whichever mode Pont runs in. The
 * console asks /config.json (functions/contracts/web-config.ts) and gets one
 * Authenticator: the embedded server's own sign-in route, or Cognito's user
 * pool API (cognito.ts, loaded only in AWS). Either answers a sign-in with
 * steps (choose a password, enter a code, set up an authenticator app) until
 * a session; the screens in Console.tsx know the steps, not the modes.
 */
import { WEB_CONFIG_PATH, WebConfig } from '../../../functions/contracts/web-config.js';
import { ApiProblem } from '../api';
import { type Authenticator, SignInProblem } from './authenticator';
import { InvalidSignIn, changePassword, signIn } from './consoleApi';

/** The password rules of embedded accounts (functions/contracts/researcher.ts, MIN_PASSWORD_LENGTH). */
const LOCAL_PASSWORD_RULES = 'at least 12 characters (three random words are easy to remember and hard to guess)';

/** Embedded mode: POST /api/auth/sign-in, and /api/auth/password for a temporary password. */
export const localAuthenticator: Authenticator = {
  async signIn(email, password) {
    try {
      return { kind: 'signed-in', session: await signIn(email, password) };
    } catch (error) {
      if (error instanceof ApiProblem && error.code === 'password_change_required') {
        return {
          kind: 'choose-password',
          rules: LOCAL_PASSWORD_RULES,
          async submit(newPassword) {
            try {
              return { kind: 'signed-in', session: await changePassword(email, password, newPassword) };
            } catch (err) {
              if (err instanceof ApiProblem && err.status === 400) throw new SignInProblem('password-rejected', [err.message, ...err.details.map((d) => d.message)].join(': '));
              if (err instanceof InvalidSignIn) throw new SignInProblem('password-rejected', err.message);
              throw localProblem(err);
            }
          },
        };
      }
      throw localProblem(error);
    }
  },
  async signOut() {
    // Embedded tokens are not kept by the server: forgetting the session is signing out.
  },
};

function localProblem(error: unknown): SignInProblem {
  if (error instanceof SignInProblem) return error;
  if (error instanceof InvalidSignIn) return new SignInProblem('not-recognised', 'Please enter your email address and password.');
  if (error instanceof ApiProblem) {
    if (error.status === 401 || error.status === 403) return new SignInProblem('not-recognised', 'Email or password not recognised.');
    if (error.status === 429) return new SignInProblem('too-many', error.message);
    return new SignInProblem('refused', `Couldn't sign in: ${error.message}`);
  }
  return new SignInProblem('unreachable', "Couldn't reach the server. Check your connection and try again.");
}

/** The mode this deployment runs in, from /config.json. */
export async function loadWebConfig(fetchFn: typeof fetch = fetch): Promise<WebConfig> {
  const response = await fetchFn(WEB_CONFIG_PATH, { cache: 'no-cache', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${WEB_CONFIG_PATH}: HTTP ${response.status}`);
  return WebConfig.parse(await response.json());
}

/** The Authenticator for this deployment. Cognito's client is a chunk of its own, fetched only in AWS. */
export async function loadAuthenticator(): Promise<Authenticator> {
  const config = await loadWebConfig();
  if (config.mode === 'embedded') return localAuthenticator;
  const { CognitoAuthenticator } = await import('./cognito');
  return new CognitoAuthenticator(config.cognito);
}
