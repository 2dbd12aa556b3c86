/** GET /api/studies/{studyId}/participants/{participantCode}/contact: for admins and the researchers who manage this participant. */
import type { ContactDetails } from '../contracts/participants.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { participantAuditRef, recordAudit } from '../storage/audit.js';
import { getContact } from '../storage/identities.js';

export const handler = researcherHandler('GetParticipantContact', async (event, researcher) => {
  const { studyId = '', participantCode = '' } = event.pathParameters ?? {};
  const contact = await getContact(studyId, participantCode);
  // The same answer whether or not there is a contact, for anyone not allowed to see it.
  if (!contact || (researcher.role !== 'admin' && !contact.managedBy.includes(researcher.userId))) {
    throw new HttpError(404, 'contact_not_found', 'No contact details you can see for this participant');
  }
  // The reference, not the code (see participantAuditRef); a contact whose participant is being erased has none.
  const participant = await participantAuditRef(studyId, participantCode);
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'contact.read', detail: participant ? { participant } : {} });
  const result: ContactDetails = { ...(contact.email ? { email: contact.email } : {}), ...(contact.phone ? { phone: contact.phone } : {}) };
  return json(200, result);
});
