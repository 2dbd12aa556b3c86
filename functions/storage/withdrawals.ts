/**
 * Withdrawal, with the choice the consent allows: stop future waves (their
 * links stop working; what they gave is kept) or erase everything.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { writeAudited, type AuditNote } from './audit.js';
import { db, isConditionalCheckFailed, queryAll, tableName } from './client.js';
import { keys } from './keys.js';
import { forgetLiveLink, LIVE_LINK } from './response-links.js';

function participantItems(studyId: string, participantCode: string): Promise<Record<string, unknown>[]> {
  return queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.participantPartition(studyId, participantCode) },
    ConsistentRead: true,
  });
}

const linkTokenHashes = (items: Record<string, unknown>[]) =>
  items.filter((item) => item.type === 'participantLink').map((item) => item.tokenHash as string);

function markWithdrawn(studyId: string, participantCode: string, now: Date, audit?: AuditNote) {
  return writeAudited(
    {
      Update: {
        TableName: tableName(),
        Key: keys.participant(studyId, participantCode),
        UpdateExpression: 'SET withdrawnAt = if_not_exists(withdrawnAt, :now)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      },
    },
    audit,
    now,
  );
}

/**
 * Stops every link of the participant and marks them withdrawn; their answers
 * stay. The mark is what stops them (every link and every save but an
 * autosave in place checks it), so the audit entry is written with it. Then
 * their responses stop naming a link (response-links.ts), which stops
 * autosaves in place: a save that started no response before the mark can
 * start none after it, so the listing below finds every response. Deleting
 * the link tokens only tidies up.
 */
export async function withdrawFromFutureWaves(studyId: string, participantCode: string, now: Date, audit?: AuditNote): Promise<void> {
  await markWithdrawn(studyId, participantCode, now, audit);
  const items = await participantItems(studyId, participantCode);
  for (const item of items.filter((each) => each.type === 'response' && each[LIVE_LINK] !== undefined)) {
    try {
      await db().send(new UpdateCommand(forgetLiveLink({ PK: item.PK as string, SK: item.SK as string }).Update!));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error; // erased meanwhile
    }
  }
  for (const tokenHash of linkTokenHashes(items)) {
    await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.linkToken(tokenHash) }));
  }
}

/**
 * Erases everything held about a participant: responses (partial and final),
 * consent decisions, links and their tokens, check-in requests, and the
 * participant record itself. Returns how many items were removed. Deletes are
 * idempotent, so an interrupted erasure is finished by running it again.
 */
export async function eraseParticipant(studyId: string, participantCode: string, waveIds: readonly string[], now: Date): Promise<number> {
  // First, so that no save lands after the listing below: every save's transaction refuses a withdrawn participant.
  await markWithdrawn(studyId, participantCode, now).catch((error: unknown) => {
    if (!isConditionalCheckFailed(error)) throw error; // already gone: an erasure run again
  });
  const items = await participantItems(studyId, participantCode);
  const deletions = [
    ...linkTokenHashes(items).map((hash) => keys.linkToken(hash)),
    ...waveIds.map((waveId) => keys.checkInRequest(studyId, waveId, participantCode)),
    ...items.map((item) => ({ PK: item.PK as string, SK: item.SK as string })),
    // Last: while the participant record exists, a retry can still find what is left.
    keys.participant(studyId, participantCode),
  ];
  let removed = 0;
  for (const key of deletions) {
    const { Attributes } = await db().send(new DeleteCommand({ TableName: tableName(), Key: key, ReturnValues: 'ALL_OLD' }));
    if (Attributes) removed += 1;
  }
  return removed;
}
