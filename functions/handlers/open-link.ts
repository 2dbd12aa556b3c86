/**
 * GET /api/s/{token}: what a personal link shows: consent, the wave's
 * instruments, and any answers saved so far. The surveys themselves come from
 * get-instrument-survey, at addresses built from the instruments listed here.
 */
import type { OpenLinkResult } from '../contracts/respondent.js';
import { apiHandler } from '../http/api-handler.js';
import { HttpError } from '../http/errors.js';
import { openPersonalLinkToShow } from '../http/personal-link.js';
import { json } from '../http/responses.js';
import { getInstrumentVersion } from '../storage/instruments.js';
import { markLinkOpened } from '../storage/links.js';
import { getConsentTextCached } from '../storage/studies.js';

const misconfigured = () => new HttpError(500, 'wave_misconfigured', 'This study is not set up correctly. Please tell the research team.');

export const handler = apiHandler('OpenLink', async (event) => {
  const now = new Date();
  const { study, wave, participant, window, state } = await openPersonalLinkToShow(event, now);
  const { studyId } = study;
  const { participantCode } = participant;
  const { consent, checkIn, responses } = state;

  const [consentText, instruments] = await Promise.all([
    getConsentTextCached(studyId, wave.consentVersion),
    Promise.all(wave.instruments.map((pin) => getInstrumentVersion(pin.id, pin.version))),
    // Records the first open, for the progress view: written once, never again (the link says it was opened).
    state.link && !state.link.openedAt ? markLinkOpened(studyId, participantCode, wave.waveId, now) : undefined,
  ]);
  if (!consentText || instruments.some((instrument) => !instrument)) throw misconfigured();

  const result: OpenLinkResult = {
    // What the phone shows: the study's neutral public name, and a wave name only when the team wrote one for participants.
    study: { title: study.publicTitle ?? study.title, supportContacts: study.supportContacts },
    wave: { name: wave.publicName ?? null, closesAt: window.closesAt },
    consent: {
      version: consentText.version,
      text: consentText.text,
      decision: consent?.decision ?? null,
      decidedAt: consent?.decidedAt ?? null,
    },
    checkInRequested: !!checkIn,
    language: participant.language ?? null,
    // Someone who declined is asked nothing more.
    instruments:
      consent?.decision === 'declined'
        ? []
        : instruments.map((instrument) => {
            const { id, version, contentHash } = instrument!;
            const saved = responses.find((r) => r.instrumentId === id);
            return {
              id,
              version,
              contentHash,
              // What the respondent sees: never an instrument's technical name when it has a plain one.
              title: instrument!.respondentTitle ?? instrument!.title,
              response: saved
                ? {
                    answers: saved.answers,
                    status: saved.status,
                    language: saved.language,
                    savedAt: saved.savedAt,
                    ...(saved.pageName ? { pageName: saved.pageName } : {}),
                    revision: saved.revision,
                  }
                : null,
            };
          }),
  };
  return json(200, result);
});
