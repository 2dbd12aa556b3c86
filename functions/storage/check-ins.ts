/** "I'd like my worker to check in with me": one request per participant per wave, holding no answers. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Language } from '../contracts/common.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { keys } from './keys.js';

export type CheckInRequestRecord = { studyId: string; waveId: string; participantCode: string; language: Language; requestedAt: string };

/** Returns the stored request and whether this call created it (only a new request notifies the team). */
export async function recordCheckInRequest(request: CheckInRequestRecord): Promise<{ record: CheckInRequestRecord; created: boolean }> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.checkInRequest(request.studyId, request.waveId, request.participantCode), type: 'checkInRequest', ...request },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return { record: request, created: true };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return { record: (await getCheckInRequest(request.studyId, request.waveId, request.participantCode))!, created: false };
  }
}

export async function getCheckInRequest(studyId: string, waveId: string, participantCode: string): Promise<CheckInRequestRecord | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.checkInRequest(studyId, waveId, participantCode), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { language, requestedAt } = Item as CheckInRequestRecord;
  return { studyId, waveId, participantCode, language, requestedAt };
}
