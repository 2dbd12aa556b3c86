/** The embedded platform's tables, made from the one table definition. */
import { randomUUID } from 'node:crypto';
import { DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { identityTable } from '../../functions/storage/table-definition.js';
import { ensureTable } from '../../infra/local/tables.js';

const client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const ttlOf = async (TableName: string) => (await client.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription;

describe('ensureTable', () => {
  it('turns on the TTL a data folder’s existing table lacks, without touching its items', async () => {
    // Arrange: the identity table as Pont made it before the contact history's TTL.
    const name = `old-identity-${randomUUID()}`;
    const { timeToLiveAttribute: _ttl, ...withoutTtl } = identityTable;
    expect(await ensureTable(client, withoutTtl, name)).toBe('created');
    expect((await ttlOf(name))?.TimeToLiveStatus).not.toBe('ENABLED');

    // Act
    const outcome = await ensureTable(client, identityTable, name);

    // Assert
    expect(outcome).toBe('existed');
    expect(await ttlOf(name)).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });
});
