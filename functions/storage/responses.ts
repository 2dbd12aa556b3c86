/** Partial and final responses: one item per participant × wave × instrument. */
import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, TransactWriteCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Language } from '../contracts/common.js';
import { canonicalJson } from '../domain/canonical-json.js';
import type { Answers, ResponseStatus } from '../contracts/respondent.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { AGREED_WAVES, copyAgreementToParticipant, getConsent } from './consents.js';
import { keys, prefixes } from './keys.js';
import { linkIsLiveCheck } from './links.js';
import { LIVE_LINK } from './response-links.js';

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
  /** How many times it has been saved (items written before revisions were kept read as 0). */
  revision: number;
};

/** A response as a save hands it over: its revision follows from the one the save builds on. */
export type ResponseToSave = Omit<StoredResponse, 'revision'>;

/** The participant has not agreed to take part in this wave (or declined): nothing may be stored. */
export class ConsentNotGiven extends Error {
  /** `declined` when they said no; undefined when no decision is recorded. */
  constructor(readonly decision?: 'declined') {
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

/** The response was saved since the revision this partial save builds on: a slower, older save must not overwrite it. */
export class SaveConflict extends Error {
  constructor(readonly storedRevision: number) {
    super('The response was saved since the revision this save builds on');
    this.name = 'SaveConflict';
  }
}

/** The link the save came through was revoked (reissued, withdrawn, erased) after its token was resolved: nothing is stored. */
export class LinkRevoked extends Error {
  constructor() {
    super('The link this save came through is no longer valid');
    this.name = 'LinkRevoked';
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
 * answers as JSON text. The one place this shape is written, for
 * saveResponse and for the bulk loader alike. (Items written before
 * 2026-12-07 also hold `answersHash`, their canonical hash: nothing reads it
 * now, and leaving it out keeps a 19-answer response under DynamoDB's 1 KB
 * write unit.)
 *
 * `liveLinkHash`: the hash of the participant's live link for this wave, when
 * the item is written through it (see response-links.ts).
 */
export function responseItem(response: StoredResponse, liveLinkHash?: string) {
  const { answers, ...attributes } = response;
  return {
    ...keys.response(response.studyId, response.participantCode, response.waveId, response.instrumentId),
    ...keys.responseByWave(response.studyId, response.waveId, response.participantCode, response.instrumentId),
    type: 'response',
    ...attributes,
    // Stored as text so any SurveyJS value shape round-trips exactly.
    answersJson: JSON.stringify(answers),
    ...(liveLinkHash ? { [LIVE_LINK]: liveLinkHash } : {}),
  };
}

/**
 * Saves a partial or final response and remembers the participant's language.
 * The response write is always conditional: nothing may replace a completed
 * response. A final submission repeated with the same answers (a double tap,
 * a retry after a timeout) finds the completed item and returns it unchanged;
 * different answers are refused.
 *
 * A partial save is optimistic locking on the response's revision: it names
 * the revision it builds on (`baseRevision`, 0 for none) and is written only
 * if the stored response is still at it, as revision base + 1. So a save that
 * lands late (sent before a newer one, held up on a slow network or by a tab
 * that closed) is refused with SaveConflict instead of overwriting newer
 * answers; the client then builds on the stored revision. A retry of a save
 * that was written but whose reply was lost finds its own write (same
 * revision, same answers) and succeeds again.
 *
 * `linkTokenHash`: the personal link the save came through, whose target
 * may come from the container's memory (resolveLinkTokenRemembered): the
 * link may have been revoked since. A partial save in place is written only
 * if the response names that link as live (LIVE_LINK); every other save goes
 * through the transaction, which checks the link is still live, and is
 * refused with LinkRevoked if it is not. Without a link (the bulk loader,
 * tests) every save goes through the transaction.
 *
 * `baseline`: the wave is the study's baseline, whose completion starts
 * relative follow-up windows. `participantLanguage`: the participant's
 * language, if this request read it; when it differs from the save's, the
 * save goes straight to the transaction that records it.
 */
export async function saveResponse(
  response: ResponseToSave,
  options: { baseline: boolean; baseRevision?: number | undefined; participantLanguage?: Language | undefined; linkTokenHash?: string },
): Promise<StoredResponse> {
  const baseRevision = options.baseRevision ?? 0;
  const saved: StoredResponse = { ...response, revision: baseRevision + 1 };
  const item = responseItem(saved, options.linkTokenHash);
  if (options.linkTokenHash && response.status === 'partial' && (options.participantLanguage ?? response.language) === response.language) {
    const inPlace = await savePartialInPlace(saved, item, baseRevision, options.linkTokenHash);
    if (inPlace) return inPlace;
  }
  return saveInTransaction(saved, item, { baseline: options.baseline, baseRevision, linkTokenHash: options.linkTokenHash });
}

type ResponseItem = ReturnType<typeof responseItem>;

/** The condition that the stored response is still at `baseRevision` (0: it has none). */
function revisionIs(baseRevision: number) {
  return baseRevision === 0
    ? { expression: 'attribute_not_exists(#revision)', values: {} }
    : { expression: '#revision = :baseRevision', values: { ':baseRevision': baseRevision } };
}

/**
 * An autosave of a response that already exists, as a single conditional Put
 * (a third of the cost of the transaction in DynamoDB, and the request's only
 * call): it exists, names the link the save came through as live, is not
 * complete, is still at the base revision, and was saved in the same language.
 *
 * Why this skips the token read, the transaction's consent check and the
 * participant read, and why that is safe: docs/data-model.md, "Why a save
 * reads so little".
 *
 * Returns undefined when the item does not exist yet (the first save of this
 * instrument in this wave), names no link or another one (written before
 * links were named, or the link was reissued since), or was saved in another
 * language: the caller then uses the transaction, which checks the link.
 */
async function savePartialInPlace(saved: StoredResponse, item: ResponseItem, baseRevision: number, linkTokenHash: string): Promise<StoredResponse | undefined> {
  const revision = revisionIs(baseRevision);
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: item,
        ConditionExpression: `attribute_exists(PK) AND #live = :link AND #status <> :complete AND #language = :language AND ${revision.expression}`,
        ExpressionAttributeNames: { '#live': LIVE_LINK, '#status': 'status', '#language': 'language', '#revision': 'revision' },
        ExpressionAttributeValues: { ':link': linkTokenHash, ':complete': 'complete', ':language': item.language, ...revision.values },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return saved;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // The failed condition returns the stored item, if there is one.
    const old = (error as { Item?: Record<string, AttributeValue> }).Item;
    if (!old) return undefined;
    const stored = unmarshall(old);
    // Nothing about the response is told to a link it does not name: the transaction decides whether that link is live.
    if (stored[LIVE_LINK] !== linkTokenHash) return undefined;
    if (stored.status === 'complete') throw new ResponseAlreadyCompleted();
    if (revisionOf(stored) !== baseRevision) return sameSaveOrConflict(stored, item);
    return undefined;
  }
}

/** A partial save that found the response at another revision: its own retry (already written), or a conflict. */
function sameSaveOrConflict(stored: Record<string, unknown>, item: ResponseItem): StoredResponse {
  const isThisSave =
    revisionOf(stored) === item.revision &&
    sameAnswers(stored, item) &&
    stored.language === item.language &&
    (stored.pageName ?? null) === (item.pageName ?? null);
  if (isThisSave) return toStoredResponse(stored);
  throw new SaveConflict(revisionOf(stored));
}

/** The same answers, whatever the order of their keys: a repeat of a save, not a new one. */
const sameAnswers = (stored: Record<string, unknown>, item: ResponseItem) =>
  typeof stored.answersJson === 'string' && canonicalJson(JSON.parse(stored.answersJson)) === canonicalJson(JSON.parse(item.answersJson));

const revisionOf = (stored: Record<string, unknown>) => (typeof stored.revision === 'number' ? stored.revision : 0);

/**
 * The response and the participant (their consent to this wave, their
 * language and, for a baseline submission, the date follow-up windows count
 * from) in one TransactWriteItems: the first save of a response, every final
 * submission, and any save that changes the participant's language.
 *
 * No ClientRequestToken: a resend of a write that landed (an SDK retry after a
 * lost reply) finds its own revision or its own final answers, and succeeds
 * without writing again (sameSaveOrConflict); the token cost DynamoDB Local
 * about a fifth of the transaction.
 */
async function saveInTransaction(
  response: StoredResponse,
  item: ResponseItem,
  options: { baseline: boolean; baseRevision: number; linkTokenHash?: string | undefined; repaired?: boolean },
): Promise<StoredResponse> {
  try {
    await db().send(new TransactWriteCommand({ TransactItems: responseAndParticipantWrites(response, item, options) }));
    return response;
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const [responseCheck, participantCheck, linkCheck] = error.CancellationReasons ?? [];
    if (linkCheck?.Code === 'ConditionalCheckFailed') throw new LinkRevoked();
    if (participantCheck?.Code === 'ConditionalCheckFailed') {
      const participant = participantCheck.Item ? unmarshall(participantCheck.Item) : undefined;
      // The caller may not have read the participant (see openPersonalLink): this write is what checks they exist and have not withdrawn.
      if (!participant || participant.withdrawnAt) throw new ParticipantNotFound();
      if (!(participant[AGREED_WAVES] instanceof Set && participant[AGREED_WAVES].has(response.waveId))) {
        // No copy of an agreement on the participant: repair it from the decision, if they agreed, and write again (once).
        if (options.repaired) throw new ConsentNotGiven();
        const decision = (await getConsent(response.studyId, response.participantCode, response.waveId))?.decision;
        if (decision !== 'agreed') throw new ConsentNotGiven(decision);
        if (!(await copyAgreementToParticipant(response.studyId, response.participantCode, response.waveId))) throw new ParticipantNotFound();
        return saveInTransaction(response, item, { ...options, repaired: true });
      }
    }
    if (responseCheck?.Code !== 'ConditionalCheckFailed' || !responseCheck.Item) throw error;
    const stored = unmarshall(responseCheck.Item);
    if (stored.status !== 'complete') return sameSaveOrConflict(stored, item);
    if (response.status === 'complete' && sameAnswers(stored, item)) return toStoredResponse(stored);
    throw new ResponseAlreadyCompleted();
  }
}

function responseAndParticipantWrites(response: StoredResponse, item: ResponseItem, options: { baseline: boolean; baseRevision: number; linkTokenHash?: string | undefined }) {
  const startsFollowUps = options.baseline && response.status === 'complete';
  // A final submission completes whatever partial is stored; a partial save must build on the stored revision.
  const revision = response.status === 'partial' ? revisionIs(options.baseRevision) : undefined;
  return [
    {
      Put: {
        TableName: tableName(),
        Item: item,
        ConditionExpression: revision
          ? `attribute_not_exists(PK) OR (#status <> :complete AND ${revision.expression})`
          : 'attribute_not_exists(PK) OR #status <> :complete',
        ExpressionAttributeNames: { '#status': 'status', ...(revision ? { '#revision': 'revision' } : {}) },
        ExpressionAttributeValues: { ':complete': 'complete', ...revision?.values },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: keys.participant(response.studyId, response.participantCode),
        UpdateExpression: `SET #language = :language${startsFollowUps ? ', baselineCompletedAt = if_not_exists(baselineCompletedAt, :completedAt)' : ''}`,
        // Consent is checked inside the write, not read before it: no answer is stored without it (the
        // participant's copy of their agreements, see AGREED_WAVES). Someone withdrawn is asked nothing
        // more: a link that outlived the withdrawal (its tokens are deleted just after withdrawnAt is set)
        // starts no response and submits nothing, even unread (see openPersonalLink; for a partial save in
        // place, see savePartialInPlace). Erasure sets withdrawnAt first, for the same reason.
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(withdrawnAt) AND contains(#agreed, :wave)',
        ExpressionAttributeNames: { '#language': 'language', '#agreed': AGREED_WAVES },
        ExpressionAttributeValues: {
          ':language': response.language,
          ':wave': response.waveId,
          ...(startsFollowUps ? { ':completedAt': response.savedAt } : {}),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    },
    // Last, so the first two cancellation reasons keep their places.
    ...(options.linkTokenHash ? [linkIsLiveCheck(options.linkTokenHash)] : []),
  ];
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

export type ResponsePage = { responses: StoredResponse[]; next: string | null };

/**
 * A page of a wave's responses, participant by participant in code order,
 * starting after the participant `after`: at most `participants`
 * participants, and no more than `maxBytes` (as `sizeOf` counts a response)
 * unless the page holds only one participant, whose responses are never
 * split. So a route can bound its answer whatever the size of the wave.
 * `next` is the last participant in the page when more may follow.
 */
export async function listResponsesOfWavePage(
  studyId: string,
  waveId: string,
  page: { after?: string | undefined; participants: number; maxBytes: number; sizeOf: (response: StoredResponse) => number },
): Promise<ResponsePage> {
  const responses: StoredResponse[] = [];
  let bytes = 0;
  let included = 0;
  let last: string | null = null;
  /** Adds one participant's responses, if they fit. */
  const take = (group: { code: string; responses: StoredResponse[]; bytes: number }) => {
    if (included > 0 && bytes + group.bytes > page.maxBytes) return false;
    responses.push(...group.responses);
    bytes += group.bytes;
    included += 1;
    last = group.code;
    return true;
  };
  let group: { code: string; responses: StoredResponse[]; bytes: number } | undefined;
  let startKey: Record<string, unknown> | undefined;
  do {
    const result: QueryCommandOutput = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI1',
        KeyConditionExpression: `GSI1PK = :wave${page.after ? ' AND GSI1SK > :after' : ''}`,
        FilterExpression: '#type = :response',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':wave': keys.waveIndex(studyId, waveId, '', 'LINK').GSI1PK,
          ':response': 'response',
          // Past every index item of that participant: each kind suffix sorts below U+FFFF.
          ...(page.after ? { ':after': `P#${page.after}#\uffff` } : {}),
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of result.Items ?? []) {
      const response = toStoredResponse(item);
      if (group && group.code !== response.participantCode) {
        if (!take(group) || included === page.participants) return { responses, next: last };
        group = undefined;
      }
      group ??= { code: response.participantCode, responses: [], bytes: 0 };
      group.responses.push(response);
      group.bytes += page.sizeOf(response);
    }
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  if (group && !take(group)) return { responses, next: last };
  return { responses, next: null };
}

export function toStoredResponse(item: Record<string, unknown>): StoredResponse {
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
    revision: revisionOf(item),
  };
}
