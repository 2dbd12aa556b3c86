/** POST /api/users: an admin adds a researcher account in embedded mode (AWS mode manages accounts in Cognito). */
import { randomUUID } from 'node:crypto';
import { CreateUserRequest, type CreateUserResult } from '../contracts/researcher.js';
import { hashPassword, newPassword } from '../domain/passwords.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { PLATFORM_SCOPE, recordAudit } from '../storage/audit.js';
import { createLocalUser } from '../storage/users.js';

export const handler = apiHandler<'researcher'>('CreateLocalUser', async (event, admin) => {
  const { email, role } = parseJsonBody(event, CreateUserRequest);
  const temporaryPassword = newPassword();
  const userId = randomUUID();
  // Temporary: the first sign-in must choose a new one, so the admin who passed it on cannot use the account.
  const created = await createLocalUser({ userId, email, role, passwordHash: await hashPassword(temporaryPassword), createdAt: new Date().toISOString(), mustChangePassword: true });
  if (!created) throw new HttpError(409, 'user_exists', 'There is already an account with this email');
  await recordAudit({ scope: PLATFORM_SCOPE, actor: admin.userId, action: 'user.created', detail: { userId, role } });
  const result: CreateUserResult = { email: email.toLowerCase(), role, temporaryPassword };
  return json(201, result);
});
