/**
 * The prices the bench computes the cost per 1,000 surveys with
 * (bench/aws-prices.json) are the ones docs/aws.md shows: a price changed in
 * one place only fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_PRICES, costPer1000, edgeCostPer1000 } from '../../bench/cost.js';

const docs = readFileSync(join(import.meta.dirname, '../../docs/aws.md'), 'utf8');

describe('the price table', () => {
  it.each(Object.entries(AWS_PRICES.prices))('shows %s in docs/aws.md', (_, { price }) => {
    expect(docs).toContain(`$${price.toFixed(Math.max(2, String(price).split('.')[1]?.length ?? 0))}`);
  });

  it('prices a counted survey line by line: 10 API requests and 2 from the edge cache, 100 write and 20 read units, 50 KB, 500 ms, and a 300 KB web visit of 8 requests', () => {
    const p = (name: string) => AWS_PRICES.prices[name]!.price;
    const expected =
      1000 * 0.5 * 0.5 * p('lambdaPerGbSecond') +
      (10_000 / 1e6) * (p('lambdaPerMillionRequests') + p('httpApiPerMillionRequests')) +
      (100_000 / 1e6) * p('dynamoPerMillionWriteUnits') +
      (20_000 / 1e6) * p('dynamoPerMillionReadUnits') +
      (350_000_000 / 1e9) * p('cloudFrontPerGbOut') +
      (20_000 / 1e4) * p('cloudFrontPer10kRequests') +
      (20_000 / 1e6) * p('wafPerMillionRequests') +
      ((10_000 * 600) / 1e9) * p('logsPerGbIngested');
    const tally = { requests: 10, cachedRequests: 2, readUnits: 20, writeUnits: 100, bytesOut: 50_000, lambdaMs: 500 };
    const counted = costPer1000(tally, { requests: 8, bytes: 300_000 });
    expect(counted).toBeCloseTo(expected, 12);
    const edge = (350_000_000 / 1e9) * p('cloudFrontPerGbOut') + (20_000 / 1e4) * p('cloudFrontPer10kRequests') + (20_000 / 1e6) * p('wafPerMillionRequests');
    expect(edgeCostPer1000(tally, { requests: 8, bytes: 300_000 })).toBeCloseTo(edge, 12);
  });
});
