/**
 * Best-effort saving of one instrument's answers.
 *
 * - `saveNow()` sends a partial save of the current answers (on page change).
 *   Saves never overlap: while one is in flight, the newest snapshot waits
 *   and earlier unsent snapshots are dropped.
 * - A save that fails for a passing reason (offline, timeout, 5xx, 429) is
 *   retried with back-off, and at once when the browser comes back online.
 * - `flushOnHide()` saves unsaved changes with `keepalive` when the page is
 *   hidden (phone users often just switch app or close the tab).
 * - `complete()` waits for any partial save, then sends the final submission
 *   and lets the caller handle its outcome (422, 409, offline…).
 *
 * No survey-core and no React in here, so it can be unit-tested on its own
 * (it needs `window` only for the `online` event).
 */
import type { Language } from '../../../functions/contracts/common.js';
import type { Answers, SaveResponseRequest, SaveResponseResult } from '../../../functions/contracts/respondent.js';
import { ApiProblem, NetworkProblem } from '../api';

export type SaveState = 'idle' | 'saving' | 'saved' | 'failed';

export type Snapshot = { answers: Answers; language: Language };

export type SaverOptions = {
  /** Send one request. */
  send(body: SaveResponseRequest, options: { keepalive: boolean }): Promise<SaveResponseResult>;
  /** The answers and language as they are now. */
  snapshot(): Snapshot;
  /** Progress for the calm status text. */
  onState(state: SaveState): void;
  /** A partial save hit a problem that retrying won't fix (link closed, already submitted…). */
  onFatal(problem: ApiProblem): void;
};

/** Errors that can go away by themselves. */
export function isTransient(error: unknown): boolean {
  if (error instanceof NetworkProblem) return true;
  if (error instanceof ApiProblem) return error.status >= 500 || error.status === 429 || error.status === 408;
  return false;
}

/** Errors that mean this link or instrument can't take answers any more. */
export function isFatal(error: unknown): error is ApiProblem {
  return (
    error instanceof ApiProblem &&
    ['link_not_valid', 'link_not_open_yet', 'link_closed', 'already_completed'].includes(error.code)
  );
}

const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;

export type Saver = ReturnType<typeof createSaver>;

export function createSaver(options: SaverOptions) {
  let queued: { snap: Snapshot; keepalive: boolean } | null = null;
  let inFlight: Promise<void> | null = null;
  let dirty = false;
  let completing = false;
  let stopped = false;
  let waitingToRetry = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = RETRY_FIRST_MS;

  function retryNow() {
    clearTimeout(retryTimer);
    waitingToRetry = false;
    pump();
  }

  const onOnline = () => {
    if (waitingToRetry) retryNow();
  };
  window.addEventListener('online', onOnline);

  function enqueue(keepalive: boolean) {
    if (stopped || completing) return;
    queued = { snap: options.snapshot(), keepalive };
    dirty = false;
    retryNow();
  }

  function pump() {
    if (inFlight || !queued || stopped || completing) return;
    const job = queued;
    queued = null;
    options.onState('saving');
    inFlight = options
      .send({ ...job.snap, complete: false }, { keepalive: job.keepalive })
      .then(
        () => {
          retryDelay = RETRY_FIRST_MS;
          if (!queued && !completing && !stopped) options.onState('saved');
        },
        (error: unknown) => {
          if (stopped || completing) return;
          if (isFatal(error)) {
            stopped = true;
            queued = null;
            options.onFatal(error);
            return;
          }
          options.onState('failed');
          if (isTransient(error)) {
            if (!queued) queued = { snap: job.snap, keepalive: false };
            waitingToRetry = true;
            retryTimer = setTimeout(retryNow, retryDelay);
            retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
          } else {
            // e.g. 422 on a partial save: sending the same answers again won't
            // help; the next page change (or hiding the page) sends newer ones.
            dirty = true;
          }
        },
      )
      .finally(() => {
        inFlight = null;
        // A newer snapshot arrived while this one was in flight.
        if (!waitingToRetry) pump();
      });
  }

  return {
    /** Partial save of the current answers (on page change). */
    saveNow() {
      enqueue(false);
    },
    /** An answer changed since the last save. */
    markDirty() {
      dirty = true;
    },
    /** The page is being hidden or closed: save if anything is unsaved. */
    flushOnHide() {
      if (dirty || queued) enqueue(true);
    },
    /** Final submission. Rejects with ApiProblem/NetworkProblem; call `resume()` after a failure. */
    async complete(): Promise<SaveResponseResult> {
      completing = true;
      clearTimeout(retryTimer);
      waitingToRetry = false;
      queued = null;
      dirty = false;
      if (inFlight) await inFlight;
      return options.send({ ...options.snapshot(), complete: true }, { keepalive: false });
    },
    /** The final submission failed: go back to saving partials. */
    resume() {
      completing = false;
      dirty = true;
      retryDelay = RETRY_FIRST_MS;
    },
    dispose() {
      stopped = true;
      clearTimeout(retryTimer);
      window.removeEventListener('online', onOnline);
    },
  };
}
