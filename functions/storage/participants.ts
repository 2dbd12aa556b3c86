/** Pseudonymous participants: a study-scoped code and the study's declared attributes. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Language } from '../contracts/common.js';
import { seesParticipant, type StudyAccess } from '../domain/study-access.js';
import { auditPut, type AuditNote } from './audit.js';
import { db, queryAll, queryUpTo, tableName } from './client.js';
import { itemCache } from './item-cache.js';
import { keys } from './keys.js';

export type Participant = {
  studyId: string;
  /** Study-scoped pseudonym; never a name. */
  participantCode: string;
  /** Values of the attributes the study declares (e.g. age band); nothing else. */
  attributes?: Record<string, string>;
  /** The language chosen last, so the next wave's link opens in it on any device. */
  language?: Language;
  /** When they completed their first baseline instrument: relative follow-up windows count from it. */
  baselineCompletedAt?: string;
  /** Set when they withdrew from future waves; what they gave before is kept, as their consent allows. */
  withdrawnAt?: string;
  createdAt: string;
};

/** The stored item of a participant, in the study's partition. */
export function participantItem(participant: Participant) {
  return { ...keys.participant(participant.studyId, participant.participantCode), type: 'participant', ...participant };
}

export async function createParticipant(participant: Participant): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: participantItem(participant),
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getParticipant(studyId: string, participantCode: string): Promise<Participant | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.participant(studyId, participantCode) }),
  );
  if (!Item) return undefined;
  const participant = toParticipant(Item);
  rememberBaselineCompletedAt(participant);
  return participant;
}

/**
 * When participants finished their baseline, as this container last read it:
 * it is set once (responses.ts: if_not_exists) and never changes, so a save
 * in a follow-up wave, whose window counts from it, need not read the
 * participant again. Only a date is remembered, never that there is none.
 */
const baselines = itemCache<string>({ ttlMs: 15 * 60_000, maxEntries: 20_000 });
const baselineKey = (studyId: string, participantCode: string) => JSON.stringify([studyId, participantCode]);

export function rememberBaselineCompletedAt(participant: Participant): void {
  if (participant.baselineCompletedAt) baselines.remember(baselineKey(participant.studyId, participant.participantCode), participant.baselineCompletedAt);
}

export function rememberedBaselineCompletedAt(studyId: string, participantCode: string): Promise<string | undefined> {
  return baselines.get(baselineKey(studyId, participantCode), async () => undefined);
}

export async function listParticipants(studyId: string): Promise<Participant[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
    ExpressionAttributeValues: { ':pk': keys.study(studyId).PK, ':p': 'P#' },
  });
  return items.map(toParticipant);
}

/** The participants of the study the caller may see: the whole study, or their data access group's. */
export async function listParticipantsSeenBy(access: StudyAccess): Promise<Participant[]> {
  const all = await listParticipants(access.studyId);
  return access.group ? all.filter((p) => seesParticipant(access, p)) : all;
}

/** The codes of the participants a grouped caller may see; undefined for a caller who sees the whole study. */
export async function codesSeenBy(access: StudyAccess): Promise<ReadonlySet<string> | undefined> {
  if (!access.group) return undefined;
  return new Set((await listParticipantsSeenBy(access)).map((p) => p.participantCode));
}

/**
 * One page of a study's participants in code order, optionally those whose code
 * starts with `prefix`: the console lists thousands a page at a time.
 */
export async function listParticipantsPage(studyId: string, page: { limit: number; after?: string; prefix?: string }): Promise<{ participants: Participant[]; next: string | null }> {
  const { items, lastKey } = await queryUpTo(
    { KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)', ExpressionAttributeValues: { ':pk': keys.study(studyId).PK, ':p': `P#${page.prefix ?? ''}` } },
    { limit: page.limit, startKey: page.after ? keys.participant(studyId, page.after) : undefined },
  );
  const participants = items.map(toParticipant);
  const last = participants[participants.length - 1];
  return { participants, next: lastKey && last ? last.participantCode : null };
}

/** DynamoDB's limit on items in one transaction. */
const TRANSACTION_ITEMS = 100;

/** Which of these codes the study already has. */
export async function existingParticipantCodes(studyId: string, codes: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < codes.length; i += 100) {
    let keysToGet: Record<string, unknown>[] | undefined = codes.slice(i, i + 100).map((code) => keys.participant(studyId, code));
    while (keysToGet && keysToGet.length > 0) {
      const result: BatchGetCommandOutput = await db().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keysToGet, ProjectionExpression: 'participantCode' } } }));
      for (const item of result.Responses?.[tableName()] ?? []) found.add(item.participantCode as string);
      keysToGet = result.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return found;
}

export class ParticipantsAlreadyExist extends Error {
  constructor() {
    super('Some participants already exist');
    this.name = 'ParticipantsAlreadyExist';
  }
}

/**
 * Stores every participant or none. Each chunk of 100 is one conditional
 * transaction; if a later chunk fails (someone added the same code meanwhile),
 * the chunks already written are deleted again, so an import never stays half done.
 * The audit entry rides in the last chunk: it is written exactly when the
 * import completes.
 */
export async function importParticipants(participants: Participant[], audit?: AuditNote): Promise<void> {
  const written: Participant[] = [];
  const items = [...participants.map((p) => ({ participant: p, write: participantPut(p) })), ...(audit ? [{ participant: undefined, write: auditPut(audit) }] : [])];
  try {
    for (let i = 0; i < items.length; i += TRANSACTION_ITEMS) {
      const chunk = items.slice(i, i + TRANSACTION_ITEMS);
      await db().send(new TransactWriteCommand({ TransactItems: chunk.map((item) => item.write) }));
      written.push(...chunk.flatMap((item) => (item.participant ? [item.participant] : [])));
    }
  } catch (error) {
    for (const p of written) {
      await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.participant(p.studyId, p.participantCode) }));
    }
    if (error instanceof TransactionCanceledException) throw new ParticipantsAlreadyExist();
    throw error;
  }
}

function participantPut(participant: Participant) {
  return { Put: { TableName: tableName(), Item: participantItem(participant), ConditionExpression: 'attribute_not_exists(PK)' } };
}

export function toParticipant(item: Record<string, unknown>): Participant {
  const { studyId, participantCode, attributes, language, baselineCompletedAt, withdrawnAt, createdAt } = item as Participant;
  return {
    studyId,
    participantCode,
    createdAt,
    ...(attributes ? { attributes } : {}),
    ...(language ? { language } : {}),
    ...(baselineCompletedAt ? { baselineCompletedAt } : {}),
    ...(withdrawnAt ? { withdrawnAt } : {}),
  };
}
