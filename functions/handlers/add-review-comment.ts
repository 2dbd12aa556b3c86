/** POST /api/review/{token}/comments: a reviewer's comment on one question or on the whole draft. Never an answer. */
import { AddReviewCommentRequest, type AddReviewCommentResult } from '../contracts/reviews.js';
import { MAX_COMMENTS_PER_DRAFT, reviewableQuestions } from '../domain/draft-review.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { newCommentId, openReviewLink, reviewClosed } from '../http/review-link.js';
import { addComment } from '../storage/drafts.js';

export const handler = apiHandler('AddReviewComment', async (event) => {
  // The body first: a malformed one is refused before anything is read.
  const body = parseJsonBody(event, AddReviewCommentRequest);
  const now = new Date();
  const draft = await openReviewLink(event, now);
  if (body.questionName !== null && !reviewableQuestions(draft.instrument).some((q) => q.name === body.questionName)) {
    throw new HttpError(422, 'question_not_found', `This draft has no question called ${body.questionName}`, [{ path: 'questionName', message: 'name a question of this draft, or null for the whole questionnaire' }]);
  }
  const comment = { commentId: newCommentId(), questionName: body.questionName, text: body.text, name: body.name ? body.name : null, language: body.language, at: now.toISOString() };
  const added = await addComment(draft.draftId, comment, MAX_COMMENTS_PER_DRAFT, now);
  if (added === 'expired') throw reviewClosed();
  if (added === 'full') throw new HttpError(409, 'review_full', 'This draft has all the comments it can take. Thank you: please tell the research team directly.');
  const result: AddReviewCommentResult = { commentId: comment.commentId, at: comment.at };
  return json(201, result);
});
