/**
 * What DynamoDB Local reports as consumed capacity, which the cost bench
 * (bench/cost.ts) counts as it is: a transactional write already at twice a
 * standard write's units, a ConditionCheck at nothing (the bench adds it as a
 * transactional read, bench/aws-prices.json). If DynamoDB Local changes how
 * it reports, the bench would count wrongly: this fails first.
 */
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { AWS_PRICES } from '../../bench/cost.js';
import { db, tableName } from '../../functions/storage/client.js';
import { useTestTable } from '../support/test-table.js';

useTestTable();

const small = (sk: string) => ({ PK: 'CAPACITY', SK: sk, note: 'under 1 KB' });
const unitsOf = (consumed: unknown) => [consumed].flat().reduce((sum: number, c) => sum + ((c as { CapacityUnits?: number } | undefined)?.CapacityUnits ?? 0), 0);

describe('capacity units as DynamoDB Local reports them', () => {
  it('reports a standard Put of a small item as 1 write unit', async () => {
    const { ConsumedCapacity } = await db().send(new PutCommand({ TableName: tableName(), Item: small('standard'), ReturnConsumedCapacity: 'TOTAL' }));
    expect(unitsOf(ConsumedCapacity)).toBe(1);
  });

  it('reports a transactional Put at 2 units, already doubled, and a ConditionCheck beside it at nothing', async () => {
    await db().send(new PutCommand({ TableName: tableName(), Item: small('checked') }));
    const put = await db().send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tableName(), Item: small('tx-1') } }], ReturnConsumedCapacity: 'TOTAL' }));
    const putAndCheck = await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: small('tx-2') } },
          { ConditionCheck: { TableName: tableName(), Key: { PK: 'CAPACITY', SK: 'checked' }, ConditionExpression: 'attribute_exists(PK)' } },
        ],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );

    expect(unitsOf(put.ConsumedCapacity)).toBe(2);
    expect(unitsOf(putAndCheck.ConsumedCapacity)).toBe(2);
    // So the bench adds the check itself, as DynamoDB charges it.
    expect(AWS_PRICES.assumptions['conditionCheckReadUnits']!.value).toBe(2);
  });
});
