/** GET /api/studies/{studyId}/check-ins: who asked for their worker to check in (codes only); each read is audited, by count. */
import type { CheckInList } from '../contracts/participants.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { recordAudit } from '../storage/audit.js';
import { listCheckInRequests } from '../storage/check-ins.js';
import { codesSeenBy } from '../storage/participants.js';
import { getStudy } from '../storage/studies.js';

export const handler = studyHandler('ListCheckIns', async (event, researcher) => {
  const studyId = event.pathParameters?.studyId ?? '';
  const [study, all, seen] = await Promise.all([getStudy(studyId), listCheckInRequests(studyId), codesSeenBy(researcher.access)]);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');
  const requests = seen ? all.filter((r) => seen.has(r.participantCode)) : all;
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'check_ins.listed', detail: { count: requests.length } });
  const result: CheckInList = {
    checkIns: requests.map(({ participantCode, waveId, language, requestedAt, handledAt }) => ({ participantCode, waveId, language, requestedAt, handledAt: handledAt ?? null })),
  };
  return json(200, result);
});
