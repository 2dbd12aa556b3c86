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
 * Each job has a module of its own, so that each can be read and changed on
 * its own: outbox/store.ts keeps the answers, outbox/sender.ts sends them and
 * acts on the server's answer, outbox/scheduler.ts decides when to try again.
 * This file joins them; the pages import only this file.
 *
 * This module is on the first screen (the reopen check and the problem page
 * need it): keep it small and free of survey-core.
 */
import type { OpenLinkResult } from '../../../functions/contracts/respondent.js';
import { saveResponse } from '../api';
import { createRetryScheduler } from './outbox/scheduler';
import { createSender, type OutboxEvent, type SaveState, type Send } from './outbox/sender';
import { createAnswerStore, type Snapshot } from './outbox/store';
import { indexedDbStore, type PhoneStore } from './phone-store';

export { isFatal, isTransient, type OutboxEvent, type SaveState } from './outbox/sender';
export type { Snapshot } from './outbox/store';

export type Outbox = ReturnType<typeof createOutbox>;

export function createOutbox(
  token: string,
  send: Send = (id, body, options) => saveResponse(token, id, body, options),
  phone: PhoneStore = indexedDbStore,
  options: { readTimeoutMs?: number } = {},
) {
  const states: Record<string, SaveState> = {};
  const listeners = new Set<(event: OutboxEvent) => void>();
  const store = createAnswerStore(token, phone, options.readTimeoutMs);
  const scheduler = createRetryScheduler(flush);
  const sender = createSender(send, store, scheduler, emit);

  function emit(event: OutboxEvent) {
    if (event.kind === 'state') states[event.instrumentId] = event.state;
    for (const listener of listeners) listener(event);
  }

  function put(instrumentId: string, snap: Snapshot, complete: boolean) {
    if (sender.completed.has(instrumentId)) return;
    store.put(instrumentId, snap, complete, sender.known[instrumentId] ?? null, sender.inFlight.has(instrumentId));
  }

  function flush(keepalive = false) {
    for (const instrumentId of store.instrumentIds()) sender.pump(instrumentId, keepalive);
  }

  return {
    ready: store.ready,

    kept: store.kept,

    /**
     * Reopening the link: answers kept on this phone replace the server's when
     * they are newer, and are sent again; older or unwanted ones are dropped.
     */
    async reconcile(link: OpenLinkResult): Promise<OpenLinkResult> {
      await store.ready;
      const instruments = link.instruments.map((instrument) => {
        const server = instrument.response;
        sender.known[instrument.id] = server?.savedAt ?? null;
        sender.revisions[instrument.id] = server?.revision ?? 0;
        if (server?.status === 'complete') sender.completed.add(instrument.id);
        const entry = store.get(instrument.id);
        if (!entry) return instrument;
        const localIsNewer =
          !server || server.savedAt === entry.baseSavedAt || entry.changedDuringSend === true || entry.changedAt > server.savedAt;
        if (server?.status === 'complete' || !localIsNewer) {
          store.remove(instrument.id);
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
      for (const id of store.instrumentIds()) {
        if (!link.instruments.some((i) => i.id === id)) store.remove(id);
      }
      flush();
      return { ...link, instruments };
    },

    /** Keep the answers on the phone without sending them yet (an answer changed). */
    stash(instrumentId: string, snap: Snapshot) {
      if (store.get(instrumentId)?.complete) return;
      put(instrumentId, snap, false);
    },

    /** A partial save: keep, then send. `keepalive` lets it outlive a closing page. */
    save(instrumentId: string, snap: Snapshot, options: { keepalive?: boolean } = {}) {
      if (store.get(instrumentId)?.complete) return;
      put(instrumentId, snap, false);
      sender.pump(instrumentId, options.keepalive);
    },

    /** Send what is kept for this instrument now, if anything (the page is being hidden). */
    sendKept(instrumentId: string, options: { keepalive?: boolean } = {}) {
      sender.pump(instrumentId, options.keepalive);
    },

    /**
     * The final submission. Resolves 'sent' once the server has it, or
     * 'queued' when it is kept on the phone to send later; rejects with the
     * server's refusal (422: check these answers; or a fatal ApiProblem).
     */
    submit(instrumentId: string, snap: Snapshot): Promise<'sent' | 'queued'> {
      if (sender.completed.has(instrumentId)) return Promise.resolve('sent');
      put(instrumentId, snap, true);
      const result = sender.awaitSubmission(instrumentId);
      // Sent now, or as soon as a partial already on its way has its answer.
      sender.pump(instrumentId);
      return result;
    },

    hasKept: store.hasKept,

    unsentSubmissions: store.unsentSubmissions,

    state(instrumentId: string): SaveState {
      return states[instrumentId] ?? 'idle';
    },

    subscribe(listener: (event: OutboxEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Try everything now (e.g. after another request succeeded). */
    flush,

    clear: store.clear,

    attach: scheduler.attach,
  };
}
