/** The first step of the review routes: from the token in /api/review/{token} to an open draft. */
import { randomUUID } from 'node:crypto';
import type { Event } from './api-handler.js';
import { reviewLinkOpen } from '../domain/draft-review.js';
import { hashToken, isWellFormedToken } from '../domain/tokens.js';
import { draftByReviewToken, type StoredDraft } from '../storage/drafts.js';
import { countFailureAndCheck } from '../storage/rate-limits.js';
import { HttpError } from './errors.js';
import { BAD_TOKEN_POLICY, clientOf } from './personal-link.js';

export const reviewClosed = () => new HttpError(410, 'review_closed', 'This review link has expired. Thank you for your help: ask the research team if you have more to say.');

/** The draft a review link opens while it is open; bad tokens are counted against the client as for personal links. */
export async function openReviewLink(event: Event, now: Date): Promise<StoredDraft> {
  const token = event.pathParameters?.token ?? '';
  const draft = isWellFormedToken(token) ? await draftByReviewToken(hashToken(token)) : undefined;
  if (!draft) {
    if (await countFailureAndCheck(clientOf(event), BAD_TOKEN_POLICY, now)) {
      throw new HttpError(429, 'too_many_attempts', 'Too many links that did not work were tried from here. Please wait 15 minutes and try again.');
    }
    throw new HttpError(404, 'review_not_valid', 'This review link is not valid. Check you copied the whole link.');
  }
  if (!reviewLinkOpen(draft.expiresAt, now)) throw reviewClosed();
  return draft;
}

export const newCommentId = () => randomUUID();
