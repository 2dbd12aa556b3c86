/** GET /api/studies/{studyId}/participants/{participantCode}/contact: for the study's owners and the members who manage this participant. */
import type { ContactDetails } from '../contracts/participants.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { participantAuditRef, recordAudit } from '../storage/audit.js';
import { getContact } from '../storage/identities.js';

export const handler = studyHandler('GetParticipantContact', async (event, researcher) => {
  const { studyId = '', participantCode = '' } = event.pathParameters ?? {};
  const contact = await getContact(studyId, participantCode);
  // The same answer whether or not there is a contact, for anyone not allowed to see it.
  // Owners and the members who manage the details; a platform admin reads them only as such a member.
  if (!contact || (researcher.access.role !== 'owner' && !contact.managedBy.includes(researcher.userId))) {
    throw new HttpError(404, 'contact_not_found', 'No contact details you can see for this participant');
  }
  // The reference, not the code (see participantAuditRef); a contact whose participant is being erased has none.
  const participant = await participantAuditRef(studyId, participantCode);
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'contact.read', detail: participant ? { participant } : {} });
  const result: ContactDetails = { ...(contact.email ? { email: contact.email } : {}), ...(contact.phone ? { phone: contact.phone } : {}) };
  return json(200, result);
});
