/**
 * Which link a participant's responses to a wave may be autosaved through.
 *
 * A response item names the participant's live link for its wave (LIVE_LINK,
 * the token's hash), and an autosave in place is written only if it came
 * through that link (responses.ts, savePartialInPlace): so an autosave needs
 * no read of the token, and a link revoked a moment ago is still refused.
 * That holds only if everything that revokes a link also changes what the
 * responses name, in the same transaction: reissuing a link (links.ts) hands
 * them over to the new one; withdrawal (withdrawals.ts) takes the name away.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { queryAll, tableName } from './client.js';
import { keys, prefixes } from './keys.js';
import { getWaveCached } from './studies.js';

export const LIVE_LINK = 'liveLinkHash';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Target = { studyId: string; participantCode: string; waveId: string };

/** The instruments the participant has a response to in this wave, read now (consistently). */
export async function instrumentsAnswered(target: Target): Promise<string[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :wave)',
    ExpressionAttributeValues: {
      ':pk': keys.participantPartition(target.studyId, target.participantCode),
      ':wave': prefixes.responsesOfParticipantWave(target.waveId),
    },
    ProjectionExpression: 'instrumentId',
    ConsistentRead: true,
  });
  return items.map((item) => item.instrumentId as string);
}

/**
 * The transaction items that hand the participant's responses to this wave
 * over to the link `newTokenHash`, for the transaction that revokes the old
 * one. Each response in `answered` (instrumentsAnswered, read before) is
 * made to name the new link; each other instrument of the wave is checked to
 * still have no response, so that a first save through the old link landing
 * between the read and the transaction (and naming the old link) makes the
 * transaction fail, to be tried again, instead of being missed.
 */
export async function handOverItems(target: Target, answered: readonly string[], newTokenHash: string): Promise<TransactItem[]> {
  const { studyId, participantCode, waveId } = target;
  const wave = await getWaveCached(studyId, waveId);
  const instruments = new Set([...(wave?.instruments.map((pin) => pin.id) ?? []), ...answered]);
  return [...instruments].map((instrumentId): TransactItem => {
    const Key = keys.response(studyId, participantCode, waveId, instrumentId);
    return answered.includes(instrumentId)
      ? {
          Update: {
            TableName: tableName(),
            Key,
            UpdateExpression: 'SET #live = :link',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#live': LIVE_LINK },
            ExpressionAttributeValues: { ':link': newTokenHash },
          },
        }
      : { ConditionCheck: { TableName: tableName(), Key, ConditionExpression: 'attribute_not_exists(PK)' } };
  });
}

/**
 * The update that leaves a response naming no link (withdrawal): from then
 * on every save of it goes through the transaction, which refuses someone
 * withdrawn. Conditioned on the item existing, so it never creates one.
 */
export function forgetLiveLink(key: { PK: string; SK: string }): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: key,
      UpdateExpression: 'REMOVE #live',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#live': LIVE_LINK },
    },
  };
}
