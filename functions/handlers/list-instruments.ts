/** GET /api/instruments: the instrument library, every published version with who published it and when. */
import type { ListInstrumentsResult } from '../contracts/instruments.js';
import { SHIPPED_BY } from '../domain/instrument-library.js';
import { userDirectory } from '../auth/user-directory.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { json } from '../http/responses.js';
import { listInstrumentLibrary } from '../storage/instruments.js';

export const handler = researcherHandler('ListInstruments', async () => {
  const entries = await listInstrumentLibrary();
  // A handful of publishers, each looked up once; an account the directory no longer has is "not recorded".
  const publishers = [...new Set(entries.map((entry) => entry.publishedBy).filter((by): by is string => by !== null && by !== SHIPPED_BY))];
  const directory = userDirectory();
  const emails = new Map(await Promise.all(publishers.map(async (userId) => [userId, (await directory.describe(userId))?.email ?? null] as const)));
  const result: ListInstrumentsResult = {
    instruments: entries.map(({ instrumentId, publishedBy, ...entry }) => ({
      id: instrumentId,
      ...entry,
      publishedBy: publishedBy === SHIPPED_BY ? SHIPPED_BY : publishedBy === null ? null : (emails.get(publishedBy) ?? null),
    })),
  };
  return json(200, result);
});
