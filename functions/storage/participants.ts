/** Pseudonymous participants and their personal-link tokens (stored only as hashes). */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Language } from '../contracts/common.js';
import { db, tableName } from './client.js';
import { keys } from './keys.js';

export type Participant = {
  studyId: string;
  /** Study-scoped pseudonym; never a name. */
  participantCode: string;
  /** The language chosen last, so the next wave's link opens in it on any device. */
  language?: Language;
  /** When they completed their first baseline instrument: relative follow-up windows count from it. */
  baselineCompletedAt?: string;
  createdAt: string;
};

export type LinkTarget = { studyId: string; participantCode: string; waveId: string };

export async function createParticipant(participant: Participant): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.participant(participant.studyId, participant.participantCode), type: 'participant', ...participant },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getParticipant(studyId: string, participantCode: string): Promise<Participant | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.participant(studyId, participantCode) }),
  );
  if (!Item) return undefined;
  const { language, baselineCompletedAt, createdAt } = Item as Participant;
  return { studyId, participantCode, createdAt, ...(language ? { language } : {}), ...(baselineCompletedAt ? { baselineCompletedAt } : {}) };
}

export async function createLinkToken(tokenHash: string, target: LinkTarget, createdAt: string): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.linkToken(tokenHash), type: 'link', ...target, createdAt },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function resolveLinkToken(tokenHash: string): Promise<LinkTarget | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.linkToken(tokenHash) }));
  if (!Item) return undefined;
  const { studyId, participantCode, waveId } = Item as LinkTarget;
  return { studyId, participantCode, waveId };
}
