/**
 * The outbox's sender: sends one instrument's kept answers and acts on the
 * server's answer. Kept answers go once the server has them; without a signal
 * they stay for the scheduler; on a conflict they go again on top of the
 * stored revision; a refusal drops them, or keeps a final submission as a
 * partial save. A final submission can be sent again safely: the server
 * treats a repeated identical one as a no-op.
 */
import type { SaveResponseRequest, SaveResponseResult } from '../../../../functions/contracts/respondent.js';
import { ApiProblem, NetworkProblem } from '../../api';
import type { RetryScheduler } from './scheduler';
import type { AnswerStore } from './store';

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

export type Send = (instrumentId: string, body: SaveResponseRequest, options: { keepalive: boolean }) => Promise<SaveResponseResult>;

export type Sender = ReturnType<typeof createSender>;

export function createSender(send: Send, store: AnswerStore, scheduler: RetryScheduler, emit: (event: OutboxEvent) => void) {
  /** The server's savedAt per instrument, as last heard. */
  const known: Record<string, string | null> = {};
  /** The stored response's revision per instrument, as last heard: each save builds on it. */
  const revisions: Record<string, number> = {};
  /** Conflicts in a row per instrument (another device saving at the same moment). */
  const conflicts: Record<string, number> = {};
  /** Instruments the server has as complete: nothing more is kept or sent for them. */
  const completed = new Set<string>();
  const inFlight = new Set<string>();
  /** Final submissions waiting for their first answer. */
  const waiters = new Map<string, { resolve(result: 'sent' | 'queued'): void; reject(error: unknown): void }>();

  function settle(instrumentId: string, outcome: { result: 'sent' | 'queued' } | { error: unknown }) {
    const waiter = waiters.get(instrumentId);
    if (!waiter) return;
    waiters.delete(instrumentId);
    if ('result' in outcome) waiter.resolve(outcome.result);
    else waiter.reject(outcome.error);
  }

  function pump(instrumentId: string, keepalive = false) {
    const entry = store.get(instrumentId);
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
            store.remove(instrumentId);
          } else {
            store.remove(instrumentId, entry.rev);
          }
          if (complete) settle(instrumentId, { result: 'sent' });
          if (!store.get(instrumentId)) emit({ kind: 'state', instrumentId, state: 'saved' });
          scheduler.gotThrough();
        },
        (error: unknown) => {
          if (isTransient(error)) {
            // "Saved on this phone" only once it is.
            void store.kept().then(() => {
              if (!store.get(instrumentId) || inFlight.has(instrumentId)) return;
              emit({ kind: 'state', instrumentId, state: 'local' });
              // The final submission (this one, or a newer one behind it) is kept for later.
              if (store.get(instrumentId)?.complete) settle(instrumentId, { result: 'queued' });
            });
            scheduler.noSignal(startedAt, () => pump(instrumentId));
            return;
          }
          if (error instanceof ApiProblem && error.code === 'save_conflict' && error.revision !== undefined) {
            // Saved since from elsewhere, or by an older send of ours that landed late: these answers are
            // this device's latest, so they go again on top of the stored revision (a few times, then back off).
            revisions[instrumentId] = error.revision;
            conflicts[instrumentId] = (conflicts[instrumentId] ?? 0) + 1;
            if (conflicts[instrumentId] <= 3) resend = true;
            else scheduler.retryLater();
            return;
          }
          if (error instanceof ApiProblem && error.code === 'already_completed') {
            // Finished earlier (another tab or device): nothing left to send.
            completed.add(instrumentId);
            store.remove(instrumentId);
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
            if (error.code !== 'consent_required') store.remove(instrumentId);
            emit({ kind: 'state', instrumentId, state: 'failed' });
            settle(instrumentId, { error });
            emit({ kind: 'fatal', instrumentId, problem: error });
            return;
          }
          // Refused (e.g. 422): the same answers would be refused again.
          if (complete) store.keepAsPartial(instrumentId, entry);
          else store.remove(instrumentId, entry.rev);
          emit({ kind: 'state', instrumentId, state: 'failed' });
          settle(instrumentId, { error });
          if (complete) emit({ kind: 'refused', instrumentId, problem: error });
        },
      )
      .finally(() => {
        inFlight.delete(instrumentId);
        // A newer change arrived while this one was on its way.
        const next = store.get(instrumentId);
        if (next && (next.rev !== entry.rev || resend)) pump(instrumentId);
      });
  }

  return {
    /** Send what is kept for this instrument, unless a send of it is already on its way. */
    pump,
    known,
    revisions,
    completed,
    inFlight,

    /** The first answer to this instrument's final submission; a newer submission answers an older one's wait with 'queued'. */
    awaitSubmission(instrumentId: string): Promise<'sent' | 'queued'> {
      return new Promise((resolve, reject) => {
        waiters.get(instrumentId)?.resolve('queued');
        waiters.set(instrumentId, { resolve, reject });
      });
    },
  };
}
