/**
 * GET /api/studies/{studyId}/check-ins[?after=&limit=]: a page of who asked
 * for their worker to check in (codes only), by wave and code; each read is
 * audited, by count.
 */
import type { CheckInList } from '../contracts/participants.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { pageParameters } from '../http/paging.js';
import { json } from '../http/responses.js';
import { recordAudit } from '../storage/audit.js';
import { listCheckInRequestsPage } from '../storage/check-ins.js';
import { codesSeenBy } from '../storage/participants.js';
import { getStudy } from '../storage/studies.js';

/** `<wave>/<participant code>`: the request a page ended with. */
const AFTER = { pattern: /^[a-z][a-z0-9-]{1,40}\/[A-Za-z0-9_-]{1,40}$/, meaning: 'a wave and a participant code (wave/code)' };

export const handler = studyHandler('ListCheckIns', async (event, researcher) => {
  const studyId = event.pathParameters?.studyId ?? '';
  const { after, limit } = pageParameters(event, { defaultLimit: 100, maxLimit: 500, after: AFTER });
  const [waveId = '', participantCode = ''] = after?.split('/') ?? [];
  const [study, page, seen] = await Promise.all([
    getStudy(studyId),
    listCheckInRequestsPage(studyId, { limit, ...(after ? { after: { waveId, participantCode } } : {}) }),
    codesSeenBy(researcher.access),
  ]);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');
  // A member placed in a group gets the page's requests of their group: a page can be short, and `next` still pages on.
  const requests = seen ? page.checkIns.filter((r) => seen.has(r.participantCode)) : page.checkIns;
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'check_ins.listed', detail: { count: requests.length } });
  const result: CheckInList = {
    checkIns: requests.map(({ participantCode, waveId, language, requestedAt, handledAt }) => ({ participantCode, waveId, language, requestedAt, handledAt: handledAt ?? null })),
    next: page.next ? `${page.next.waveId}/${page.next.participantCode}` : null,
  };
  return json(200, result);
});
