/** The wave index (GSI1): a wave's responses, links and consent decisions in one partition. */
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client.js';
import { keys } from './keys.js';

/** Every item of a wave's index partition: responses, links and consent decisions. */
export async function readWaveIndex(studyId: string, waveId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :wave',
        ExpressionAttributeValues: { ':wave': keys.waveIndex(studyId, waveId, '', 'LINK').GSI1PK },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

