/**
 * PUT /api/users/{userId}: an admin changes an account's role, or disables or
 * enables it. The account's current sessions end at their next request; the
 * last enabled admin cannot demote or disable themselves, and no admin can
 * disable themselves. Audited.
 */
import { UpdateUserRequest } from '../contracts/researcher.js';
import { userDirectory, UserDirectoryRefusal } from '../auth/user-directory.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { PLATFORM_SCOPE, recordAudit } from '../storage/audit.js';

export const handler = researcherHandler('UpdateUser', async (event, admin) => {
  const change = parseJsonBody(event, UpdateUserRequest);
  const userId = event.pathParameters?.userId ?? '';
  let updated;
  try {
    updated = await userDirectory().update(admin.userId, userId, change);
  } catch (error) {
    if (!(error instanceof UserDirectoryRefusal)) throw error;
    if (error.reason === 'not_found') throw new HttpError(404, 'user_not_found', error.message);
    if (error.reason === 'last_admin') throw new HttpError(409, 'last_admin', error.message);
    if (error.reason === 'self_disable') throw new HttpError(409, 'self_disable', error.message);
    if (error.reason === 'conflict') throw new HttpError(409, 'changed_meanwhile', error.message);
    throw new HttpError(403, 'forbidden', error.message);
  }
  await recordAudit({
    scope: PLATFORM_SCOPE,
    actor: admin.userId,
    action: 'user.changed',
    detail: { userId, ...(change.role ? { role: change.role } : {}), ...(change.enabled !== undefined ? { enabled: change.enabled } : {}), ...(change.instrumentAuthor !== undefined ? { instrumentAuthor: change.instrumentAuthor } : {}) },
  });
  return json(200, updated);
});
