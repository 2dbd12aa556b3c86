/** "Yes, please get in touch with me": one request per participant per wave, holding no answers. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Language } from '../contracts/common.js';
import { writeAudited, type AuditNote } from './audit.js';
import { db, isConditionalCheckFailed, queryUpTo, tableName } from './client.js';
import { keys } from './keys.js';

export type CheckInRequestRecord = { studyId: string; waveId: string; participantCode: string; language: Language; requestedAt: string; handledAt?: string };

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
  return toCheckInRequest(Item);
}

/**
 * A page of the study's check-in requests, by wave and then participant code,
 * starting after `after` (a wave and a code); `next` names the last request
 * of the page when more may follow.
 */
export async function listCheckInRequestsPage(
  studyId: string,
  page: { limit: number; after?: { waveId: string; participantCode: string } | undefined },
): Promise<{ checkIns: CheckInRequestRecord[]; next: { waveId: string; participantCode: string } | null }> {
  const { items, lastKey } = await queryUpTo(
    { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :checkIn)', ExpressionAttributeValues: { ':pk': keys.study(studyId).PK, ':checkIn': 'CHECKIN#' } },
    { limit: page.limit, startKey: page.after ? keys.checkInRequest(studyId, page.after.waveId, page.after.participantCode) : undefined },
  );
  const checkIns = items.map(toCheckInRequest);
  const last = checkIns[checkIns.length - 1];
  return { checkIns, next: lastKey && last ? { waveId: last.waveId, participantCode: last.participantCode } : null };
}

/** Marks a request handled once; false when there is no such request. */
export async function markCheckInHandled(studyId: string, waveId: string, participantCode: string, now: Date, audit?: AuditNote): Promise<boolean> {
  try {
    await writeAudited(
      {
        Update: {
          TableName: tableName(),
          Key: keys.checkInRequest(studyId, waveId, participantCode),
          UpdateExpression: 'SET handledAt = if_not_exists(handledAt, :now)',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        },
      },
      audit,
      now,
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export function toCheckInRequest(item: Record<string, unknown>): CheckInRequestRecord {
  const { studyId, waveId, participantCode, language, requestedAt, handledAt } = item as CheckInRequestRecord;
  return { studyId, waveId, participantCode, language, requestedAt, ...(handledAt ? { handledAt } : {}) };
}
