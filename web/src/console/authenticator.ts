/**
 * The sign-in port: what a sign-in answers (steps until a session) and the
 * problems it can meet, whichever service checks the password. Adapters:
 * signIn.ts (the embedded server's route) and cognito.ts (Cognito, AWS).
 */
import type { Session } from './consoleApi';

export type SignInStep =
  | { kind: 'signed-in'; session: Session }
  /** A temporary password must be replaced; `rules` says what a new one needs. */
  | { kind: 'choose-password'; rules: string; submit(newPassword: string): Promise<SignInStep> }
  /** A code from the authenticator app the researcher set up. */
  | { kind: 'enter-code'; submit(code: string): Promise<SignInStep> }
  /** First sign-in where an authenticator app is required: the app's secret (and an otpauth: URI for a QR code), then a code from it. */
  | { kind: 'set-up-authenticator'; secret: string; otpauthUri: string; submit(code: string): Promise<SignInStep> };

export type SignInProblemKind =
  /** Email or password not recognised (never which of the two). */
  | 'not-recognised'
  | 'wrong-code'
  /** The new password was refused; the message says why. */
  | 'password-rejected'
  /** The sign-in took too long, or the session cannot be renewed: start again. */
  | 'expired'
  | 'too-many'
  /** Signed in, but the account has no role yet. */
  | 'no-role'
  | 'unreachable'
  /** Anything else the server refused; the message says what. */
  | 'refused';

export class SignInProblem extends Error {
  constructor(
    readonly kind: SignInProblemKind,
    message: string,
  ) {
    super(message);
    this.name = 'SignInProblem';
  }
}

export interface Authenticator {
  signIn(email: string, password: string): Promise<SignInStep>;
  /** A new session for one about to expire; absent where sessions are not renewed (embedded: 8 hours, then sign in again). */
  renew?(session: Session): Promise<Session>;
  /** Ends the session where the server keeps one (Cognito revokes the refresh token); best effort. */
  signOut(session: Session): Promise<void>;
}
