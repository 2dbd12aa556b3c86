/**
 * An HTTP client on a bad mobile connection, and the retry loop a phone runs
 * over it (what web/src/respondent/outbox.ts does: keep the request, retry
 * transient failures with back-off until the server acknowledges it).
 *
 * Each attempt may, at random:
 * - fail before it is sent (no signal): the server never sees it;
 * - be sent, and its reply lost (signal gone on the way back): the server did
 *   the work, the client does not know and sends it again;
 * - be delayed before it is sent.
 * Real failures (connection refused while the server is down, a reset when it
 * is killed mid-request) are retried the same way.
 */
export type FaultRates = { failBeforeSend: number; dropReply: number; delay: number };

export type ClientStats = {
  /** Requests that reached the wire. */
  requests: number;
  injected: { failBeforeSend: number; dropReply: number; delay: number };
  retries: number;
  /** Real connection failures (refused, reset): the server was down or died mid-request. */
  networkErrors: number;
  /** Every 4xx the server gave, by status and error code (whether or not the client saw it). */
  clientErrors: Record<string, number>;
  /** Every 5xx the server gave, with the route and body of the first few, to debug from. */
  serverErrors: number;
  serverErrorSamples: string[];
  /** Milliseconds from sending to the whole reply, per request that got one. */
  latencies: number[];
};

export function newStats(): ClientStats {
  return {
    requests: 0,
    injected: { failBeforeSend: 0, dropReply: 0, delay: 0 },
    retries: 0,
    networkErrors: 0,
    clientErrors: {},
    serverErrors: 0,
    serverErrorSamples: [],
    latencies: [],
  };
}

export type Reply = { status: number; json: any };

/** A refusal that retrying will not change (a 4xx other than 408 and 429). */
export class Refused extends Error {
  constructor(
    readonly request: string,
    readonly reply: Reply,
  ) {
    super(`${request} was refused: ${reply.status} ${JSON.stringify(reply.json)}`);
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export class RetryingClient {
  constructor(
    private readonly baseUrl: string,
    private readonly random: () => number,
    private readonly rates: FaultRates,
    readonly stats: ClientStats,
    private readonly options = { firstBackoffMs: 25, maxBackoffMs: 1_000, giveUpAfterMs: 120_000 },
  ) {}

  /** Sends until the server acknowledges (2xx); throws Refused on a 4xx that retrying won't fix. */
  async send(method: string, path: string, body?: unknown): Promise<Reply> {
    const label = `${method} ${path.replace(/\/s\/[^/]+/, '/s/{token}')}`;
    const startedAt = Date.now();
    let lastProblem = '';
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) {
        if (Date.now() - startedAt > this.options.giveUpAfterMs) throw new Error(`${label}: no acknowledgement after ${attempt} attempts (last: ${lastProblem})`);
        this.stats.retries += 1;
        const backoff = Math.min(this.options.firstBackoffMs * 2 ** (attempt - 1), this.options.maxBackoffMs);
        await sleep(backoff / 2 + (this.random() * backoff) / 2);
      }

      const roll = this.random();
      const { failBeforeSend, dropReply, delay } = this.rates;
      if (roll < failBeforeSend) {
        this.stats.injected.failBeforeSend += 1;
        lastProblem = 'injected: failed before sending';
        continue;
      }
      const dropThisReply = roll < failBeforeSend + dropReply;
      if (!dropThisReply && roll < failBeforeSend + dropReply + delay) {
        this.stats.injected.delay += 1;
        await sleep(this.random() * 300);
      }

      let reply: Reply;
      try {
        reply = await this.once(method, path, body);
      } catch (error) {
        this.stats.networkErrors += 1;
        lastProblem = `network: ${(error as Error).cause ?? error}`;
        continue;
      }
      this.record(label, reply);
      if (dropThisReply) {
        // The server did whatever it did; the client never hears of it.
        this.stats.injected.dropReply += 1;
        lastProblem = `injected: reply ${reply.status} lost`;
        continue;
      }
      if (reply.status >= 200 && reply.status < 300) return reply;
      if (reply.status >= 500 || reply.status === 429 || reply.status === 408) {
        lastProblem = `HTTP ${reply.status}`;
        continue;
      }
      throw new Refused(label, reply);
    }
  }

  private async once(method: string, path: string, body: unknown): Promise<Reply> {
    this.stats.requests += 1;
    const sentAt = performance.now();
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    this.stats.latencies.push(performance.now() - sentAt);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  private record(label: string, reply: Reply): void {
    if (reply.status >= 500) {
      this.stats.serverErrors += 1;
      if (this.stats.serverErrorSamples.length < 5) this.stats.serverErrorSamples.push(`${label} → ${reply.status} ${JSON.stringify(reply.json)}`);
    } else if (reply.status >= 400) {
      const key = `${reply.status} ${reply.json?.error?.code ?? '(no code)'}`;
      this.stats.clientErrors[key] = (this.stats.clientErrors[key] ?? 0) + 1;
    }
  }
}

/** The one-line summary both reliability tests print. */
export function summary(title: string, respondents: number, stats: ClientStats, extra = ''): string {
  const { injected } = stats;
  const injectedTotal = injected.failBeforeSend + injected.dropReply + injected.delay;
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(0) : '-');
  const fourxx = Object.entries(stats.clientErrors).map(([key, n]) => `${key}: ${n}`).join(', ') || 'none';
  return (
    `${title}: ${respondents} respondents, ${stats.requests} requests, ${injectedTotal} injected faults ` +
    `(${injected.failBeforeSend} failed before sending, ${injected.dropReply} replies lost, ${injected.delay} delayed), ` +
    `${stats.networkErrors} connection failures, ${stats.retries} retries, 4xx: ${fourxx}, 5xx: ${stats.serverErrors}; latency p50 ${at(50)} ms, p99 ${at(99)} ms${extra}`
  );
}
