/**
 * The outbox's store: the latest unsent answers of each instrument, in memory
 * and on the phone (phone-store.ts). The phone gets them under a hash of the
 * token, never the token itself, so storage holds nothing that works as a link.
 */
import type { Language } from '../../../../functions/contracts/common.js';
import type { Answers } from '../../../../functions/contracts/respondent.js';
import type { PhoneStore } from '../phone-store';

export type Snapshot = { answers: Answers; language: Language; pageName?: string };

export type Entry = Snapshot & {
  complete: boolean;
  /** When the answers changed, by this device's clock. */
  changedAt: string;
  /** The server's savedAt this device knew of when the change was made (null: none). */
  baseSavedAt: string | null;
  /**
   * Changed while an earlier send of this device was on its way: the server may
   * then hold a savedAt later than baseSavedAt that is only that older send's
   * (a slow save landing after the tab was closed), so it must not win.
   */
  changedDuringSend?: boolean;
  /** Bumped at every change, so an answer to an older send doesn't remove a newer entry. */
  rev: number;
};

const STORAGE_PREFIX = 'pont.outbox.';

/** How long the page waits for answers kept on the phone before it carries on without them. */
const READ_TIMEOUT_MS = 2_000;
const UNREADABLE = Symbol('unreadable');

function readWithin(read: Promise<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(UNREADABLE), ms);
    read.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(UNREADABLE);
      },
    );
  });
}

async function storageKey(token: string): Promise<string | null> {
  try {
    if (!globalThis.crypto?.subtle) return null;
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`pont-outbox\n${token}`));
    return STORAGE_PREFIX + Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

export type AnswerStore = ReturnType<typeof createAnswerStore>;

export function createAnswerStore(token: string, phone: PhoneStore, readTimeoutMs = READ_TIMEOUT_MS) {
  let entries: Record<string, Entry> = {};
  let key: string | null = null;
  let rev = 0;

  /** A write to the phone is on its way / another is needed after it / who waits for all of them. */
  let writing = false;
  let writeAgain = false;
  let onKept: Array<() => void> = [];

  const ready = storageKey(token).then(async (k) => {
    if (!k) return;
    const stored = await readWithin(phone.read(k), readTimeoutMs);
    // Unreadable or too slow (some Safari versions' IndexedDB open never answers): this page keeps its
    // answers in memory only, and leaves whatever the phone holds untouched for the next visit.
    if (stored === UNREADABLE) return;
    key = k;
    // Anything changed before the stored answers were read wins over them.
    entries = { ...(stored && typeof stored === 'object' ? (stored as Record<string, Entry>) : {}), ...entries };
    for (const entry of Object.values(entries)) rev = Math.max(rev, entry.rev);
    persist();
  });

  /** Keep the entries on the phone: one write at a time, the latest entries each time. */
  function persist() {
    if (!key) return;
    if (writing) {
      writeAgain = true;
      return;
    }
    writing = true;
    phone
      .write(key, Object.keys(entries).length === 0 ? null : { ...entries })
      // Storage full or blocked (private browsing): the outbox still works in memory.
      .catch(() => undefined)
      .then(() => {
        writing = false;
        if (writeAgain) {
          writeAgain = false;
          persist();
          return;
        }
        const waiting = onKept;
        onKept = [];
        for (const resolve of waiting) resolve();
      });
  }

  return {
    /** Resolves once stored answers have been read. */
    ready,

    /** Resolves once every change so far is kept on the phone (or could not be). */
    kept(): Promise<void> {
      return writing ? new Promise((resolve) => onKept.push(resolve)) : Promise.resolve();
    },

    get: (instrumentId: string): Entry | undefined => entries[instrumentId],

    instrumentIds: () => Object.keys(entries),

    /** `baseSavedAt` and `duringSend`: what the sender knew of the server when the answers changed. */
    put(instrumentId: string, snap: Snapshot, complete: boolean, baseSavedAt: string | null, duringSend: boolean) {
      entries[instrumentId] = {
        answers: snap.answers,
        language: snap.language,
        ...(snap.pageName ? { pageName: snap.pageName } : {}),
        complete,
        changedAt: new Date().toISOString(),
        baseSavedAt,
        ...(duringSend || entries[instrumentId]?.changedDuringSend ? { changedDuringSend: true } : {}),
        rev: ++rev,
      };
      persist();
    },

    /** `ifRev`: only if no newer answers replaced the ones sent. */
    remove(instrumentId: string, ifRev?: number) {
      if (!entries[instrumentId] || (ifRev !== undefined && entries[instrumentId].rev !== ifRev)) return;
      delete entries[instrumentId];
      persist();
    },

    /** A refused final submission stays as a partial save, so nothing is lost while it is fixed (unless newer answers replaced it). */
    keepAsPartial(instrumentId: string, entry: Entry) {
      if (entries[instrumentId]?.rev !== entry.rev) return;
      entries[instrumentId] = { ...entry, complete: false };
      persist();
    },

    /** Whether any answers are kept on this phone, not yet sent. */
    hasKept(): boolean {
      return Object.keys(entries).length > 0;
    },

    /** Final submissions kept on this phone, not yet sent. */
    unsentSubmissions(): number {
      return Object.values(entries).filter((entry) => entry.complete).length;
    },

    /** Forget every answer kept for this link (consent declined). */
    clear() {
      entries = {};
      persist();
    },
  };
}
