/** The first step of every respondent route: from the token in the path to the participant's wave. */
import { createHash } from 'node:crypto';
import type { Event } from './api-handler.js';
import { clientAddress } from './client-address.js';
import { hashToken, isWellFormedToken } from '../domain/tokens.js';
import { participantWindow, waveWindowState, type Window } from '../domain/wave-window.js';
import { readLinkState, type LinkState } from '../storage/link-state.js';
import { resolveLinkToken, resolveLinkTokenRemembered } from '../storage/links.js';
import { getParticipant, rememberBaselineCompletedAt, rememberedBaselineCompletedAt, type Participant } from '../storage/participants.js';
import { countFailureAndCheck, type RateLimitPolicy } from '../storage/rate-limits.js';
import { getStudyCached, getWaveCached, type Study, type Wave } from '../storage/studies.js';
import { HttpError } from './errors.js';

/** A link that is open now, with the participant's own dates for the wave. */
export type PersonalLink = { study: Study; wave: Wave; participantCode: string; participant: Participant; window: Window };

/**
 * A link opened for a save: the participant is read only when the wave's
 * window counts from their baseline and this container does not remember
 * when that was (`participant` is there only if it was read; their
 * `baselineCompletedAt`, read or remembered, is there when known), and
 * `tokenHash` is the link's, for the save's own check that it is still live.
 */
type PersonalLinkTarget = Omit<PersonalLink, 'participant'> & { participant?: Participant; baselineCompletedAt?: string; tokenHash: string };

/** What opening a link reads: the participant always, or only when the window needs it; the token, or its remembered target. */
type LinkReads = { alwaysReadParticipant: boolean; rememberedToken: boolean };

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
export const linkNotValid = () =>
  new HttpError(404, 'link_not_valid', 'This link is not valid. Check you copied the whole link, or ask for a new one.');

/**
 * Identifies a client for rate limiting by a truncated hash of its address, so
 * no IP address is stored; the counters expire within two windows. The address
 * is the viewer's as CloudFront saw it, not CloudFront's own (client-address.ts):
 * keyed on the edge server, one person's typos would lock out everyone near them.
 */
export function clientOf(event: Event): string {
  return createHash('sha256').update(`pont-rate-limit|${clientAddress(event)}`).digest('hex').slice(0, 32);
}

/** Opens the link for reading: the token, the study, the wave and the participant, all read. */
export function openPersonalLink(event: Event, now: Date): Promise<PersonalLink & { tokenHash: string }> {
  return openLink(event, now, { alwaysReadParticipant: true, rememberedToken: false }) as Promise<PersonalLink & { tokenHash: string }>;
}

/**
 * Opens the link to show it (GET /api/s/{token}): the token, then in one
 * BatchGetItem the participant and everything the page shows of their wave
 * (link-state.ts). The study and wave come from the container's cache.
 */
export async function openPersonalLinkToShow(event: Event, now: Date): Promise<PersonalLink & { state: LinkState }> {
  const token = event.pathParameters?.token;
  const tokenHash = token && isWellFormedToken(token) ? hashToken(token) : undefined;
  const target = tokenHash ? await resolveLinkToken(tokenHash) : undefined;
  const [study, wave] = target ? await Promise.all([getStudyCached(target.studyId), getWaveCached(target.studyId, target.waveId)]) : [];
  const state = target && wave ? await readLinkState(target, wave.instruments.map((pin) => pin.id)) : undefined;
  // As in findLink: a withdrawn participant's token is answered like one that does not exist.
  const participant = state?.participant && !state.participant.withdrawnAt ? state.participant : undefined;
  if (!target || !study || !wave || !state || !participant) throw await refuseBadToken(event, now);
  rememberBaselineCompletedAt(participant);
  const window = openWindow(wave, participant.baselineCompletedAt, now);
  return { study, wave, participantCode: target.participantCode, participant, window, state };
}

