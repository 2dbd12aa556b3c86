/** Drafts as the console lists them: who shared each (by email), and whether its version is published since. */
import type { DraftSummary } from '../contracts/reviews.js';
import { userDirectory } from '../auth/user-directory.js';
import type { StoredDraft } from '../storage/drafts.js';
import { getInstrumentVersion } from '../storage/instruments.js';

export async function draftSummaries(drafts: StoredDraft[]): Promise<DraftSummary[]> {
  const directory = userDirectory();
  const sharers = [...new Set(drafts.map((d) => d.sharedBy))];
  const emails = new Map(await Promise.all(sharers.map(async (userId) => [userId, (await directory.describe(userId))?.email ?? null] as const)));
  return Promise.all(
    drafts.map(async (draft) => {
      const published = await getInstrumentVersion(draft.instrument.id, draft.instrument.version);
      return {
        draftId: draft.draftId,
        id: draft.instrument.id,
        version: draft.instrument.version,
        contentHash: draft.instrument.contentHash,
        title: draft.instrument.title,
        sharedBy: emails.get(draft.sharedBy) ?? null,
        sharedAt: draft.sharedAt,
        expiresAt: draft.expiresAt,
        commentCount: draft.commentCount,
        published: published !== undefined,
        publishedAsReviewed: published?.contentHash === draft.instrument.contentHash,
      };
    }),
  );
}
