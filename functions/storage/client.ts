/** One DynamoDB document client per container, created on first use. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { config, type Config } from '../config.js';

let documentClient: DynamoDBDocumentClient | undefined;
let clientConfig: Config | undefined;

export function db(): DynamoDBDocumentClient {
  if (!documentClient || clientConfig !== config()) {
    documentClient?.destroy();
    clientConfig = config();
    const { DYNAMODB_ENDPOINT, AWS_REGION } = clientConfig;
    const client = new DynamoDBClient({
      region: AWS_REGION,
      ...(DYNAMODB_ENDPOINT
        ? {
            endpoint: DYNAMODB_ENDPOINT,
            // DynamoDB Local ignores credentials (sharedDb), but the SDK insists on some.
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }
        : {}),
    });
    documentClient = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }
  return documentClient;
}

export function tableName(): string {
  return config().TABLE_NAME;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Every item a query matches, following pagination. */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'> & { TableName?: string }): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await db().send(new QueryCommand({ TableName: tableName(), ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
