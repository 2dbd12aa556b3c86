/**
 * The query parameters of a paged list route: `after`, the participant code
 * the previous page ended with (its `next`), and `limit`, how many to list.
 */
import type { Event } from './api-handler.js';
import { HttpError } from './errors.js';

const CODE = /^[A-Za-z0-9_-]{1,40}$/;

export function pageParameters(event: Event, bounds: { defaultLimit: number; maxLimit: number }): { after?: string; limit: number } {
  const { after, limit: limitText } = event.queryStringParameters ?? {};
  const limit = limitText === undefined ? bounds.defaultLimit : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > bounds.maxLimit) {
    throw new HttpError(400, 'limit_invalid', `limit must be a whole number from 1 to ${bounds.maxLimit}`);
  }
  if (after !== undefined && !CODE.test(after)) throw new HttpError(400, 'code_invalid', 'after is a participant code: the `next` of the page before');
  return { limit, ...(after !== undefined ? { after } : {}) };
}
