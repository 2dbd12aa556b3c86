/**
 * Maintenance pauses of the embedded platform, for a consistent backup and a
 * restore (cli/backup.ts) while it runs.
 *
 * While paused, every API request answers 503 `maintenance` with Retry-After
 * (the respondent page keeps its answers and sends them again, as it does when
 * offline) and the background jobs of this process (export builds, the
 * reminder run) have finished: nothing writes to the tables, so a scan of them
 * is a snapshot. A pause ends when asked, or by itself when its lease runs
 * out, so a backup that dies never leaves Pont paused.
 *
 * The pause is asked for over a control server bound to 127.0.0.1 on its own
 * port, with a secret that only platform.json (mode 0600, in the data folder)
 * holds: never on the public listener, whatever HOST is.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export const MAINTENANCE_RETRY_AFTER_SECONDS = 5;
/** The longest pause a caller may ask for: a backup or restore of a pilot's data takes seconds. */
const MAX_PAUSE_SECONDS = 600;

export class RequestGate {
  private inFlight = 0;
  private drained: Array<() => void> = [];
  private pausedUntil = 0;
  private resumeTimer: NodeJS.Timeout | undefined;

  /** Counts a request in, or answers false while paused (the request must then be refused). */
  enter(): boolean {
    if (this.paused()) return false;
    this.inFlight += 1;
    return true;
  }

  leave(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) for (const done of this.drained.splice(0)) done();
  }

  paused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  /** Stops new requests, then waits for those in flight and for `alsoWaitFor` (background jobs). */
  async pause(seconds: number, alsoWaitFor: () => Promise<unknown>): Promise<Date> {
    this.pausedUntil = Date.now() + seconds * 1000;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => this.resume(), seconds * 1000).unref();
    if (this.inFlight > 0) await new Promise<void>((done) => this.drained.push(done));
    await alsoWaitFor();
    return new Date(this.pausedUntil);
  }

  resume(): void {
    clearTimeout(this.resumeTimer);
    this.pausedUntil = 0;
  }
}

/** What the control server answers to; cli/backup.ts sends these. */
export const ControlRequest = z.discriminatedUnion('action', [
  z.object({ action: z.literal('pause'), seconds: z.number().int().min(1).max(MAX_PAUSE_SECONDS) }),
  z.object({ action: z.literal('resume'), restored: z.boolean().default(false) }),
]);
export type ControlRequest = z.input<typeof ControlRequest>;

export type ControlEndpoint = { url: string; secret: string };

export async function startControlServer(handlers: {
  pause: (seconds: number) => Promise<Date>;
  resume: (restored: boolean) => void;
}): Promise<ControlEndpoint & { close: () => Promise<void> }> {
  const secret = randomBytes(32).toString('base64url');
  const server: Server = createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    try {
      if (request.method !== 'POST' || request.url !== '/control') return reply(404, { error: 'not_found' });
      if (!sameSecret(String(request.headers['x-pont-control'] ?? ''), secret)) return reply(403, { error: 'forbidden' });
      const parsed = ControlRequest.safeParse(JSON.parse((await readSmallBody(request)) || 'null'));
      if (!parsed.success) return reply(400, { error: 'bad_request' });
      if (parsed.data.action === 'pause') return reply(200, { pausedUntil: (await handlers.pause(parsed.data.seconds)).toISOString() });
      handlers.resume(parsed.data.restored);
      return reply(200, { resumed: true });
    } catch {
      if (!response.headersSent) reply(500, { error: 'internal_error' });
    }
  });
  const address = await new Promise<AddressInfo>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done(server.address() as AddressInfo));
  });
  return {
    url: `http://127.0.0.1:${address.port}/control`,
    secret,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Asks a running platform's control server (the CLI's side). */
export async function sendControl(endpoint: ControlEndpoint, request: ControlRequest): Promise<void> {
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-pont-control': endpoint.secret },
    body: JSON.stringify(request),
  });
  if (!response.ok) throw new Error(`The running Pont refused to ${request.action} (${response.status})`);
}

function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readSmallBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > 1024) throw new Error('control request too large');
  }
  return body;
}
