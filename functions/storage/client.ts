/** One DynamoDB document client per container, created on first use. */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { config, type Config } from '../config.js';

let documentClient: DynamoDBDocumentClient | undefined;
let clientConfig: Config | undefined;

export function db(): DynamoDBDocumentClient {
  if (!documentClient || clientConfig !== config()) {
    documentClient?.destroy();
    clientConfig = config();
    const { DYNAMODB_ENDPOINT, AWS_REGION } = clientConfig;
    const client = new DynamoDBClient({ region: AWS_REGION, ...(DYNAMODB_ENDPOINT ? dynamoDbLocal(DYNAMODB_ENDPOINT) : {}) });
    // The SDK's logger step copies every request's input (answers included) for a logger, even a no-op
    // one: nothing of a respondent's may reach a log, and the copy cost ~0.08 ms of CPU a call.
    client.middlewareStack.remove('loggerMiddleware');
    documentClient = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }
  return documentClient;
}

/**
 * DynamoDB Local on this machine. It wants an Authorization header but checks
 * no signature (and, with sharedDb, ignores the key), so requests carry a
 * fixed one instead of being signed: SigV4 (a canonical request, a SHA-256 of
 * the body, four HMACs) was a third of the SDK's own CPU per call, about
 * 0.2 ms, on every respondent request of the embedded platform. Only for an
 * endpoint set explicitly, which config() allows in embedded mode and tests:
 * in AWS, every request is signed as usual.
 */
function dynamoDbLocal(endpoint: string): DynamoDBClientConfig {
  type Request = { headers: Record<string, string> };
  return {
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    httpAuthSchemes: [
      {
        schemeId: DYNAMODB_LOCAL_AUTH,
        identityProvider: () => async () => ({}),
        signer: {
          sign: async <R>(request: R) => {
            (request as Request).headers.authorization = DYNAMODB_LOCAL_AUTHORIZATION;
            return request;
          },
        },
      },
    ],
    httpAuthSchemeProvider: () => [{ schemeId: DYNAMODB_LOCAL_AUTH }],
  };
}

export const DYNAMODB_LOCAL_AUTH = 'pont#dynamodb-local';
const DYNAMODB_LOCAL_AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=local/20120810/local/dynamodb/aws4_request, SignedHeaders=host, Signature=unsigned';

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

/**
 * Up to `limit` items a query matches, from after `startKey`: a page of a
 * list route. DynamoDB's own pages end at 1 MB, so it reads on until the page
 * is full or nothing is left; `lastKey` is where it stopped when more may follow.
 */
export async function queryUpTo(
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
  page: { limit: number; startKey?: Record<string, unknown> | undefined },
): Promise<{ items: Record<string, unknown>[]; lastKey?: Record<string, unknown> }> {
  const items: Record<string, unknown>[] = [];
  let startKey = page.startKey;
  do {
    const result: QueryCommandOutput = await db().send(
      new QueryCommand({ TableName: tableName(), ...input, Limit: page.limit - items.length, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey && items.length < page.limit);
  return { items, ...(startKey ? { lastKey: startKey } : {}) };
}
