/** POST /api/studies/{studyId}/participants/{participantCode}/withdraw: stop future waves, or erase everything. */
import { WithdrawRequest, type WithdrawResult } from '../contracts/participants.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { recordAudit } from '../storage/audit.js';
import { deleteContact } from '../storage/identities.js';
import { getParticipant } from '../storage/participants.js';
import { listWaves } from '../storage/studies.js';
import { eraseParticipant, withdrawFromFutureWaves } from '../storage/withdrawals.js';

export const handler = apiHandler<'researcher'>('WithdrawParticipant', async (event, researcher) => {
  const { scope } = parseJsonBody(event, WithdrawRequest);
  const { studyId = '', participantCode = '' } = event.pathParameters ?? {};
  const participant = await getParticipant(studyId, participantCode);
  if (!participant) throw new HttpError(404, 'participant_not_found', 'There is no such participant in this study');

  if (scope === 'future-waves') {
    await withdrawFromFutureWaves(studyId, participantCode, new Date());
    await recordAudit({ scope: studyId, actor: researcher.userId, action: 'participant.withdrawn', detail: { participantCode } });
    const result: WithdrawResult = { scope, itemsErased: 0 };
    return json(200, result);
  }

  const waves = await listWaves(studyId);
  // Contact details first: while the participant record exists, a failed erasure can be run again.
  const contactErased = await deleteContact(studyId, participantCode);
  const itemsErased = (contactErased ? 1 : 0) + (await eraseParticipant(studyId, participantCode, waves.map((w) => w.waveId)));
  // The erasure is recorded without the participant's code: nothing left may point back to them.
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'participant.erased', detail: { itemsErased } });
  const result: WithdrawResult = { scope, itemsErased };
  return json(200, result);
});
