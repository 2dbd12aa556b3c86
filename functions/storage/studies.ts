/** Studies and their waves. */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalisedText } from '../contracts/common.js';
import { db, tableName } from './client.js';
import { keys, prefixes } from './keys.js';

export type Study = { studyId: string; title: LocalisedText; createdAt: string };

export type InstrumentPin = { id: string; version: string };

export type Wave = {
  studyId: string;
  waveId: string;
  /** 0 for baseline, 1 for the first follow-up, … */
  ordinal: number;
  name: LocalisedText;
  opensAt: string;
  closesAt: string;
  instruments: InstrumentPin[];
};

export async function createStudy(study: Study): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.study(study.studyId), ...keys.studyListing(study.studyId), type: 'study', ...study },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getStudy(studyId: string): Promise<Study | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.study(studyId) }));
  return Item ? toStudy(Item) : undefined;
}

export async function listStudies(): Promise<Study[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :studies',
      ExpressionAttributeValues: { ':studies': 'STUDIES' },
    }),
  );
  return Items.map(toStudy);
}

export async function createWave(wave: Wave): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.wave(wave.studyId, wave.waveId), type: 'wave', ...wave },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getWave(studyId: string, waveId: string): Promise<Wave | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.wave(studyId, waveId) }));
  return Item ? toWave(Item) : undefined;
}

export async function listWaves(studyId: string): Promise<Wave[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :wave)',
      ExpressionAttributeValues: { ':pk': keys.study(studyId).PK, ':wave': prefixes.wave },
    }),
  );
  return Items.map(toWave).sort((a, b) => a.ordinal - b.ordinal);
}

function toStudy(item: Record<string, unknown>): Study {
  const { studyId, title, createdAt } = item as Study;
  return { studyId, title, createdAt };
}

function toWave(item: Record<string, unknown>): Wave {
  const { studyId, waveId, ordinal, name, opensAt, closesAt, instruments } = item as Wave;
  return { studyId, waveId, ordinal, name, opensAt, closesAt, instruments };
}
