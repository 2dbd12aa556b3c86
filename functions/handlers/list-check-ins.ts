/** GET /api/studies/{studyId}/check-ins: who asked for their worker to check in (codes only). */
import type { CheckInList } from '../contracts/participants.js';
import { apiHandler } from '../http/api-handler.js';
import { json } from '../http/responses.js';
import { listCheckInRequests } from '../storage/check-ins.js';

export const handler = apiHandler<'researcher'>('ListCheckIns', async (event) => {
  const requests = await listCheckInRequests(event.pathParameters?.studyId ?? '');
  const result: CheckInList = {
    checkIns: requests.map(({ participantCode, waveId, language, requestedAt, handledAt }) => ({ participantCode, waveId, language, requestedAt, handledAt: handledAt ?? null })),
  };
  return json(200, result);
});
