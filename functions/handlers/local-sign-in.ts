/** POST /api/auth/sign-in: embedded mode's researcher sign-in (AWS mode uses Cognito's hosted sign-in). */
import { SignInRequest, type SignInResult } from '../contracts/researcher.js';
import { signLocalResearcherToken } from '../auth/researcher-tokens.js';
import { decoyPasswordHash, verifyPassword } from '../domain/passwords.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { countFailedPassword, forgetFailedPasswords, refuseIfTooManyFailures } from '../http/sign-in-attempts.js';
import { PLATFORM_SCOPE, recordAudit } from '../storage/audit.js';
import { getLocalUser } from '../storage/users.js';

export const handler = apiHandler('LocalSignIn', async (event) => {
  const { email, password } = parseJsonBody(event, SignInRequest);
  const now = new Date();
  // Per address and per account (sign-in-attempts.ts); an unknown email is counted, locked and timed like a known one.
  await refuseIfTooManyFailures(event, email, now);
  const user = await getLocalUser(email);
  const passwordMatches = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !passwordMatches) {
    await countFailedPassword(event, email, now);
    await recordAudit({ scope: PLATFORM_SCOPE, actor: user?.userId ?? 'unknown', action: 'auth.sign_in_failed', detail: {} });
    throw new HttpError(401, 'sign_in_failed', 'That email and password do not match an account');
  }
  // The right password, whatever follows (disabled, temporary): the account's failures start again.
  await forgetFailedPasswords(email);
  // Said only to someone who knows the password: an admin disabled the account (people page).
  if (user.disabled) {
    await recordAudit({ scope: PLATFORM_SCOPE, actor: user.userId, action: 'auth.sign_in_refused_disabled', detail: {} });
    throw new HttpError(403, 'account_disabled', 'This account is disabled: ask an admin');
  }
  // Like Cognito's NEW_PASSWORD_REQUIRED: a temporary password gets no session, only the right to choose a password.
  if (user.mustChangePassword) {
    throw new HttpError(403, 'password_change_required', 'This is a temporary password: choose your own to finish signing in');
  }
  await recordAudit({ scope: PLATFORM_SCOPE, actor: user.userId, action: 'auth.signed_in', detail: { role: user.role } });
  const { token, expiresAt } = await signLocalResearcherToken({ userId: user.userId, role: user.role, ...(user.instrumentAuthor ? { instrumentAuthor: true } : {}) }, new Date(), user.sessionGeneration ?? 0);
  const result: SignInResult = { token, expiresAt: expiresAt.toISOString(), role: user.role };
  return json(200, result);
});
