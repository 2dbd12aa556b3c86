/** The first step of every respondent route: from the token in the path to the participant's wave. */
import { createHash } from 'node:crypto';
import type { Event } from './api-handler.js';
import { hashToken, isWellFormedToken } from '../domain/tokens.js';
import { participantWindow, waveWindowState, type Window } from '../domain/wave-window.js';
import { resolveLinkToken } from '../storage/links.js';
import { getParticipant, type Participant } from '../storage/participants.js';
import { countFailure, isRateLimited, type RateLimitPolicy } from '../storage/rate-limits.js';
import { getStudy, getWave, type Study, type Wave } from '../storage/studies.js';
import { HttpError } from './errors.js';

/** A link that is open now, with the participant's own dates for the wave. */
export type PersonalLink = { study: Study; wave: Wave; participant: Participant; window: Window };

/**
 * Bad tokens allowed from one client per window; after that its bad tokens get
 * 429 instead of 404. Valid links keep working: mobile networks put many phones
 * behind one address, and one person's typos must not lock out a cohort.
 * Guessing a 144-bit token is hopeless either way; the limit keeps the noise
 * and the cost down, and tells a guesser nothing.
 */
export const BAD_TOKEN_POLICY: RateLimitPolicy = { limit: 20, windowSeconds: 15 * 60 };

// One message for malformed, unknown and orphaned tokens alike: the answer must
// not reveal whether a token exists.
const notValid = () =>
  new HttpError(404, 'link_not_valid', 'This link is not valid. Check you copied the whole link, or ask for a new one.');

/**
 * Identifies a client for rate limiting by a truncated hash of its address, so
 * no IP address is stored; the counters expire within two windows.
 */
function clientOf(event: Event): string {
  return createHash('sha256').update(`pont-rate-limit|${event.requestContext?.http?.sourceIp ?? 'unknown'}`).digest('hex').slice(0, 32);
}

export async function openPersonalLink(event: Event, now: Date): Promise<PersonalLink> {
  const link = await findLink(event.pathParameters?.token);
  if (!link) {
    const client = clientOf(event);
    if (await isRateLimited(client, BAD_TOKEN_POLICY, now)) {
      throw new HttpError(429, 'too_many_attempts', 'Too many links that did not work were tried from here. Please wait 15 minutes and try again.');
    }
    await countFailure(client, BAD_TOKEN_POLICY, now);
    throw notValid();
  }
  const window = participantWindow(link.wave.window, link.participant.baselineCompletedAt);
  const state = waveWindowState(window, now);
  if (state === 'awaiting_baseline') {
    throw new HttpError(403, 'link_not_open_yet', 'This part of the study opens a while after you finish the first part.');
  }
  if (state === 'not_open_yet') {
    throw new HttpError(403, 'link_not_open_yet', `This part of the study opens on ${window!.opensAt.slice(0, 10)}.`);
  }
  if (state === 'closed') throw new HttpError(410, 'link_closed', 'This part of the study has closed.');
  return { ...link, window: window! };
}

async function findLink(token: string | undefined): Promise<Omit<PersonalLink, 'window'> | undefined> {
  if (!token || !isWellFormedToken(token)) return undefined;
  const target = await resolveLinkToken(hashToken(token));
  if (!target) return undefined;
  const [study, wave, participant] = await Promise.all([
    getStudy(target.studyId),
    getWave(target.studyId, target.waveId),
    getParticipant(target.studyId, target.participantCode),
  ]);
  return study && wave && participant ? { study, wave, participant } : undefined;
}
