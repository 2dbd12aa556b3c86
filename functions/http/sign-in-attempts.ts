/**
 * Rate-limiting password guesses (embedded sign-in and password changes). The
 * same fixed-window counters as bad personal-link tokens, in their own key
 * space: a client is a truncated hash of its address, never the address.
 * Only failures count, so someone who types their password right is never held up
 * by others behind the same address for long.
 */
import { createHash } from 'node:crypto';
import { countFailure, isRateLimited, type RateLimitPolicy } from '../storage/rate-limits.js';
import type { Event } from './api-handler.js';
import { HttpError } from './errors.js';

/** Wrong passwords allowed from one client per 15 minutes, sign-ins and password changes together. */
export const SIGN_IN_POLICY: RateLimitPolicy = { limit: 10, windowSeconds: 15 * 60 };

function clientOf(event: Event): string {
  return createHash('sha256').update(`pont-sign-in|${event.requestContext?.http?.sourceIp ?? 'unknown'}`).digest('hex').slice(0, 32);
}

export async function refuseIfTooManyFailures(event: Event, now: Date): Promise<void> {
  if (await isRateLimited(clientOf(event), SIGN_IN_POLICY, now)) {
    throw new HttpError(429, 'too_many_attempts', 'Too many wrong passwords were tried from here. Please wait 15 minutes and try again.');
  }
}

export function countFailedPassword(event: Event, now: Date): Promise<void> {
  return countFailure(clientOf(event), SIGN_IN_POLICY, now);
}
