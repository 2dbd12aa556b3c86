/**
 * Embedded mode: a token is signed for 8 hours, but an admin who disables an
 * account or changes its role must not have to wait that long. Every such
 * change moves the account's session generation on (functions/storage/users.ts,
 * changeLocalUser); a token carries the generation it was signed with
 * (`pont:gen`, 0 for an account never changed), and each request compares it
 * with the stored one: one consistent GetItem per researcher request.
 */
import { getSessionState } from '../storage/users.js';

export async function sessionStillValid(userId: string, tokenGeneration: number): Promise<boolean> {
  const state = await getSessionState(userId);
  // Never changed by an admin: the token's own claims stand.
  if (!state) return true;
  return !state.disabled && state.generation === tokenGeneration;
}
