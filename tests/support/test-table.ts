/**
 * Gives a test file its own table in the shared DynamoDB Local and points the
 * handlers' configuration at it. Call at the top of a file, before any handler
 * or storage module is used.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, inject } from 'vitest';
import { generateLocalSigningKeys } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import { identityTable, mainTable } from '../../functions/storage/table-definition.js';
import { ensureTable } from '../../infra/local/tables.js';

export type TestTable = {
  name: string;
  /** Every item in the table: for asserting that nothing was written. */
  scanAll: () => Promise<Record<string, unknown>[]>;
  getItem: (key: { PK: string; SK: string }) => Promise<Record<string, unknown> | undefined>;
  /** Writes an item as it is: for data shaped as an older version of Pont wrote it. */
  putItem: (item: Record<string, unknown>) => Promise<void>;
};

export function useTestTable(): TestTable {
  const endpoint = inject('dynamoEndpoint');
  const name = `test-${randomUUID()}`;
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );

  beforeAll(async () => {
    const keys = await generateLocalSigningKeys();
    Object.assign(process.env, {
      TABLE_NAME: name,
      IDENTITY_TABLE_NAME: `${name}-identity`,
      DYNAMODB_ENDPOINT: endpoint,
      AWS_REGION: 'eu-west-2',
      AUTH_MODE: 'local',
      LOCAL_JWT_PRIVATE_JWK: keys.privateJwk,
      LOCAL_JWT_PUBLIC_JWK: keys.publicJwk,
    });
    reloadConfig();
    await ensureTable(client as unknown as DynamoDBClient, mainTable, name);
    await ensureTable(client as unknown as DynamoDBClient, identityTable, `${name}-identity`);
  });

  return {
    name,
    scanAll: async () => {
      const items: Record<string, unknown>[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: name, ExclusiveStartKey, ConsistentRead: true }));
        items.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    },
    getItem: async (key) => (await client.send(new GetCommand({ TableName: name, Key: key, ConsistentRead: true }))).Item,
    putItem: async (item) => void (await client.send(new PutCommand({ TableName: name, Item: item }))),
  };
}
