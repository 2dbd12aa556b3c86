/** POST /api/studies/{studyId}/check-ins/{waveId}/{participantCode}/handled */
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { participantAuditRef } from '../storage/audit.js';
import { markCheckInHandled } from '../storage/check-ins.js';

export const handler = studyHandler('MarkCheckInHandled', async (event, researcher) => {
  const { studyId = '', waveId = '', participantCode = '' } = event.pathParameters ?? {};
  // The reference, not the code: see participantAuditRef.
  const participant = await participantAuditRef(studyId, participantCode);
  const audit = { scope: studyId, actor: researcher.userId, action: 'check_in.handled', detail: { waveId, ...(participant ? { participant } : {}) } };
  if (!(await markCheckInHandled(studyId, waveId, participantCode, new Date(), audit))) {
    throw new HttpError(404, 'check_in_not_found', 'There is no such check-in request');
  }
  return json(200, { handled: true });
});
