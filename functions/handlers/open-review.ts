/** GET /api/review/{token}: the draft a review link shares, to show exactly as respondents will see it. */
import type { OpenReviewResult } from '../contracts/reviews.js';
import { reviewableQuestions } from '../domain/draft-review.js';
import { apiHandler } from '../http/api-handler.js';
import { json } from '../http/responses.js';
import { openReviewLink } from '../http/review-link.js';

export const handler = apiHandler('OpenReview', async (event) => {
  const draft = await openReviewLink(event, new Date());
  const { id, version, contentHash, title, respondentTitle, survey } = draft.instrument;
  const result: OpenReviewResult = { instrument: { id, version, contentHash, title, ...(respondentTitle ? { respondentTitle } : {}), survey }, questions: reviewableQuestions(draft.instrument), expiresAt: draft.expiresAt };
  return json(200, result);
});
