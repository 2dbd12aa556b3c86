/** The wave index (GSI1): a wave's responses, links and consent decisions in one partition. */
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { db, queryAll, tableName } from './client.js';
import { keys } from './keys.js';

/** Every item of a wave's index partition: responses, links and consent decisions. */
export function readWaveIndex(studyId: string, waveId: string): Promise<Record<string, unknown>[]> {
  return queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :wave',
    ExpressionAttributeValues: { ':wave': keys.waveIndex(studyId, waveId, '', 'LINK').GSI1PK },
  });
}

/** A response as an export reads it: the answers stay text until the exporter needs them. */
export type IndexedResponse = {
  participantCode: string;
  instrumentId: string;
  instrumentVersion: string;
  status: 'partial' | 'complete';
  language: 'en' | 'cy';
  savedAt: string;
  completedAt?: string;
  answersJson: string;
};

const RESPONSE_FIELDS = ['participantCode', 'instrumentId', 'instrumentVersion', '#status', '#language', 'savedAt', 'completedAt', 'answersJson'];

/**
 * A wave's responses, page by page (1 MB each), so an export of any size holds
 * one page at a time. The filter drops the wave's link and consent items after
 * DynamoDB reads them: they cost read capacity but are never transferred.
 */
export async function* responsePagesOfWave(studyId: string, waveId: string): AsyncGenerator<IndexedResponse[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :wave',
        FilterExpression: '#type = :response',
        ProjectionExpression: RESPONSE_FIELDS.join(', '),
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#language': 'language' },
        ExpressionAttributeValues: { ':wave': keys.waveIndex(studyId, waveId, '', 'LINK').GSI1PK, ':response': 'response' },
        ExclusiveStartKey: startKey,
      }),
    );
    yield (page.Items ?? []) as IndexedResponse[];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** The wave's index items of participants whose codes lie from `first` to `last` (a page of the participants list). */
export function readWaveIndexRange(studyId: string, waveId: string, first: string, last: string): Promise<Record<string, unknown>[]> {
  return queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :wave AND GSI1SK BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':wave': keys.waveIndex(studyId, waveId, '', 'LINK').GSI1PK,
      ':from': `P#${first}#`,
      // Every kind suffix sorts below U+FFFF.
      ':to': `P#${last}#\uffff`,
    },
  });
}
