/** POST /api/users: an admin adds a researcher account (embedded mode; AWS mode manages accounts in Cognito: functions/auth/user-directory.ts). */
import { CreateUserRequest, type CreateUserResult } from '../contracts/researcher.js';
import { userDirectory } from '../auth/user-directory.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { PLATFORM_SCOPE, recordAudit } from '../storage/audit.js';

export const handler = researcherHandler('CreateLocalUser', async (event, admin) => {
  const { email, role } = parseJsonBody(event, CreateUserRequest);
  const created = await userDirectory().create(email, role);
  if (!created) throw new HttpError(409, 'user_exists', 'There is already an account with this email');
  await recordAudit({ scope: PLATFORM_SCOPE, actor: admin.userId, action: 'user.created', detail: { userId: created.user.userId, role } });
  const result: CreateUserResult = { email: created.user.email, role, temporaryPassword: created.temporaryPassword };
  return json(201, result);
});
