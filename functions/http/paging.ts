/**
 * The query parameters of a paged list route: `after`, where the previous
 * page ended (its `next`: a participant code, unless the route says
 * otherwise), and `limit`, how many to list.
 */
import type { Event } from './api-handler.js';
import { HttpError } from './errors.js';

const PARTICIPANT_CODE = { pattern: /^[A-Za-z0-9_-]{1,40}$/, meaning: 'a participant code' };

export function pageParameters(
  event: Event,
  bounds: { defaultLimit: number; maxLimit: number; after?: { pattern: RegExp; meaning: string } },
): { after?: string; limit: number } {
  const { after, limit: limitText } = event.queryStringParameters ?? {};
  const limit = limitText === undefined ? bounds.defaultLimit : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > bounds.maxLimit) {
    throw new HttpError(400, 'limit_invalid', `limit must be a whole number from 1 to ${bounds.maxLimit}`);
  }
  const afterIs = bounds.after ?? PARTICIPANT_CODE;
  if (after !== undefined && !afterIs.pattern.test(after)) throw new HttpError(400, 'code_invalid', `after is ${afterIs.meaning}: the \`next\` of the page before`);
  return { limit, ...(after !== undefined ? { after } : {}) };
}
