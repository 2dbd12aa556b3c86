/** POST /api/drafts: share a draft instrument (validated, not yet published) through an expiring review link. */
import { ShareDraftRequest, type ShareDraftResult } from '../contracts/reviews.js';
import { checkInstrument } from '../domain/instrument-check.js';
import { hashToken, newLinkToken } from '../domain/tokens.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { json } from '../http/responses.js';
import { PLATFORM_SCOPE } from '../storage/audit.js';
import { shareDraft } from '../storage/drafts.js';
import { getInstrumentVersion } from '../storage/instruments.js';
import { newCommentId } from '../http/review-link.js';

const DAY_MS = 24 * 3600_000;

export const handler = researcherHandler('ShareDraft', async (event, researcher) => {
  const body = parseJsonBody(event, ShareDraftRequest, 1024 * 1024);
  const check = checkInstrument(body.instrument);
  if (!check.ok) {
    throw new HttpError(422, 'instrument_invalid', 'The draft has problems; fix them and share it again', check.problems.map((p) => ({ ...p, path: `instrument.${p.path}` })));
  }
  const { instrument } = check;
  if (await getInstrumentVersion(instrument.id, instrument.version)) {
    throw new HttpError(409, 'version_already_published', `${instrument.id}@${instrument.version} is already published: share the next version (a new version number) for review`);
  }
  const now = new Date();
  const token = newLinkToken();
  const draftId = newCommentId();
  const expiresAt = new Date(now.getTime() + body.days * DAY_MS).toISOString();
  await shareDraft({ draftId, instrument, sharedBy: researcher.userId, sharedAt: now.toISOString(), expiresAt }, hashToken(token), {
    scope: PLATFORM_SCOPE,
    actor: researcher.userId,
    action: 'instrument.draft_shared',
    detail: { draftId, instrumentId: instrument.id, version: instrument.version, days: body.days },
  });
  const result: ShareDraftResult = { draftId, id: instrument.id, version: instrument.version, reviewPath: `/review/${token}`, expiresAt };
  return json(201, result);
});
