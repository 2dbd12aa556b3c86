/** PUT /api/studies/{studyId}/participants/{participantCode}/contact: contact details, in the identity table only. */
import { ContactDetails } from '../contracts/participants.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { participantAuditRef, recordAudit } from '../storage/audit.js';
import { setContact } from '../storage/identities.js';

export const handler = researcherHandler('SetParticipantContact', async (event, researcher) => {
  const contact = parseJsonBody(event, ContactDetails);
  const { studyId = '', participantCode = '' } = event.pathParameters ?? {};
  // Undefined only when there is no such participant: it doubles as the existence check.
  const participant = await participantAuditRef(studyId, participantCode);
  if (!participant) throw new HttpError(404, 'participant_not_found', 'There is no such participant in this study');
  await setContact({ studyId, participantCode, ...contact, updatedAt: new Date().toISOString() }, researcher.userId);
  // The reference, not the code: see participantAuditRef.
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'contact.set', detail: { participant } });
  return json(200, { saved: true });
});
