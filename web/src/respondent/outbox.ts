/**
 * The respondent's outbox: every save goes through here, so that answers
 * survive a dropped signal, a killed tab or a closed browser.
 *
 * - The latest answers of each instrument are kept on the phone (IndexedDB,
 *   see phone-store.ts) as soon as they change, and removed once the server
 *   has them. Only unsent answers are ever on the phone, and only the latest
 *   ones per instrument. "Saved on this phone" shows only once the browser
 *   has committed them.
 * - The storage key is a SHA-256 of the token (SubtleCrypto), never the token
 *   itself, so storage holds nothing that works as a link. Where SubtleCrypto
 *   or IndexedDB is missing (plain-HTTP origins other than localhost, some
 *   private modes) nothing is written: the outbox then only lives as long as
 *   the page.
 * - Unsent answers go when the `online` event fires, after any successful
 *   request, on a backing-off timer, and when the link is opened again.
 * - A final submission that can't be sent now is kept and sent later; the
 *   server treats a repeated identical final submission as a no-op, so
 *   retrying it is safe.
 *
 * This module is on the first screen (the closing page and the reopen check
 * need it): keep it small and free of survey-core.
 */
import type { Language } from '../../../functions/contracts/common.js';
import type { Answers, OpenLinkResult, SaveResponseRequest, SaveResponseResult } from '../../../functions/contracts/respondent.js';
import { ApiProblem, NetworkProblem, saveResponse } from '../api';
import { indexedDbStore, type PhoneStore } from './phone-store';

export type Snapshot = { answers: Answers; language: Language; pageName?: string };

