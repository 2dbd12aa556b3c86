/** GET /api/drafts/{draftId}: a draft's questions and every comment reviewers left on it. */
import type { DraftDetail } from '../contracts/reviews.js';
import { reviewableQuestions } from '../domain/draft-review.js';
import { HttpError } from '../http/errors.js';
import { draftSummaries } from '../http/draft-summaries.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { json } from '../http/responses.js';
import { getDraft, listComments } from '../storage/drafts.js';

export const handler = researcherHandler('GetDraft', async (event) => {
  const draftId = event.pathParameters?.draftId ?? '';
  const [draft, comments] = await Promise.all([getDraft(draftId), listComments(draftId)]);
  if (!draft) throw new HttpError(404, 'draft_not_found', 'There is no such draft');
  const [summary] = await draftSummaries([draft]);
  const result: DraftDetail = { draft: summary!, questions: reviewableQuestions(draft.instrument), comments };
  return json(200, result);
});
