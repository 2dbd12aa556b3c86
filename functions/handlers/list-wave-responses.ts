/** GET /api/studies/{studyId}/waves/{waveId}/responses: a wave's responses, pseudonymous; audited. */
import type { WaveResponses } from '../contracts/researcher.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { recordAudit } from '../storage/audit.js';
import { listResponsesOfWave } from '../storage/responses.js';
import { codesSeenBy } from '../storage/participants.js';
import { getWave } from '../storage/studies.js';

export const handler = studyHandler('ListWaveResponses', async (event, researcher) => {
  const { studyId = '', waveId = '' } = event.pathParameters ?? {};
  const wave = await getWave(studyId, waveId);
  if (!wave) throw new HttpError(404, 'wave_not_found', 'There is no such wave in this study');

  const [all, seen] = await Promise.all([listResponsesOfWave(studyId, waveId), codesSeenBy(researcher.access)]);
  const responses = seen ? all.filter((r) => seen.has(r.participantCode)) : all;
  // Audited before the data leaves: a failed audit write means no data is returned.
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'responses.viewed', detail: { waveId, count: responses.length } });

  const result: WaveResponses = {
    responses: responses.map(({ participantCode, instrumentId, instrumentVersion, status, language, savedAt, answers }) => ({
      participantCode,
      instrumentId,
      instrumentVersion,
      status,
      language,
      savedAt,
      answers,
    })),
  };
  return json(200, result);
});
