/**
 * Writing many items at once: BatchWriteItem, 25 items a call, a few calls in
 * flight. Only for filling a new study with a synthetic cohort, where nothing
 * can already exist: these are plain Puts without conditions. The items are
 * built by the same …Item functions the normal writes use, so a loaded study
 * reads back exactly like one filled through the API.
 */
import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { MAX_BATCH_ATTEMPTS, writeUntilProcessed } from './batch-write.js';
import type { SyntheticParticipant } from './synthetic-cohort.js';
import { hashToken, newLinkToken } from '../functions/domain/tokens.js';
import { db, tableName } from '../functions/storage/client.js';
import { agreedWavesAttribute, consentItem } from '../functions/storage/consents.js';
import { linkTokenItem, participantLinkItem } from '../functions/storage/links.js';
import { participantItem } from '../functions/storage/participants.js';
import { responseItem } from '../functions/storage/responses.js';

export type Item = Record<string, unknown>;

/** DynamoDB's limit on items in one BatchWriteItem call. */
const BATCH_SIZE = 25;

export type BulkWriteOptions = {
  /** Batches in flight at once. */
  concurrency?: number;
  /** Called after each batch with the number of items written so far. */
  onProgress?: (written: number) => void;
};

/**
 * Writes every item the iterable yields and returns how many. Items are
 * pulled as batches are sent, so a generator of a large cohort is never held
 * in memory whole. Items a call leaves unprocessed are sent again (batch-write.ts).
 */
export async function batchWriteItems(items: Iterable<Item>, options: BulkWriteOptions = {}): Promise<number> {
  const source = items[Symbol.iterator]();
  let written = 0;
  const nextBatch = (): Item[] => {
    const batch: Item[] = [];
    for (let next = source.next(); !next.done; next = source.next()) {
      batch.push(next.value);
      if (batch.length === BATCH_SIZE) break;
    }
    return batch;
  };
  // Each worker takes the next batch when its last one is written; JavaScript runs
  // one at a time between awaits, so two workers never take the same items.
  const worker = async () => {
    for (let batch = nextBatch(); batch.length > 0; batch = nextBatch()) {
      await writeBatch(batch);
      written += batch.length;
      options.onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return written;
}

type BatchWriteRequest = BatchWriteCommandInput['RequestItems'] extends Record<string, (infer R)[]> | undefined ? R : never;

async function writeBatch(items: Item[]): Promise<void> {
  await writeUntilProcessed<BatchWriteRequest>(
    { [tableName()]: items.map((Item) => ({ PutRequest: { Item } })) },
    async (RequestItems) => (await db().send(new BatchWriteCommand({ RequestItems }))).UnprocessedItems,
    (left) => new Error(`DynamoDB left ${left} items unwritten after ${MAX_BATCH_ATTEMPTS} attempts`),
  );
}

/**
 * Every item of one synthetic participant, as the respondent path would have
 * left them: the participant, each link with its token item (gone for a
 * withdrawn participant, as withdrawal deletes it), consent decisions and
 * responses. Tokens are fresh random ones nobody ever sees: the links exist
 * for the progress view, not to be opened; a caller that opens them (the
 * bench) passes `newToken` and keeps what it returns.
 */
export function* itemsOfSyntheticParticipant({ participant, links, consents, responses }: SyntheticParticipant, newToken: () => string = newLinkToken): Generator<Item> {
  yield { ...participantItem(participant), ...agreedWavesAttribute(consents) };
  for (const { revoked, ...link } of links) {
    const tokenHash = hashToken(newToken());
    if (!revoked) yield linkTokenItem(link, tokenHash, link.issuedAt);
    yield participantLinkItem({ ...link, tokenHash });
  }
  for (const consent of consents) yield consentItem(consent);
  for (const response of responses) yield responseItem(response);
}
