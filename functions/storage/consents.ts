/** Each participant's consent decision per wave: recorded once, with the version of the text they saw. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Language } from '../contracts/common.js';
import type { ConsentDecision } from '../contracts/respondent.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { keys } from './keys.js';

export type ConsentRecord = {
  studyId: string;
  participantCode: string;
  waveId: string;
  consentVersion: string;
  decision: ConsentDecision;
  language: Language;
  decidedAt: string;
};

export class ConsentAlreadyRecorded extends Error {
  constructor(readonly existing: ConsentRecord) {
    super('A different consent decision is already recorded for this wave');
    this.name = 'ConsentAlreadyRecorded';
  }
}

/** The stored item of a consent decision, with the wave index keys that put it in the progress view. */
export function consentItem(record: ConsentRecord) {
  return {
    ...keys.consentDecision(record.studyId, record.participantCode, record.waveId),
    ...keys.waveIndex(record.studyId, record.waveId, record.participantCode, 'CONSENT'),
    type: 'consent',
    ...record,
  };
}

/**
 * The participant item's copy of the waves they agreed to: a final submission's
 * transaction checks it there (one item fewer than checking the decision item,
 * about a fifth of DynamoDB's cost of a submission). The decision item stays
 * the record. The copy is written after it, so it never says more than the
 * record; where it is missing (a crash between the two writes, or data stored
 * before the copy existed) the submission repairs it from the record.
 */
export const AGREED_WAVES = 'agreedWaves';

/** The copy's attribute for a participant item written in bulk with its decisions. */
export function agreedWavesAttribute(consents: readonly Pick<ConsentRecord, 'waveId' | 'decision'>[]): { agreedWaves?: Set<string> } {
  const waves = consents.filter((c) => c.decision === 'agreed').map((c) => c.waveId);
  return waves.length > 0 ? { [AGREED_WAVES]: new Set(waves) } : {};
}

/**
 * Copies an agreement onto the participant item. False when there is no
 * participant to copy it to, or they have withdrawn (or are being erased):
 * nothing more is stored for them.
 */
export async function copyAgreementToParticipant(studyId: string, participantCode: string, waveId: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.participant(studyId, participantCode),
        UpdateExpression: 'ADD #agreed :wave',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(withdrawnAt)',
        ExpressionAttributeNames: { '#agreed': AGREED_WAVES },
        ExpressionAttributeValues: { ':wave': new Set([waveId]) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Records a decision once. The same decision again (a double tap, a retry)
 * returns the first record; a different one is refused: withdrawing after
 * agreeing goes through the research team (issue #5), not this link.
 */
export async function recordConsent(record: ConsentRecord): Promise<ConsentRecord> {
  const stored = await putDecisionOnce(record);
  // Again on a repeat too: it finishes a recording whose copy was interrupted.
  await copyDecisionToParticipant(record, stored.decision === 'agreed');
  return stored;
}

/**
 * The participant item learns the language the decision was made in (so the
 * link opens in it next time, on any phone, whether they agreed or declined)
 * and, for an agreement, the copy submissions read (copyAgreementToParticipant).
 * Nothing for a participant who has withdrawn or is being erased.
 */
async function copyDecisionToParticipant(record: ConsentRecord, agreed: boolean): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.participant(record.studyId, record.participantCode),
        UpdateExpression: agreed ? 'SET #language = :language ADD #agreed :wave' : 'SET #language = :language',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(withdrawnAt)',
        ExpressionAttributeNames: { '#language': 'language', ...(agreed ? { '#agreed': AGREED_WAVES } : {}) },
        ExpressionAttributeValues: { ':language': record.language, ...(agreed ? { ':wave': new Set([record.waveId]) } : {}) },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

async function putDecisionOnce(record: ConsentRecord): Promise<ConsentRecord> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: consentItem(record),
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return record;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // The failed condition returned the stored decision: no second read.
    const stored = unmarshall((error as { Item?: Record<string, AttributeValue> }).Item ?? {}) as ConsentRecord;
    const existing: ConsentRecord = { ...record, consentVersion: stored.consentVersion, decision: stored.decision, language: stored.language, decidedAt: stored.decidedAt };
    if (existing.decision === record.decision && existing.consentVersion === record.consentVersion) return existing;
    throw new ConsentAlreadyRecorded(existing);
  }
}

export async function getConsent(studyId: string, participantCode: string, waveId: string): Promise<ConsentRecord | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.consentDecision(studyId, participantCode, waveId), ConsistentRead: true }),
  );
  return Item ? toConsentRecord(Item) : undefined;
}

export function toConsentRecord(item: Record<string, unknown>): ConsentRecord {
  const { studyId, participantCode, waveId, consentVersion, decision, language, decidedAt } = item as ConsentRecord;
  return { studyId, participantCode, waveId, consentVersion, decision, language, decidedAt };
}
