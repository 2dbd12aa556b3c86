/** GET /api/users: the researcher accounts, for admins' people page (never a password hash). */
import type { UserList } from '../contracts/researcher.js';
import { userDirectory } from '../auth/user-directory.js';
import { apiHandler } from '../http/api-handler.js';
import { json } from '../http/responses.js';

export const handler = apiHandler<'researcher'>('ListUsers', async () => {
  const result: UserList = { users: await userDirectory().list() };
  return json(200, result);
});
