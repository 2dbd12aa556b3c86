/**
 * GET /api/studies/{studyId}/waves/{waveId}/responses[?after=&limit=]: a page
 * of a wave's responses, pseudonymous, participant by participant; audited.
 * A page holds at most `limit` participants and about MAX_PAGE_BYTES of
 * answers, so the answer stays under Lambda's 6 MB limit for a synchronous
 * response however large the wave.
 */
import type { WaveResponses } from '../contracts/researcher.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { pageParameters } from '../http/paging.js';
import { json } from '../http/responses.js';
import { recordAudit } from '../storage/audit.js';
import { listResponsesOfWavePage, type StoredResponse } from '../storage/responses.js';
import { codesSeenBy } from '../storage/participants.js';
import { getWave } from '../storage/studies.js';

/** Well under 6 MB: one participant's responses to a wave (at most 10 instruments) may go past it on a page of their own. */
export const MAX_PAGE_BYTES = 4_000_000;

const shown = ({ participantCode, instrumentId, instrumentVersion, status, language, savedAt, answers }: StoredResponse): WaveResponses['responses'][number] => ({
  participantCode,
  instrumentId,
  instrumentVersion,
  status,
  language,
  savedAt,
  answers,
});

export const handler = studyHandler('ListWaveResponses', async (event, researcher) => {
  const { studyId = '', waveId = '' } = event.pathParameters ?? {};
  const { after, limit } = pageParameters(event, { defaultLimit: 100, maxLimit: 500 });
  const wave = await getWave(studyId, waveId);
  if (!wave) throw new HttpError(404, 'wave_not_found', 'There is no such wave in this study');

  const [page, seen] = await Promise.all([
    listResponsesOfWavePage(studyId, waveId, { after, participants: limit, maxBytes: MAX_PAGE_BYTES, sizeOf: (response) => Buffer.byteLength(JSON.stringify(shown(response))) + 1 }),
    codesSeenBy(researcher.access),
  ]);
  // A member placed in a group gets the page's responses of their group: a page can be short, and `next` still pages on.
  const responses = seen ? page.responses.filter((r) => seen.has(r.participantCode)) : page.responses;
  // Audited before the data leaves: a failed audit write means no data is returned.
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'responses.viewed', detail: { waveId, count: responses.length } });

  const result: WaveResponses = { responses: responses.map(shown), next: page.next };
  return json(200, result);
});
