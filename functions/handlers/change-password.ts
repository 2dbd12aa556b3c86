/**
 * POST /api/auth/password (embedded mode): an account replaces its password,
 * and is signed in. The only thing a temporary password can do. Wrong current
 * passwords count towards the same limits as failed sign-ins (per address and
 * per account). The new password must not be guessable: the zxcvbn
 * dictionaries this needs make this handler's bundle large, which is why the
 * route is embedded-only in more than name (AWS uses Cognito's policy).
 */
import { ChangePasswordRequest, MIN_PASSWORD_LENGTH, type SignInResult } from '../contracts/researcher.js';
import { signLocalResearcherToken } from '../auth/researcher-tokens.js';
import { guessablePasswordProblems } from '../domain/password-strength.js';
import { decoyPasswordHash, emailName, hashPassword, newPasswordProblems, verifyPassword } from '../domain/passwords.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { countFailedPassword, forgetFailedPasswords, refuseIfTooManyFailures } from '../http/sign-in-attempts.js';
import { PLATFORM_SCOPE, recordAudit } from '../storage/audit.js';
import { changeLocalUserPassword, getLocalUser } from '../storage/users.js';

export const handler = apiHandler('ChangePassword', async (event) => {
  const { email, currentPassword, newPassword } = parseJsonBody(event, ChangePasswordRequest);
  const now = new Date();
  await refuseIfTooManyFailures(event, email, now);
  const user = await getLocalUser(email);
  const verified = await verifyPassword(currentPassword, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !verified) {
    await countFailedPassword(event, email, now);
    await recordAudit({ scope: PLATFORM_SCOPE, actor: user?.userId ?? 'unknown', action: 'auth.password_change_failed', detail: {} });
    throw new HttpError(401, 'sign_in_failed', 'That email and password do not match an account');
  }
  await forgetFailedPasswords(email);
  if (user.disabled) throw new HttpError(403, 'account_disabled', 'This account is disabled: ask an admin');
  const problems = [
    ...newPasswordProblems(newPassword, currentPassword, MIN_PASSWORD_LENGTH, user.email),
    ...(await guessablePasswordProblems(newPassword, userInputsOf(user.email))),
  ];
  if (problems.length > 0) {
    throw new HttpError(400, 'password_not_allowed', 'Choose another password', problems.map((message) => ({ path: 'newPassword', message })));
  }
  // Ends every other session of the account: a stolen session does not outlive the password it was opened with.
  const generation = await changeLocalUserPassword(user, await hashPassword(newPassword));
  if (generation === false) throw new HttpError(409, 'password_changed_meanwhile', 'The password was changed meanwhile: sign in again');
  await recordAudit({ scope: PLATFORM_SCOPE, actor: user.userId, action: 'auth.password_changed', detail: { wasTemporary: !!user.mustChangePassword } });
  const { token, expiresAt } = await signLocalResearcherToken({ userId: user.userId, role: user.role, ...(user.instrumentAuthor ? { instrumentAuthor: true } : {}) }, new Date(), generation);
  const result: SignInResult = { token, expiresAt: expiresAt.toISOString(), role: user.role };
  return json(200, result);
});

/** What an attacker who knows the email tries first: the address, its name, and the name's parts ("jo.bloggs": "bloggs"). */
function userInputsOf(email: string): string[] {
  const name = emailName(email);
  return [email, name, ...name.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3)];
}
