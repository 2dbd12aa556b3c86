/**
 * Drafts shared for review and their comments (issue #22). A draft keeps the
 * file exactly as it was reviewed, so its comments stay beside the wording
 * they were about, whatever version is published later.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { InstrumentVersion } from '../domain/instrument.js';
import { writeAudited, type AuditNote } from './audit.js';
import { db, queryAll, tableName } from './client.js';
import { keys } from './keys.js';

export type StoredDraft = {
  draftId: string;
  instrument: InstrumentVersion;
  sharedBy: string;
  sharedAt: string;
  expiresAt: string;
  commentCount: number;
};

export type StoredComment = { commentId: string; questionName: string | null; text: string; name: string | null; language: 'en' | 'cy'; at: string };

/** The draft, and its review token (only the hash), in one transaction with the audit entry. */
export async function shareDraft(draft: Omit<StoredDraft, 'commentCount'>, tokenHash: string, audit: AuditNote): Promise<void> {
  const { instrument, ...rest } = draft;
  await writeAudited(
    [
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.draft(draft.draftId),
            ...keys.draftListing(draft.sharedAt, draft.draftId),
            type: 'draft',
            draftId: rest.draftId,
            sharedBy: rest.sharedBy,
            sharedAt: rest.sharedAt,
            // Not `expiresAt`: that is the table's time-to-live attribute, and a draft and its comments are kept.
            reviewUntil: rest.expiresAt,
            instrumentId: instrument.id,
            version: instrument.version,
            contentHash: instrument.contentHash,
            title: instrument.title,
            instrumentJson: JSON.stringify(instrument),
            commentCount: 0,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.reviewToken(tokenHash), type: 'reviewToken', draftId: draft.draftId },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ],
    audit,
    new Date(draft.sharedAt),
  );
}

function draftOf(item: Record<string, unknown>): StoredDraft {
  return {
    draftId: String(item.draftId),
    instrument: JSON.parse(String(item.instrumentJson)) as InstrumentVersion,
    sharedBy: String(item.sharedBy),
    sharedAt: String(item.sharedAt),
    expiresAt: String(item.reviewUntil),
    commentCount: Number(item.commentCount ?? 0),
  };
}

export async function getDraft(draftId: string): Promise<StoredDraft | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.draft(draftId) }));
  return Item ? draftOf(Item) : undefined;
}

/** The draft a review token opens, or undefined for a token that was never issued. */
export async function draftByReviewToken(tokenHash: string): Promise<StoredDraft | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.reviewToken(tokenHash) }));
  return Item ? getDraft(String(Item.draftId)) : undefined;
}

/** Every draft, newest first. */
export async function listDrafts(): Promise<StoredDraft[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :drafts',
    ExpressionAttributeValues: { ':drafts': keys.draftListing('', '').GSI1PK },
    ScanIndexForward: false,
  });
  return items.map(draftOf);
}


/**
 * A comment and the draft's count in one transaction: the count is checked
 * against `limit` and the link's expiry against `now` in the same write, so a
 * link that expires, or a draft that fills up, takes no more.
 */
export async function addComment(draftId: string, comment: StoredComment, limit: number, now: Date): Promise<'added' | 'expired' | 'full'> {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: keys.draft(draftId),
              UpdateExpression: 'ADD commentCount :one',
              ConditionExpression: 'attribute_exists(PK) AND commentCount < :limit AND reviewUntil > :now',
              ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':now': now.toISOString() },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          { Put: { TableName: tableName(), Item: { ...keys.draftComment(draftId, comment.at, comment.commentId), type: 'draftComment', draftId, ...comment }, ConditionExpression: 'attribute_not_exists(PK)' } },
        ],
      }),
    );
    return 'added';
  } catch (error) {
    const refusal = error instanceof TransactionCanceledException ? error.CancellationReasons?.[0] : undefined;
    if (refusal?.Code !== 'ConditionalCheckFailed') throw error;
    const expiresAt = (refusal.Item as Record<string, { S?: string }> | undefined)?.reviewUntil?.S;
    return expiresAt && expiresAt <= now.toISOString() ? 'expired' : 'full';
  }
}

/** A draft's comments, oldest first. */
export async function listComments(draftId: string): Promise<StoredComment[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :comment)',
    ExpressionAttributeValues: { ':pk': keys.draft(draftId).PK, ':comment': 'C#' },
  });
  return items.map((item) => ({
    commentId: String(item.commentId),
    questionName: typeof item.questionName === 'string' ? item.questionName : null,
    text: String(item.text),
    name: typeof item.name === 'string' ? item.name : null,
    language: item.language === 'cy' ? 'cy' : 'en',
    at: String(item.at),
  }));
}
