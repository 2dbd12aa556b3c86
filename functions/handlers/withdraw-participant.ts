/** POST /api/studies/{studyId}/participants/{participantCode}/withdraw: stop future waves, or erase everything. */
import { WithdrawRequest, type WithdrawResult } from '../contracts/participants.js';
import { studyHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { mailer } from '../notifications/mailer.js';
import { participantAuditRef, recordAudit } from '../storage/audit.js';
import { deleteContact, getContact } from '../storage/identities.js';
import { getParticipant } from '../storage/participants.js';
import { listWaves } from '../storage/studies.js';
import { eraseParticipant, withdrawFromFutureWaves } from '../storage/withdrawals.js';

export const handler = studyHandler('WithdrawParticipant', async (event, researcher) => {
  const { scope } = parseJsonBody(event, WithdrawRequest);
  const { studyId = '', participantCode = '' } = event.pathParameters ?? {};
  const participant = await getParticipant(studyId, participantCode);
  if (!participant) throw new HttpError(404, 'participant_not_found', 'There is no such participant in this study');

  if (scope === 'future-waves') {
    // The reference, not the code: should they later be erased, this entry no longer points to them.
    const ref = await participantAuditRef(studyId, participantCode);
    await withdrawFromFutureWaves(studyId, participantCode, new Date(), { scope: studyId, actor: researcher.userId, action: 'participant.withdrawn', detail: ref ? { participant: ref } : {} });
    const result: WithdrawResult = { scope, itemsErased: 0, messagesErased: 0 };
    return json(200, result);
  }

  const waves = await listWaves(studyId);
  // The address is read before the contact goes: messages to it are found by it, even ones that never named the participant.
  const email = (await getContact(studyId, participantCode))?.email;
  const forgetMessages = async () => (await mailer()?.forgetParticipant(studyId, { participantCode, email })) ?? 0;
  // Messages and contact details first: while the participant record exists, a failed erasure can be run again.
  let messagesErased = await forgetMessages();
  const contactErased = await deleteContact(studyId, participantCode);
  const itemsErased = (contactErased ? 1 : 0) + (await eraseParticipant(studyId, participantCode, waves.map((w) => w.waveId), new Date()));
  // Once more, now that nothing can send them anything: a reminder claimed just before the erasure may have been written since.
  messagesErased += await forgetMessages();
  // The erasure is recorded without the participant's code or reference: nothing left may point back to them.
  // It is many writes, not one transaction, so it is recorded once done (an interrupted erasure is run again).
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'participant.erased', detail: { itemsErased, messagesErased } });
  const result: WithdrawResult = { scope, itemsErased, messagesErased };
  return json(200, result);
});
