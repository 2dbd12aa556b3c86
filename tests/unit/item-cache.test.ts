/** The container-level item cache: what it keeps, for how long, and how much. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reloadConfig } from '../../functions/config.js';
import { itemCache } from '../../functions/storage/item-cache.js';

// Each test file has its own module state: the configuration read here stays in this file.
const saved = { ...process.env };
beforeEach(() => {
  process.env = { ...saved, TABLE_NAME: 'PontTable', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' };
  reloadConfig();
});
afterEach(() => {
  process.env = { ...saved };
  vi.useRealTimers();
});

const loader = <T>(value: T | undefined) => vi.fn(async () => value);

describe('itemCache', () => {
  it('loads an item once and serves it from memory until it expires', async () => {
    vi.useFakeTimers();
    const cache = itemCache<{ name: string }>({ ttlMs: 1_000, maxEntries: 10 });
    const load = loader({ name: 'wave' });

    expect(await cache.get('k', load)).toEqual({ name: 'wave' });
    expect(await cache.get('k', load)).toEqual({ name: 'wave' });
    expect(load).toHaveBeenCalledTimes(1);

    vi.advanceTimersByTime(1_001);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps nothing for an item that was not found, so one created a moment later is found', async () => {
    const cache = itemCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    expect(await cache.get('k', loader<string>(undefined))).toBeUndefined();
    expect(await cache.get('k', loader('now there'))).toBe('now there');
  });

  it('serves what remember() was given without loading, frozen', async () => {
    const cache = itemCache<{ waveId: string }>({ ttlMs: 60_000, maxEntries: 10 });
    cache.remember('token-hash', { waveId: 'baseline' });
    const load = loader({ waveId: 'other' });

    const served = await cache.get('token-hash', load);

    expect(served).toEqual({ waveId: 'baseline' });
    expect(load).not.toHaveBeenCalled();
    expect(Object.isFrozen(served)).toBe(true);
  });

  it('keeps items apart per table and DynamoDB endpoint', async () => {
    const cache = itemCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    cache.remember('k', 'from the first DynamoDB Local');
    process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9000';
    reloadConfig();

    expect(await cache.get('k', loader('from the second'))).toBe('from the second');
  });

  it('never holds more than its bound: the oldest entries go first', async () => {
    const cache = itemCache<number>({ ttlMs: 60_000, maxEntries: 4 });
    for (let i = 0; i < 10; i += 1) cache.remember(`k${i}`, i);
    const load = loader(-1);

    expect(await cache.get('k9', load)).toBe(9);
    expect(await cache.get('k0', load)).toBe(-1);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
