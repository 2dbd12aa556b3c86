/** Partial and final responses: one item per participant × wave × instrument. */
import { createHash } from 'node:crypto';
import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Language } from '../contracts/common.js';
import { canonicalJson } from '../domain/canonical-json.js';
import type { Answers, ResponseStatus } from '../contracts/respondent.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
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

/** The participant item is gone (erased while this request ran) or they have withdrawn: nothing is stored. */
export class ParticipantNotFound extends Error {
  constructor() {
    super('There is no such participant');
    this.name = 'ParticipantNotFound';
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
 * Saves a partial or final response and remembers the participant's language.
 * The response write is always conditional: nothing may replace a completed
 * response. A final submission repeated with the same answers (a double tap,
 * a retry after a timeout) finds the completed item and returns it unchanged;
 * different answers are refused.
 *
 * `baseline`: the wave is the study's baseline, whose completion starts
 * relative follow-up windows. `participantLanguage`: the participant's
 * language as read for this request, if it was; it lets a partial save that
 * changes nothing but the response skip the transaction (see savePartialInPlace).
 */
export async function saveResponse(
  response: StoredResponse,
  options: { baseline: boolean; participantLanguage?: Language | undefined },
): Promise<StoredResponse> {
  const item = responseItem(response);
  if (response.status === 'partial' && options.participantLanguage === response.language) {
    if (await savePartialInPlace(item)) return response;
  }
  return saveInTransaction(response, item, options);
}

type ResponseItem = ReturnType<typeof responseItem>;

/**
 * An autosave of a response that already exists, as a single conditional Put
 * (a third of the cost of the transaction in DynamoDB, and one round trip):
 * `attribute_exists(PK) AND status <> complete`.
 *
 * Why the transaction's consent check is not needed here: a response item only
 * comes into being through saveInTransaction, whose ConditionCheck found the
 * participant's consent for this very wave (the wave is part of the key), or
 * through the synthetic cohort's bulk load, which writes an agreed consent
 * with every response; and a decision never changes afterwards (recordConsent
 * refuses a different one). Only erasure removes a consent, and it deletes the
 * responses too: a save racing it can rewrite a response only until erasure
 * deletes that item, then `attribute_exists` fails and the transaction refuses
 * the save. The participant's language is left alone because the caller read
 * it for this request and it is already this save's language.
 *
 * Returns false when the item does not exist yet (the first save of this
 * instrument in this wave): the caller then uses the transaction.
 */
async function savePartialInPlace(item: ResponseItem): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: item,
        ConditionExpression: 'attribute_exists(PK) AND #status <> :complete',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':complete': 'complete' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // The failed condition returns the stored item, if there is one: it was completed.
    if ((error as { Item?: Record<string, AttributeValue> }).Item) throw new ResponseAlreadyCompleted();
    return false;
  }
}

/**
 * The response, the consent check and the participant's language (and, for a
 * baseline submission, the date follow-up windows count from) in one
 * TransactWriteItems: the first save of a response, every final submission,
 * and any save that changes the participant's language.
 */
async function saveInTransaction(response: StoredResponse, item: ResponseItem, options: { baseline: boolean }): Promise<StoredResponse> {
  const startsFollowUps = options.baseline && response.status === 'complete';
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
        // Someone withdrawn is asked nothing more: a link that outlived the withdrawal (its tokens
        // are deleted just after withdrawnAt is set) stores nothing, even unread (see openPersonalLink).
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(withdrawnAt)',
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
    const [responseCheck, consentCheck, participantCheck] = error.CancellationReasons ?? [];
    // The caller may not have read the participant (see openPersonalLink): this write is what checks they exist and have not withdrawn.
    if (participantCheck?.Code === 'ConditionalCheckFailed') throw new ParticipantNotFound();
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
