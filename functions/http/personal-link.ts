/** The first step of every respondent route: from the token in the path to the participant's wave. */
import { hashToken, isWellFormedToken } from '../domain/tokens.js';
import { waveWindowState } from '../domain/wave-window.js';
import { getParticipant, resolveLinkToken, type Participant } from '../storage/participants.js';
import { getStudy, getWave, type Study, type Wave } from '../storage/studies.js';
import { HttpError } from './errors.js';

export type PersonalLink = { study: Study; wave: Wave; participant: Participant };

// One message for malformed, unknown and orphaned tokens alike: the answer must
// not reveal whether a token exists.
const notValid = () =>
  new HttpError(404, 'link_not_valid', 'This link is not valid. Check you copied the whole link, or ask for a new one.');

export async function openPersonalLink(token: string | undefined, now: Date): Promise<PersonalLink> {
  if (!token || !isWellFormedToken(token)) throw notValid();
  const target = await resolveLinkToken(hashToken(token));
  if (!target) throw notValid();
  const [study, wave, participant] = await Promise.all([
    getStudy(target.studyId),
    getWave(target.studyId, target.waveId),
    getParticipant(target.studyId, target.participantCode),
  ]);
  if (!study || !wave || !participant) throw notValid();

  const state = waveWindowState(wave, now);
  if (state === 'not_open_yet') {
    throw new HttpError(403, 'link_not_open_yet', `This part of the study opens on ${wave.opensAt.slice(0, 10)}.`);
  }
  if (state === 'closed') throw new HttpError(410, 'link_closed', 'This part of the study has closed.');
  return { study, wave, participant };
}