/**
 * Opens the link for a save, partial or final. The token's target may come
 * from the container's memory (resolveLinkTokenRemembered): the save's own
 * conditional write checks the link is still live (saveResponse's
 * `linkTokenHash`). The participant item is read only for a wave whose
 * window counts from their baseline, and only if this container does not
 * remember when that was: the save's write checks that the participant
 * exists and has not withdrawn (docs/data-model.md, "Why a save reads so
 * little"). So an autosave on a warm container is its one write.
 */
export function openLinkForSave(event: Event, now: Date): Promise<PersonalLinkTarget> {
  return openLink(event, now, { alwaysReadParticipant: false, rememberedToken: true });
}

async function openLink(event: Event, now: Date, reads: LinkReads): Promise<PersonalLinkTarget> {
  const link = await findLink(event.pathParameters?.token, reads);
  if (!link) throw await refuseBadToken(event, now);
  return { ...link, window: openWindow(link.wave, link.baselineCompletedAt, now) };
}

/** A token that leads nowhere: counted against the client, and answered "not valid" (or 429 once too many). */
async function refuseBadToken(event: Event, now: Date): Promise<HttpError> {
  // One atomic count-and-read: the failure is counted and the client's count for
  // this window comes back in the same UpdateItem (was a GetItem, then an UpdateItem).
  if (await countFailureAndCheck(clientOf(event), BAD_TOKEN_POLICY, now)) {
    return new HttpError(429, 'too_many_attempts', 'Too many links that did not work were tried from here. Please wait 15 minutes and try again.');
  }
  return linkNotValid();
}

/** The participant's window for the wave, refused unless it is open now. */
function openWindow(wave: Wave, baselineCompletedAt: string | undefined, now: Date): Window {
  const window = participantWindow(wave.window, baselineCompletedAt);
  const state = waveWindowState(window, now);
  if (state === 'awaiting_baseline') {
    throw new HttpError(403, 'link_not_open_yet', 'This part of the study opens a while after you finish the first part.');
  }
  if (state === 'not_open_yet') {
    throw new HttpError(403, 'link_not_open_yet', `This part of the study opens on ${window!.opensAt.slice(0, 10)}.`);
  }
  if (state === 'closed') throw new HttpError(410, 'link_closed', 'This part of the study has closed.');
  return window!;
}

async function findLink(
  token: string | undefined,
  { alwaysReadParticipant, rememberedToken }: LinkReads,
): Promise<Omit<PersonalLinkTarget, 'window'> | undefined> {
  if (!token || !isWellFormedToken(token)) return undefined;
  const tokenHash = hashToken(token);
  const target = await (rememberedToken ? resolveLinkTokenRemembered : resolveLinkToken)(tokenHash);
  if (!target) return undefined;
  const { studyId, participantCode, waveId } = target;
  // The study and wave never change once created (see getStudyCached): usually
  // only the participant, whose language and baseline date do change, is read here.
  const readParticipant = () => getParticipant(studyId, participantCode);
  const [study, wave, participant] = await Promise.all([
    getStudyCached(studyId),
    getWaveCached(studyId, waveId),
    alwaysReadParticipant ? readParticipant() : undefined,
  ]);
  if (!study || !wave) return undefined;
  if (!alwaysReadParticipant && wave.window.kind === 'fixed') return { study, wave, participantCode, tokenHash };
  const baselineCompletedAt = alwaysReadParticipant ? undefined : await rememberedBaselineCompletedAt(studyId, participantCode);
  if (baselineCompletedAt) return { study, wave, participantCode, tokenHash, baselineCompletedAt };
  const read = alwaysReadParticipant ? participant : await readParticipant();
  // Withdrawal deletes a participant's tokens, and no link is issued to them after it; a token that
  // still resolves (issued before that rule, or read in the moment before the deletion) is answered
  // exactly like one that does not exist: whoever holds it learns nothing, not even that they withdrew.
  // Unread here (a save in a fixed window), the save's own write refuses it.
  if (!read || read.withdrawnAt) return undefined;
  return { study, wave, participantCode, participant: read, tokenHash, ...(read.baselineCompletedAt ? { baselineCompletedAt: read.baselineCompletedAt } : {}) };
}
