/** GET /api/users: the researcher accounts, for admins' people page (never a password hash). */
import type { UserList } from '../contracts/researcher.js';
import { userDirectory } from '../auth/user-directory.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { json } from '../http/responses.js';

export const handler = researcherHandler('ListUsers', async () => {
  const result: UserList = { users: await userDirectory().list() };
  return json(200, result);
});
