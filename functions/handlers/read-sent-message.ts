/**
 * GET /api/studies/{studyId}/messages/{messageId} (embedded mode): one message
 * from the outbox, as it would have been sent. Its text can hold a live
 * personal link, so reading it is audited.
 */
import type { SentMessage } from '../contracts/participants.js';
import { maskEmail } from '../domain/participant-emails.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { outbox } from '../notifications/mailer.js';
import { recordAudit } from '../storage/audit.js';
import { codesSeenBy } from '../storage/participants.js';

export const handler = studyHandler('ReadSentMessage', async (event, researcher) => {
  const { studyId = '', messageId = '' } = event.pathParameters ?? {};
  const message = outbox()?.read(studyId, messageId);
  const seen = message && (await codesSeenBy(researcher.access));
  if (!message || (seen && !(message.participantCode !== undefined && seen.has(message.participantCode)))) throw new HttpError(404, 'message_not_found', 'There is no such message');
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'message.read', detail: { messageId, kind: message.tag.kind } });
  const result: SentMessage = { id: message.id, at: message.at, kind: message.tag.kind, to: maskEmail(message.to), subject: message.subject, text: message.text };
  return json(200, result);
});