type Entry = Snapshot & {
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

/**
 * The calm status of one instrument: `local` is "saved on this phone, we'll
 * send it when you're back online"; `failed` is a refusal that retrying won't
 * fix (the next change sends newer answers).
 */
export type SaveState = 'idle' | 'saving' | 'saved' | 'local' | 'failed';

export type OutboxEvent =
  | { kind: 'state'; instrumentId: string; state: SaveState }
  /** This link or instrument can't take answers any more (closed, declined, already completed…). */
  | { kind: 'fatal'; instrumentId: string; problem: ApiProblem }
  /** A final submission was refused (e.g. 422): its answers are kept as a partial save, to be fixed. */
  | { kind: 'refused'; instrumentId: string; problem: unknown };

/** Errors that can go away by themselves. */
export function isTransient(error: unknown): boolean {
  if (error instanceof NetworkProblem) return true;
  if (error instanceof ApiProblem) return error.status >= 500 || error.status === 429 || error.status === 408;
  return false;
}

const FATAL = [
  'link_not_valid',
  'link_not_open_yet',
  'link_closed',
  'already_completed',
  'consent_required',
  'consent_declined',
];

/** Errors that mean this link or instrument can't take answers any more. */
export function isFatal(error: unknown): error is ApiProblem {
  return error instanceof ApiProblem && FATAL.includes(error.code);
}

const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;
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

type Send = (instrumentId: string, body: SaveResponseRequest, options: { keepalive: boolean }) => Promise<SaveResponseResult>;

async function storageKey(token: string): Promise<string | null> {
  try {
    if (!globalThis.crypto?.subtle) return null;
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`pont-outbox\n${token}`));
    return STORAGE_PREFIX + Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

export type Outbox = ReturnType<typeof createOutbox>;

export function createOutbox(
  token: string,
  send: Send = (id, body, options) => saveResponse(token, id, body, options),
  phone: PhoneStore = indexedDbStore,
  options: { readTimeoutMs?: number } = {},
) {
  let entries: Record<string, Entry> = {};
  /** The server's savedAt per instrument, as last heard. */
  const known: Record<string, string | null> = {};
  /** The stored response's revision per instrument, as last heard: each save builds on it. */
  const revisions: Record<string, number> = {};
  /** Conflicts in a row per instrument (another device saving at the same moment). */
  const conflicts: Record<string, number> = {};
  const states: Record<string, SaveState> = {};
  /** Instruments the server has as complete: nothing more is kept or sent for them. */
  const completed = new Set<string>();
  const inFlight = new Set<string>();
  const listeners = new Set<(event: OutboxEvent) => void>();
  /** Final submissions waiting for their first answer. */
  const waiters = new Map<string, { resolve(result: 'sent' | 'queued'): void; reject(error: unknown): void }>();
  let key: string | null = null;
  let rev = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = RETRY_FIRST_MS;
  /** When the phone last came back online (a send that started before then may have failed for nothing). */
  let onlineAt = 0;
  /** Listening for the phone coming back online (between `attach()` and its undo). */
  let attached = false;

  /** A write to the phone is on its way / another is needed after it / who waits for all of them. */
  let writing = false;
  let writeAgain = false;
  let onKept: Array<() => void> = [];

  const ready = storageKey(token).then(async (k) => {
    if (!k) return;
    const stored = await readWithin(phone.read(k), options.readTimeoutMs ?? READ_TIMEOUT_MS);
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

  /** Resolves once every change so far is kept on the phone (or could not be). */
  function kept(): Promise<void> {
    return writing ? new Promise((resolve) => onKept.push(resolve)) : Promise.resolve();
  }

  function emit(event: OutboxEvent) {
    if (event.kind === 'state') states[event.instrumentId] = event.state;
    for (const listener of listeners) listener(event);
  }

  function put(instrumentId: string, snap: Snapshot, complete: boolean) {
    if (completed.has(instrumentId)) return;
    entries[instrumentId] = {
      answers: snap.answers,
      language: snap.language,
      ...(snap.pageName ? { pageName: snap.pageName } : {}),
      complete,
      changedAt: new Date().toISOString(),
      baseSavedAt: known[instrumentId] ?? null,
      ...(inFlight.has(instrumentId) || entries[instrumentId]?.changedDuringSend ? { changedDuringSend: true } : {}),
      rev: ++rev,
    };
    persist();
  }

  function remove(instrumentId: string, ifRev?: number) {
    if (!entries[instrumentId] || (ifRev !== undefined && entries[instrumentId].rev !== ifRev)) return;
    delete entries[instrumentId];
    persist();
  }

  function scheduleRetry() {
    if (retryTimer !== undefined || !attached) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function settle(instrumentId: string, outcome: { result: 'sent' | 'queued' } | { error: unknown }) {
    const waiter = waiters.get(instrumentId);
    if (!waiter) return;
    waiters.delete(instrumentId);
    if ('result' in outcome) waiter.resolve(outcome.result);
    else waiter.reject(outcome.error);
  }

  function pump(instrumentId: string, keepalive = false) {
    const entry = entries[instrumentId];
    if (!entry || inFlight.has(instrumentId)) return;
    inFlight.add(instrumentId);
    const startedAt = Date.now();
    emit({ kind: 'state', instrumentId, state: 'saving' });
    const { answers, language, pageName, complete } = entry;
    let resend = false;
    const baseRevision = revisions[instrumentId] ?? 0;
    send(instrumentId, { answers, language, complete, baseRevision, ...(pageName ? { pageName } : {}) }, { keepalive })
      .then(
        (result) => {
          known[instrumentId] = result.savedAt;
          revisions[instrumentId] = result.revision;
          conflicts[instrumentId] = 0;
          if (complete) {
            completed.add(instrumentId);
            remove(instrumentId);
          } else {
            remove(instrumentId, entry.rev);
          }
          retryDelay = RETRY_FIRST_MS;
          if (complete) settle(instrumentId, { result: 'sent' });
          if (!entries[instrumentId]) emit({ kind: 'state', instrumentId, state: 'saved' });
          // The signal is back: send whatever else is waiting.
          clearTimeout(retryTimer);
          retryTimer = undefined;
          queueMicrotask(flush);
        },
        (error: unknown) => {
          if (isTransient(error)) {
            // "Saved on this phone" only once it is.
            void kept().then(() => {
              if (!entries[instrumentId] || inFlight.has(instrumentId)) return;
              emit({ kind: 'state', instrumentId, state: 'local' });
              // The final submission (this one, or a newer one behind it) is kept for later.
              if (entries[instrumentId].complete) settle(instrumentId, { result: 'queued' });
            });
            // Back online while this one was failing: try again straight away, not after the back-off.
            if (onlineAt >= startedAt) setTimeout(() => pump(instrumentId), 250);
            else scheduleRetry();
            return;
          }
          if (error instanceof ApiProblem && error.code === 'save_conflict' && error.revision !== undefined) {
            // Saved since from elsewhere, or by an older send of ours that landed late: these answers are
            // this device's latest, so they go again on top of the stored revision (a few times, then back off).
            revisions[instrumentId] = error.revision;
            conflicts[instrumentId] = (conflicts[instrumentId] ?? 0) + 1;
            if (conflicts[instrumentId] <= 3) resend = true;
            else scheduleRetry();
            return;
          }
          if (error instanceof ApiProblem && error.code === 'already_completed') {
            // Finished earlier (another tab or device): nothing left to send.
            completed.add(instrumentId);
            remove(instrumentId);
            if (complete) {
              settle(instrumentId, { result: 'sent' });
              emit({ kind: 'state', instrumentId, state: 'saved' });
            } else {
              emit({ kind: 'fatal', instrumentId, problem: error });
            }
            return;
          }
          if (isFatal(error)) {
            // Keep the answers only while they may still be wanted (consent not yet given).
            if (error.code !== 'consent_required') remove(instrumentId);
            emit({ kind: 'state', instrumentId, state: 'failed' });
            settle(instrumentId, { error });
            emit({ kind: 'fatal', instrumentId, problem: error });
            return;
          }
          // Refused (e.g. 422): the same answers would be refused again.
          if (complete && entries[instrumentId]?.rev === entry.rev) {
            // Keep them as a partial save, so nothing is lost while they're fixed.
            entries[instrumentId] = { ...entry, complete: false };
            persist();
          } else if (!complete) {
            remove(instrumentId, entry.rev);
          }
          emit({ kind: 'state', instrumentId, state: 'failed' });
          settle(instrumentId, { error });
          if (complete) emit({ kind: 'refused', instrumentId, problem: error });
        },
      )
      .finally(() => {
        inFlight.delete(instrumentId);
        // A newer change arrived while this one was on its way.
        const next = entries[instrumentId];
        if (next && (next.rev !== entry.rev || resend)) pump(instrumentId);
      });
  }

  function flush(keepalive = false) {
    for (const instrumentId of Object.keys(entries)) pump(instrumentId, keepalive);
  }

  const onOnline = () => {
    onlineAt = Date.now();
    clearTimeout(retryTimer);
    retryTimer = undefined;
    retryDelay = RETRY_FIRST_MS;
    flush();
  };

  return {
    /** Resolves once stored answers have been read. */
    ready,

    kept,

    /**
     * Reopening the link: answers kept on this phone replace the server's when
     * they are newer, and are sent again; older or unwanted ones are dropped.
     */
    async reconcile(link: OpenLinkResult): Promise<OpenLinkResult> {
      await ready;
      const instruments = link.instruments.map((instrument) => {
        const server = instrument.response;
        known[instrument.id] = server?.savedAt ?? null;
        revisions[instrument.id] = server?.revision ?? 0;
        if (server?.status === 'complete') completed.add(instrument.id);
        const entry = entries[instrument.id];
        if (!entry) return instrument;
        const localIsNewer =
          !server || server.savedAt === entry.baseSavedAt || entry.changedDuringSend === true || entry.changedAt > server.savedAt;
        if (server?.status === 'complete' || !localIsNewer) {
          remove(instrument.id);
          return instrument;
        }
        return {
          ...instrument,
          response: {
            answers: entry.answers,
            status: entry.complete ? ('complete' as const) : ('partial' as const),
            language: entry.language,
            savedAt: entry.changedAt,
            revision: server?.revision ?? 0,
            ...(entry.pageName ? { pageName: entry.pageName } : {}),
          },
        };
      });
      // Answers for instruments the link no longer shows (consent declined, wave changed) go.
      for (const id of Object.keys(entries)) {
        if (!link.instruments.some((i) => i.id === id)) remove(id);
      }
      flush();
      return { ...link, instruments };
    },

    /** Keep the answers on the phone without sending them yet (an answer changed). */
    stash(instrumentId: string, snap: Snapshot) {
      if (entries[instrumentId]?.complete) return;
      put(instrumentId, snap, false);
    },

    /** A partial save: keep, then send. `keepalive` lets it outlive a closing page. */
    save(instrumentId: string, snap: Snapshot, options: { keepalive?: boolean } = {}) {
      if (entries[instrumentId]?.complete) return;
      put(instrumentId, snap, false);
      pump(instrumentId, options.keepalive);
    },

    /** Send what is kept for this instrument now, if anything (the page is being hidden). */
    sendKept(instrumentId: string, options: { keepalive?: boolean } = {}) {
      pump(instrumentId, options.keepalive);
    },

    /**
     * The final submission. Resolves 'sent' once the server has it, or
     * 'queued' when it is kept on the phone to send later; rejects with the
     * server's refusal (422: check these answers; or a fatal ApiProblem).
     */
    submit(instrumentId: string, snap: Snapshot): Promise<'sent' | 'queued'> {
      if (completed.has(instrumentId)) return Promise.resolve('sent');
      put(instrumentId, snap, true);
      const result = new Promise<'sent' | 'queued'>((resolve, reject) => {
        waiters.get(instrumentId)?.resolve('queued');
        waiters.set(instrumentId, { resolve, reject });
      });
      // Sent now, or as soon as a partial already on its way has its answer.
      pump(instrumentId);
      return result;
    },

    /** Whether any answers are kept on this phone, not yet sent. */
    hasKept(): boolean {
      return Object.keys(entries).length > 0;
    },

    /** Final submissions kept on this phone, not yet sent. */
    unsentSubmissions(): number {
      return Object.values(entries).filter((entry) => entry.complete).length;
    },

    state(instrumentId: string): SaveState {
      return states[instrumentId] ?? 'idle';
    },

    subscribe(listener: (event: OutboxEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Try everything now (e.g. after another request succeeded). */
    flush,

    /** Forget every answer kept for this link (consent declined). */
    clear() {
      entries = {};
      persist();
    },

    /**
     * Start retrying on a timer and when the phone comes back online; returns
     * the undo (a React effect's cleanup, so StrictMode's re-run is fine).
     */
    attach(): () => void {
      attached = true;
      window.addEventListener('online', onOnline);
      flush();
      return () => {
        attached = false;
        clearTimeout(retryTimer);
        retryTimer = undefined;
        window.removeEventListener('online', onOnline);
      };
    },
  };
}
