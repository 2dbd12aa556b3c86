/** GET /api/drafts: every draft shared for review, newest first, with its comment count and whether it is now published. */
import type { DraftList } from '../contracts/reviews.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { json } from '../http/responses.js';
import { draftSummaries } from '../http/draft-summaries.js';
import { listDrafts } from '../storage/drafts.js';

export const handler = researcherHandler('ListDrafts', async () => {
  const result: DraftList = { drafts: await draftSummaries(await listDrafts()) };
  return json(200, result);
});
