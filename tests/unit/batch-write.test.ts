/** Sending BatchWriteItem requests again until DynamoDB has processed them all. */
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_ATTEMPTS, writeUntilProcessed, type RequestsByTable } from '../../cli/batch-write.js';

const noPause = async () => {};

describe('writing a batch until every request is processed', () => {
  it('sends again only what came back unprocessed, with a growing pause, until nothing is left', async () => {
    const sent: RequestsByTable<string>[] = [];
    const pauses: number[] = [];
    const unprocessed: (RequestsByTable<string> | undefined)[] = [{ main: ['b', 'c'], identity: [] }, { main: ['c'] }, undefined];

    await writeUntilProcessed({ main: ['a', 'b', 'c'], identity: ['x'] }, async (requests) => (sent.push(requests), unprocessed.shift()), () => new Error('gave up'), async (ms) => pauses.push(ms));

    expect(sent).toEqual([{ main: ['a', 'b', 'c'], identity: ['x'] }, { main: ['b', 'c'] }, { main: ['c'] }]);
    expect(pauses).toHaveLength(2);
    for (const [i, ms] of pauses.entries()) expect(ms).toBeLessThanOrEqual(50 * 2 ** (i + 1));
  });

  it('gives up after a fixed number of attempts, saying how many requests were left', async () => {
    let calls = 0;
    const refuseAll = async (requests: RequestsByTable<string>) => (calls++, requests);

    await expect(writeUntilProcessed({ main: ['a', 'b'] }, refuseAll, (left) => new Error(`${left} left`), noPause)).rejects.toThrow('2 left');
    expect(calls).toBe(MAX_BATCH_ATTEMPTS);
  });

  it('sends nothing when there is nothing to write', async () => {
    let calls = 0;
    await writeUntilProcessed({ main: [] }, async () => (calls++, undefined), () => new Error('gave up'), noPause);
    expect(calls).toBe(0);
  });
});
