/** The embedded platform's one HTTP origin: the API (via the route table) and the web app. */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Route } from '../../functions/routes.js';
import { buildEvent, compileRoutes, invoke, matchRoute, rawRequestOf, readBody, writeResult, type LambdaHandler } from './api-gateway.js';
import type { StaticSite } from './static-site.js';
import { exportStore } from '../../functions/exports/configured-export-store.js';
import { LocalExportStore } from '../../functions/exports/local-export-store.js';
import { WEB_CONFIG_PATH, type WebConfig } from '../../functions/contracts/web-config.js';
import { MAINTENANCE_RETRY_AFTER_SECONDS, RequestGate } from './maintenance.js';

/** The web app's runtime configuration here: the console signs in through the local route (in AWS, CDK writes Cognito's). */
export const EMBEDDED_WEB_CONFIG: WebConfig = { mode: 'embedded' };

export type HandlerTable = ReadonlyMap<string, LambdaHandler>;

function jsonError(statusCode: number, code: string, message: string) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({ error: { code, message } }),
  };
}

/** How long a client should wait before retrying while the embedded database restarts (it starts in about 5 s). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

const databaseUnavailable = () => ({
  ...jsonError(503, 'database_unavailable', 'Pont is restarting its database: try again in a few seconds'),
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
});

const pausedForMaintenance = () => ({
  ...jsonError(503, 'maintenance', 'Pont is being backed up or restored: try again in a few seconds'),
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'retry-after': String(MAINTENANCE_RETRY_AFTER_SECONDS) },
});

export function createEmbeddedServer(options: {
  routes: readonly Route[];
  handlers: HandlerTable;
  site: StaticSite;
  /** Whether the database answers; while it does not, the API answers 503 with Retry-After instead of running handlers. */
  databaseReady?: () => boolean;
  /** Counts API requests in flight and refuses them while a backup or restore has paused the platform. */
  gate?: RequestGate;
  /** Serve HTTPS with this certificate and key (PEM) instead of HTTP. */
  tls?: { cert: Buffer; key: Buffer };
}): Server {
  const databaseReady = options.databaseReady ?? (() => true);
  const gate = options.gate ?? new RequestGate();
  const compiled = compileRoutes(options.routes);

  const TOO_LARGE_LINGER_MS = 2_000;
  const serveApi = async (request: IncomingMessage, response: ServerResponse, url: URL, method: string) => {
    const match = matchRoute(compiled, method, url.pathname);
    if (!match) {
      request.resume();
      return writeResult(response, jsonError(404, 'not_found', 'There is nothing at this address'));
    }
    const body = await readBody(request);
    if (body === 'too_large') {
      writeResult(response, jsonError(413, 'body_too_large', 'The request is larger than 10 MB'));
      // What the client is still sending is read and dropped for a moment, so that it reads the 413
      // (a reset while it sends can reach it first); a sender still going after that is cut off.
      const stopIfStillSending = () => void (request.readableEnded || request.destroy());
      response.once('finish', () => setTimeout(stopIfStillSending, TOO_LARGE_LINGER_MS).unref());
      return;
    }
    if (!databaseReady()) return writeResult(response, databaseUnavailable());
    const handler = options.handlers.get(match.route.name)!;
    const event = buildEvent(rawRequestOf(request, body), match.route, match.pathParameters);
    const result = await invoke(handler, event, match.route);
    // A request in flight when the database died failed for that reason, not for its own: say so, as for the next ones.
    if (result.statusCode === 500 && !databaseReady()) return writeResult(response, databaseUnavailable());
    return writeResult(response, result, String(request.headers['accept-encoding'] ?? ''));
  };

  const listener: RequestListener = async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';

      if (url.pathname.startsWith('/api/')) {
        if (!gate.enter()) {
          request.resume();
          return writeResult(response, pausedForMaintenance());
        }
        try {
          return await serveApi(request, response, url, method);
        } finally {
          gate.leave();
        }
      }

      if (method === 'GET' && url.pathname.startsWith('/exports/')) return await serveExportPackage(url, response);
      if ((method === 'GET' || method === 'HEAD') && url.pathname === WEB_CONFIG_PATH) {
        request.resume();
        const body = JSON.stringify(EMBEDDED_WEB_CONFIG);
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
        return void response.end(method === 'HEAD' ? undefined : body);
      }
      if ((method === 'GET' || method === 'HEAD') && options.site.serve(request, response, url.pathname)) return;
      request.resume();
      writeResult(response, jsonError(404, 'not_found', 'There is nothing at this address'));
    } catch {
      if (!response.headersSent) writeResult(response, jsonError(500, 'internal_error', 'Something went wrong on our side'));
      else response.destroy();
    }
  };
  return options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createServer(listener);
}

/**
 * A dataset package behind a signed, short-lived URL: what S3 presigned URLs
 * do in AWS. The URL is only ever handed out by the audited DownloadExport route.
 */
async function serveExportPackage(url: URL, response: ServerResponse): Promise<void> {
  const store = await exportStore();
  if (!(store instanceof LocalExportStore)) return writeResult(response, jsonError(404, 'not_found', 'There is nothing at this address'));
  const found = store.open(decodeURIComponent(url.pathname.slice('/exports/'.length)), url.searchParams, new Date());
  if (found === 'forbidden') return writeResult(response, jsonError(403, 'forbidden', 'This download link is not valid'));
  if (found === 'gone') return writeResult(response, jsonError(410, 'expired', 'This download link has expired: ask for a new one in the console'));
  response.writeHead(200, {
    'content-type': 'application/zip',
    'content-length': String(found.size),
    'content-disposition': `attachment; filename="${found.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  store.read(found.file).pipe(response);
}
