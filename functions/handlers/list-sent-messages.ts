/**
 * GET /api/studies/{studyId}/messages[?offset=&limit=] (embedded mode): the
 * study's outbox, newest first: kind, time, subject and the recipient masked.
 * Each page read is audited, by offset and count.
 */
import type { SentMessageList } from '../contracts/participants.js';
import { maskEmail } from '../domain/participant-emails.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { outbox } from '../notifications/mailer.js';
import { recordAudit } from '../storage/audit.js';
import { codesSeenBy } from '../storage/participants.js';
import { getStudy } from '../storage/studies.js';

const MAX_LIMIT = 200;

export const handler = studyHandler('ListSentMessages', async (event, researcher) => {
  const studyId = event.pathParameters?.studyId ?? '';
  const offset = Number(event.queryStringParameters?.offset ?? 0);
  const limit = Number(event.queryStringParameters?.limit ?? 50);
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new HttpError(400, 'page_invalid', `offset is a whole number from 0, limit from 1 to ${MAX_LIMIT}`);
  }
  if (!(await getStudy(studyId))) throw new HttpError(404, 'study_not_found', 'There is no such study');
  const box = outbox();
  // No outbox (AWS): nothing is read, so nothing to audit.
  if (!box) return json(200, { messages: [], total: 0 } satisfies SentMessageList);
  // A member placed in a group: only messages to or about their group's participants.
  const seen = await codesSeenBy(researcher.access);
  const { messages, total } = box.list(studyId, { offset, limit }, seen && ((code) => code !== undefined && seen.has(code)));
  await recordAudit({ scope: studyId, actor: researcher.userId, action: 'messages.listed', detail: { offset, count: messages.length } });
  const result: SentMessageList = {
    messages: messages.map((m) => ({ id: m.id, at: m.at, kind: m.tag.kind, to: maskEmail(m.to), subject: m.subject })),
    total,
  };
  return json(200, result);
});
