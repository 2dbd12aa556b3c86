/**
 * Rate-limiting password guesses (embedded sign-in and password changes), two ways:
 *
 * - Per address: the same fixed-window counters as bad personal-link tokens, in
 *   their own key space (a client is a truncated hash of its address, never the
 *   address). Only failures count, so someone who types their password right is
 *   never held up by others behind the same address for long.
 * - Per account, whatever the address: after ACCOUNT_BACKOFF.freeFailures wrong
 *   passwords, exponential back-off (storage/account-backoff.ts). The account is
 *   a truncated hash of the lower-cased email, and an email without an account
 *   is counted and locked exactly like one with: the answers (401, or 429 with
 *   Retry-After) never say whether an account exists.
 */
import { createHash } from 'node:crypto';
import { accountRetryAfter, countAccountFailure, forgetAccountFailures, type BackoffPolicy } from '../storage/account-backoff.js';
import { countFailure, isRateLimited, type RateLimitPolicy } from '../storage/rate-limits.js';
import type { Event } from './api-handler.js';
import { TooManyRequests } from './errors.js';
import { clientAddress } from './client-address.js';

/** Wrong passwords allowed from one client per 15 minutes, sign-ins and password changes together. */
export const SIGN_IN_POLICY: RateLimitPolicy = { limit: 10, windowSeconds: 15 * 60 };

/** Per account: 5 wrong passwords free, then locked 1 s, 2 s, 4 s … at most 15 minutes; forgotten a day after the last. */
export const ACCOUNT_BACKOFF: BackoffPolicy = { freeFailures: 5, baseSeconds: 1, maxSeconds: 15 * 60, forgetAfterSeconds: 24 * 60 * 60 };

function clientOf(event: Event): string {
  return createHash('sha256').update(`pont-sign-in|${clientAddress(event)}`).digest('hex').slice(0, 32);
}

/** Lower-cased as the user store's keys are (storage/keys.ts), so "Jo@x.org" and "jo@x.org" share one count. */
function accountOf(email: string): string {
  return createHash('sha256').update(`pont-sign-in-account|${email.toLowerCase()}`).digest('hex').slice(0, 32);
}

const wait = (seconds: number) => (seconds < 60 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? '' : 's'}`);

/** 429 with Retry-After if the address or the account has had too many wrong passwords; checked before any password is. */
export async function refuseIfTooManyFailures(event: Event, email: string, now: Date): Promise<void> {
  const [addressLimited, accountWait] = await Promise.all([isRateLimited(clientOf(event), SIGN_IN_POLICY, now), accountRetryAfter(accountOf(email), now)]);
  if (addressLimited) {
    const untilWindowEnds = SIGN_IN_POLICY.windowSeconds - (Math.floor(now.getTime() / 1000) % SIGN_IN_POLICY.windowSeconds);
    throw new TooManyRequests('too_many_attempts', `Too many wrong passwords were tried from here. Please wait ${wait(untilWindowEnds)} and try again.`, untilWindowEnds);
  }
  if (accountWait > 0) {
    throw new TooManyRequests('too_many_attempts', `Too many wrong passwords were tried for this account. Please wait ${wait(accountWait)} and try again.`, accountWait);
  }
}

/** A wrong password, or an email with no account: counted against the address and the account alike. */
export async function countFailedPassword(event: Event, email: string, now: Date): Promise<void> {
  await Promise.all([countFailure(clientOf(event), SIGN_IN_POLICY, now), countAccountFailure(accountOf(email), ACCOUNT_BACKOFF, now)]);
}

/** The right password: the account's count starts again (the address's window runs its course). */
export function forgetFailedPasswords(email: string): Promise<void> {
  return forgetAccountFailures(accountOf(email));
}
