/**
 * The outbox's scheduler: when unsent answers are tried again. A backing-off
 * timer rather than a fixed one, so a phone without signal isn't kept busy;
 * and straight away when the phone comes back online, rather than after the
 * back-off.
 */
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;

export type RetryScheduler = ReturnType<typeof createRetryScheduler>;

/** `flush`: try every unsent answer now. */
export function createRetryScheduler(flush: () => void) {
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = RETRY_FIRST_MS;
  /** When the phone last came back online (a send that started before then may have failed for nothing). */
  let onlineAt = 0;
  /** Listening for the phone coming back online (between `attach()` and its undo). */
  let attached = false;

  function stopTimer() {
    clearTimeout(retryTimer);
    retryTimer = undefined;
  }

  function retryLater() {
    if (retryTimer !== undefined || !attached) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  const onOnline = () => {
    onlineAt = Date.now();
    stopTimer();
    retryDelay = RETRY_FIRST_MS;
    flush();
  };

  return {
    retryLater,

    /** A send that started at `startedAt` found no signal. */
    noSignal(startedAt: number, sendAgain: () => void) {
      // Back online while this one was failing: try again straight away, not after the back-off.
      if (onlineAt >= startedAt) setTimeout(sendAgain, 250);
      else retryLater();
    },

    /** A send got through: the signal is back, so whatever else is waiting goes now. */
    gotThrough() {
      retryDelay = RETRY_FIRST_MS;
      stopTimer();
      queueMicrotask(flush);
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
        stopTimer();
        window.removeEventListener('online', onOnline);
      };
    },
  };
}
