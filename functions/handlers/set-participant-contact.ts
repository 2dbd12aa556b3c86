/**
 * PUT /api/studies/{studyId}/participants/{participantCode}/contact: contact
 * details, in the identity table only. The chain has already checked that the
 * caller may act on this participant. Replacing details already held needs the
 * study's owner or a member who manages them, and a reason: the previous
 * details are kept in the identity store's history, and the change is audited
 * with who and why.
 */
import { SetContactRequest, type SetContactResult } from '../contracts/participants.js';
import { studyHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { participantAuditRef, type AuditNote } from '../storage/audit.js';
import { ContactChangedMeanwhile, getContact, replaceContact, setContact, type Contact } from '../storage/identities.js';

export const handler = studyHandler('SetParticipantContact', async (event, researcher) => {
  const { reason, ...details } = parseJsonBody(event, SetContactRequest);
  const { studyId = '', participantCode = '' } = event.pathParameters ?? {};
  const current = await getContact(studyId, participantCode);
  if (current && sameDetails(current, details)) return json(200, { saved: true, replaced: false } satisfies SetContactResult);

  const holdsDetails = !!(current?.email || current?.phone);
  if (current && researcher.access.role !== 'owner' && !current.managedBy.includes(researcher.userId)) {
    throw new HttpError(403, 'contact_managed_by_another', 'These contact details are managed by another member: ask them or the study owner to change them');
  }
  if (holdsDetails && !reason) {
    throw new HttpError(400, 'reason_required', 'Say why the contact details change: the previous details are kept and the change is audited', [{ path: 'reason', message: 'required when replacing contact details' }]);
  }
  // The reference, not the code: see participantAuditRef. The reason is the member's own words about the change, never the details.
  const participant = await participantAuditRef(studyId, participantCode);
  const audit: AuditNote = {
    scope: studyId,
    actor: researcher.userId,
    action: holdsDetails ? 'contact.replaced' : 'contact.set',
    detail: { ...(participant ? { participant } : {}), ...(holdsDetails && reason ? { reason } : {}) },
  };
  const now = new Date();
  try {
    if (current) await replaceContact(current, details, { by: researcher.userId, reason: reason ?? 'details added', at: now }, audit);
    else await setContact({ studyId, participantCode, ...details, updatedAt: now.toISOString() }, researcher.userId, audit);
  } catch (error) {
    if (error instanceof ContactChangedMeanwhile) throw new HttpError(409, 'contact_changed_meanwhile', 'Someone changed these contact details meanwhile: look again before changing them');
    throw error;
  }
  return json(200, { saved: true, replaced: holdsDetails } satisfies SetContactResult);
});

function sameDetails(current: Contact, next: { email?: string; phone?: string }): boolean {
  return (current.email ?? undefined) === next.email && (current.phone ?? undefined) === next.phone;
}
