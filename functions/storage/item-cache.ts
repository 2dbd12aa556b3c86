/**
 * A container-level cache for items that are written once and never updated
 * (a study, a wave, a consent text, what a link token points to): every
 * personal-link request needs them, and each read saved is a DynamoDB round
 * trip off the respondent's request. An item that can be deleted (a revoked
 * token) may still be served from here after it is gone: whoever uses such an
 * entry checks, in its own write, that the item is still there.
 *
 * - Only found items are kept: something created a moment ago is never hidden
 *   behind a cached "not found".
 * - Entries live `ttlMs` at most, so if such an item ever becomes changeable a
 *   container serves the old version for seconds, not for its lifetime.
 * - Concurrent misses for the same key share one read (64 respondents arriving
 *   at a fresh container make one GetItem, not 64).
 * - Keys are scoped to the configured table and endpoint: the embedded platform
 *   and the tests restart DynamoDB Local inside one process, with other data.
 * - Values are deep-frozen: requests share them, so a handler that changed one
 *   would change it for every later request; frozen, it fails at once instead.
 */
import { config } from '../config.js';

type Entry<T> = { value: Promise<T | undefined>; expiresAt: number };

export type ItemCache<T> = {
  get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /** Keeps an item read elsewhere, as if `get` had loaded it now. */
  remember(key: string, item: T): void;
};

/** Every cache made here, so that all can be emptied at once. */
const allEntries = new Set<Map<string, Entry<unknown>>>();

/**
 * Empties every cache of this process: after the embedded platform's tables
 * were replaced by a restore (cli/backup.ts), a cached item may no longer be
 * the stored one. Never needed in Lambda, where nothing replaces a table.
 */
export function forgetCachedItems(): void {
  for (const entries of allEntries) entries.clear();
}

export function itemCache<T>(options: { ttlMs: number; maxEntries: number }): ItemCache<T> {
  const entries = new Map<string, Entry<T>>();
  allEntries.add(entries as Map<string, Entry<unknown>>);
  const scope = (key: string) => {
    const { TABLE_NAME, DYNAMODB_ENDPOINT } = config();
    return `${DYNAMODB_ENDPOINT ?? ''}|${TABLE_NAME}|${key}`;
  };
  const store = (scoped: string, value: Promise<T | undefined>, now: number) => {
    if (entries.size >= options.maxEntries) {
      // Maps keep insertion order: drop the oldest entries (expired first, in practice).
      for (const old of entries.keys()) {
        entries.delete(old);
        if (entries.size < options.maxEntries / 2) break;
      }
    }
    // Delete then set, so the Map's insertion order stays the order of expiry.
    entries.delete(scoped);
    entries.set(scoped, { value, expiresAt: now + options.ttlMs });
  };
  return {
    get(key, load) {
      const scoped = scope(key);
      const now = Date.now();
      const cached = entries.get(scoped);
      if (cached && cached.expiresAt > now) return cached.value;
      const forget = () => {
        if (entries.get(scoped)?.value === value) entries.delete(scoped);
      };
      const value: Promise<T | undefined> = load().then(
        (item) => {
          if (item === undefined) forget();
          return item === undefined ? item : deepFreeze(item);
        },
        (error: unknown) => {
          forget();
          throw error;
        },
      );
      store(scoped, value, now);
      return value;
    },
    remember(key, item) {
      store(scope(key), Promise.resolve(deepFreeze(item)), Date.now());
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
