/** Partial and final responses: one item per participant × wave × instrument. */
import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Language } from '../contracts/common.js';
import { canonicalJson } from '../domain/canonical-json.js';
import type { Answers, ResponseStatus } from '../contracts/respondent.js';
import { db, tableName } from './client.js';
import { keys, prefixes } from './keys.js';
import { readWaveIndex } from './wave-index.js';

export type StoredResponse = {
  studyId: string;
  participantCode: string;
  waveId: string;
  instrumentId: string;
  instrumentVersion: string;
  /** The content hash of the instrument version the answers were given against. */
  contentHash: string;
  answers: Answers;
  status: ResponseStatus;
  language: Language;
  savedAt: string;
  completedAt?: string;
  /** The page the respondent was on, to resume there. */
  pageName?: string;
};

/** The participant has not agreed to take part in this wave (or declined): nothing may be stored. */
export class ConsentNotGiven extends Error {
  constructor() {
    super('The participant has not agreed to take part in this wave');
    this.name = 'ConsentNotGiven';
  }
}

export class ResponseAlreadyCompleted extends Error {
  constructor() {
    super('This response was already submitted');
    this.name = 'ResponseAlreadyCompleted';
  }
}

/**
 * The stored item of a response: its keys, the wave index keys, and the
 * answers as JSON text with their canonical hash. The one place this shape is
 * written, for saveResponse and for the bulk loader alike.
 */
export function responseItem(response: StoredResponse) {
  const { answers, ...attributes } = response;
  return {
    ...keys.response(response.studyId, response.participantCode, response.waveId, response.instrumentId),
    ...keys.responseByWave(response.studyId, response.waveId, response.participantCode, response.instrumentId),
    type: 'response',
    ...attributes,
    // Stored as text so any SurveyJS value shape round-trips exactly.
    answersJson: JSON.stringify(answers),
    answersHash: createHash('sha256').update(canonicalJson(answers)).digest('hex'),
  };
}

/**
 * Saves a partial or final response and remembers the participant's language,
 * in one transaction. The response write is conditional: nothing may replace a
 * completed response. A final submission repeated with the same answers (a
 * double tap, a retry after a timeout) finds the completed item and returns it
 * unchanged; different answers are refused.
 */
/** `baseline`: the wave is the study's baseline, whose completion starts relative follow-up windows. */
export async function saveResponse(response: StoredResponse, options: { baseline: boolean }): Promise<StoredResponse> {
  const startsFollowUps = options.baseline && response.status === 'complete';
  const item = responseItem(response);
  const transactItems = [
    {
      Put: {
        TableName: tableName(),
        Item: item,
        ConditionExpression: 'attribute_not_exists(PK) OR #status <> :complete',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':complete': 'complete' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    },
    {
      // Consent is checked inside the write, not read before it: no answer is stored without it.
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.consentDecision(response.studyId, response.participantCode, response.waveId),
        ConditionExpression: '#decision = :agreed',
        ExpressionAttributeNames: { '#decision': 'decision' },
        ExpressionAttributeValues: { ':agreed': 'agreed' },
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: keys.participant(response.studyId, response.participantCode),
        UpdateExpression: `SET #language = :language${startsFollowUps ? ', baselineCompletedAt = if_not_exists(baselineCompletedAt, :completedAt)' : ''}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#language': 'language' },
        ExpressionAttributeValues: { ':language': response.language, ...(startsFollowUps ? { ':completedAt': response.savedAt } : {}) },
      },
    },
  ];
  try {
    await db().send(
      new TransactWriteCommand({
        // Derived from the whole write, so only a resend of this exact write (an SDK retry
        // after a lost reply) shares it; a new request carries a new savedAt and a new token.
        ClientRequestToken: createHash('sha256').update(JSON.stringify(transactItems)).digest('base64url').slice(0, 36),
        TransactItems: transactItems,
      }),
    );
    return response;
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const [responseCheck, consentCheck] = error.CancellationReasons ?? [];
    if (consentCheck?.Code === 'ConditionalCheckFailed') throw new ConsentNotGiven();
    if (responseCheck?.Code !== 'ConditionalCheckFailed' || !responseCheck.Item) throw error;
    const stored = unmarshall(responseCheck.Item);
    if (response.status === 'complete' && stored.answersHash === item.answersHash) return toStoredResponse(stored);
    throw new ResponseAlreadyCompleted();
  }
}

export async function listResponsesOfParticipantWave(studyId: string, participantCode: string, waveId: string): Promise<StoredResponse[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :wave)',
      ExpressionAttributeValues: {
        ':pk': keys.participantPartition(studyId, participantCode),
        ':wave': prefixes.responsesOfParticipantWave(waveId),
      },
      ConsistentRead: true,
    }),
  );
  return Items.map(toStoredResponse);
}

export async function listResponsesOfWave(studyId: string, waveId: string): Promise<StoredResponse[]> {
  return (await readWaveIndex(studyId, waveId)).filter((item) => item.type === 'response').map(toStoredResponse);
}

function toStoredResponse(item: Record<string, unknown>): StoredResponse {
  const r = item as Omit<StoredResponse, 'answers'> & { answersJson: string };
  return {
    studyId: r.studyId,
    participantCode: r.participantCode,
    waveId: r.waveId,
    instrumentId: r.instrumentId,
    instrumentVersion: r.instrumentVersion,
    contentHash: r.contentHash,
    answers: JSON.parse(r.answersJson) as Answers,
    status: r.status,
    language: r.language,
    savedAt: r.savedAt,
    ...(r.completedAt ? { completedAt: r.completedAt } : {}),
    ...(r.pageName ? { pageName: r.pageName } : {}),
  };
}
