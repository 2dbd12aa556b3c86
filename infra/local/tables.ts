/** Creates the embedded platform's tables from the same definition the CDK stack uses. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../../functions/storage/table-definition.js';

export async function ensureTable(client: DynamoDBClient, definition: TableDefinition, tableName: string): Promise<'created' | 'existed'> {
  const attributes = new Map<string, 'S' | 'N'>();
  for (const key of [definition.partitionKey, definition.sortKey, ...definition.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    attributes.set(key.name, key.type);
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
        KeySchema: [
          { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
        ],
        ...(definition.globalSecondaryIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
                IndexName: index.indexName,
                KeySchema: [
                  { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                  { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              })),
            }
          : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    // A data folder from before the definition gained its TTL (the identity table's contact history): turn it on now.
    if (definition.timeToLiveAttribute) {
      const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
      if (TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') await enableTimeToLive(client, tableName, definition.timeToLiveAttribute);
    }
    return 'existed';
  }
  if (definition.timeToLiveAttribute) await enableTimeToLive(client, tableName, definition.timeToLiveAttribute);
  // Point-in-time recovery is not supported by DynamoDB Local; the CDK stack enables it in AWS.
  await client.send(new DescribeTableCommand({ TableName: tableName }));
  return 'created';
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string, attributeName: string): Promise<void> {
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true } }));
}
