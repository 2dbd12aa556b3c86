/** POST /api/auth/sign-in: embedded mode's researcher sign-in (AWS mode uses Cognito's hosted sign-in). */
import { SignInRequest, type SignInResult } from '../contracts/researcher.js';
import { signLocalResearcherToken } from '../auth/researcher-tokens.js';
import { hashPassword, verifyPassword } from '../domain/passwords.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { PLATFORM_SCOPE, recordAudit } from '../storage/audit.js';
import { getLocalUser } from '../storage/users.js';

// Checked against when the account does not exist, so a wrong email costs the
// same time as a wrong password and the response does not reveal which it was.
const decoyHash = hashPassword('decoy-password-for-timing');

export const handler = apiHandler<'public'>('LocalSignIn', async (event) => {
  const { email, password } = parseJsonBody(event, SignInRequest);
  const user = await getLocalUser(email);
  const passwordMatches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
  if (!user || !passwordMatches) {
    await recordAudit({ scope: PLATFORM_SCOPE, actor: user?.userId ?? 'unknown', action: 'auth.sign_in_failed', detail: {} });
    throw new HttpError(401, 'sign_in_failed', 'That email and password do not match an account');
  }
  await recordAudit({ scope: PLATFORM_SCOPE, actor: user.userId, action: 'auth.signed_in', detail: { role: user.role } });
  const { token, expiresAt } = await signLocalResearcherToken({ userId: user.userId, role: user.role });
  const result: SignInResult = { token, expiresAt: expiresAt.toISOString(), role: user.role };
  return json(200, result);
});
