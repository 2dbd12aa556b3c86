/** GET /api/s/{token}: what a personal link shows: the wave's instruments and any answers saved so far. */
import type { OpenLinkResult } from '../contracts/respondent.js';
import { apiHandler } from '../http/api-handler.js';
import { HttpError } from '../http/errors.js';
import { openPersonalLink } from '../http/personal-link.js';
import { json } from '../http/responses.js';
import { getInstrumentVersion } from '../storage/instruments.js';
import { listResponsesOfParticipantWave } from '../storage/responses.js';

export const handler = apiHandler<'respondent'>('OpenLink', async (event) => {
  const { study, wave, participant } = await openPersonalLink(event.pathParameters?.token, new Date());

  const [instruments, responses] = await Promise.all([
    Promise.all(wave.instruments.map((pin) => getInstrumentVersion(pin.id, pin.version))),
    listResponsesOfParticipantWave(study.studyId, participant.participantCode, wave.waveId),
  ]);
  if (instruments.some((instrument) => !instrument)) {
    throw new HttpError(500, 'wave_misconfigured', 'This study is not set up correctly. Please tell the research team.');
  }

  const result: OpenLinkResult = {
    study: { title: study.title },
    wave: { name: wave.name, closesAt: wave.closesAt },
    language: participant.language ?? null,
    instruments: instruments.map((instrument) => {
      const { id, version, contentHash, title, survey } = instrument!;
      const saved = responses.find((r) => r.instrumentId === id);
      return {
        id,
        version,
        contentHash,
        title,
        survey,
        response: saved ? { answers: saved.answers, status: saved.status, language: saved.language, savedAt: saved.savedAt } : null,
      };
    }),
  };
  return json(200, result);
});
