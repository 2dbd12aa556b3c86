/**
 * `npm run pont -- instrument preview <file>`: the real respondent page on
 * this machine, showing one instrument file without a study or a link.
 *
 *   GET /preview                   the web app (its /preview route)
 *   GET /api/preview/instrument    the file as it is now (contracts/preview.ts)
 *   GET /api/preview/events        Server-Sent Events: a message per change
 *
 * The web app is built afresh at every start into a private temporary
 * directory, so the preview always shows the current web/src and never
 * disturbs web/dist (which `npm start` and the tests serve and rebuild).
 * Nothing is saved anywhere: the page runs the survey in preview mode.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { PreviewResult } from '../../functions/contracts/preview.js';
import { StaticSite } from '../../infra/local/static-site.js';
import { checkInstrumentFile, REPO_ROOT } from '../instrument-files.js';

export const DEFAULT_PREVIEW_PORT = 3100;

/** Editors often save in bursts (write, rename, chmod): wait this long for quiet. */
const DEBOUNCE_MS = 100;
/** A comment line every so often keeps proxies and idle timeouts from closing the stream. */
const KEEP_ALIVE_MS = 15_000;

export type PreviewOptions = {
  /** The instrument file to show. */
  file: string;
  /** Default 3100; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the preview is for this machine only. */
  host?: string;
  /** Called after each change of the file, with what the page will now show. */
  onChange?(result: PreviewResult): void;
};

export type PreviewServer = {
  /** The page to open, e.g. http://localhost:3100/preview */
  url: string;
  stop(): Promise<void>;
};

/** What GET /api/preview/instrument answers for the file as it is now. */
export function previewResult(file: string): PreviewResult {
  const check = checkInstrumentFile(file);
  if (!check.instrument || check.problems.length > 0) return { file: check.file, instrument: null, problems: check.problems };
  const { id, version, contentHash, title, respondentTitle, survey } = check.instrument;
  // The heading the respondent's page shows, as the link shows it.
  return { file: check.file, instrument: { id, version, contentHash, title: respondentTitle ?? title, survey }, problems: [] };
}

export async function startPreviewServer(options: PreviewOptions): Promise<PreviewServer> {
  const file = resolve(options.file);
  const host = options.host ?? '127.0.0.1';
  if (!existsSync(dirname(file))) throw new Error(`${dirname(options.file)} does not exist: name an instrument file, e.g. instruments/ons4/1.0.0.json`);
  const distDir = mkdtempSync(join(tmpdir(), 'pont-preview-'));
  const streams = new Set<ServerResponse>();
  let watcher: FSWatcher | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let server: Server | undefined;

  const cleanUp = () => {
    clearTimeout(debounce);
    clearInterval(keepAlive);
    watcher?.close();
    for (const stream of streams) stream.end();
    streams.clear();
    rmSync(distDir, { recursive: true, force: true });
  };

  try {
    await buildWebApp(distDir);
    const site = new StaticSite(distDir);

    // Watch the directory, not the file: an editor that saves by writing a new
    // file and renaming it over the old one would end a watch on the file itself.
    const name = basename(file);
    watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== null && changed.toString() !== name) return;
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        for (const stream of streams) stream.write('data: changed\n\n');
        options.onChange?.(previewResult(file));
      }, DEBOUNCE_MS);
    });
    watcher.on('error', () => undefined); // e.g. the directory was removed; the page then shows "no such file"
    keepAlive = setInterval(() => {
      for (const stream of streams) stream.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS);

    const handle = (request: IncomingMessage, response: ServerResponse) => {
      const pathname = new URL(request.url ?? '/', 'http://preview').pathname;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        sendJson(response, 405, apiError('method_not_allowed', 'The preview only answers GET.'), { allow: 'GET, HEAD' });
        return;
      }
      if (pathname === '/api/preview/instrument') {
        sendJson(response, 200, previewResult(file));
        return;
      }
      if (pathname === '/api/preview/events') {
        response.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          connection: 'keep-alive',
        });
        // Reconnect quickly if the stream drops (the page refetches on reconnect).
        response.write('retry: 1000\n: watching\n\n');
        streams.add(response);
        request.on('close', () => streams.delete(response));
        return;
      }
      if (pathname === '/api' || pathname.startsWith('/api/')) {
        sendJson(response, 404, apiError('not_found', 'The preview server has no such endpoint.'));
        return;
      }
      if (!site.serve(request, response, pathname)) sendJson(response, 404, apiError('not_found', 'Not found.'));
    };

    server = createServer((request, response) => {
      try {
        handle(request, response);
      } catch (error) {
        console.error(error);
        if (!response.headersSent) sendJson(response, 500, apiError('internal', 'The preview server failed; see its terminal.'));
        else response.end();
      }
    });
    const address = await listen(server, options.port ?? DEFAULT_PREVIEW_PORT, host);
    const shownHost = ['0.0.0.0', '127.0.0.1', '::'].includes(host) ? 'localhost' : address.address;
    const running = server;
    let stopped: Promise<void> | undefined;
    return {
      url: `http://${shownHost}:${address.port}/preview`,
      stop: () =>
        (stopped ??= (async () => {
          cleanUp();
          running.closeAllConnections();
          await new Promise<void>((done) => running.close(() => done()));
        })()),
    };
  } catch (error) {
    cleanUp();
    server?.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${options.port ?? DEFAULT_PREVIEW_PORT} is in use: stop what is using it, or choose another with --port (0 picks a free one).`);
    }
    throw error;
  }
}

/** The web app exactly as it is deployed, built with the repository's own vite. */
function buildWebApp(outDir: string): Promise<void> {
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = [vite, 'build', '--config', join(REPO_ROOT, 'web', 'vite.config.ts'), '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'];
  return new Promise((done, fail) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        fail(new Error(`Building the web app failed:\n${`${stdout}${stderr}`.trim() || error.message}`));
        return;
      }
      if (stderr.trim()) process.stderr.write(stderr);
      done();
    });
  });
}

function apiError(code: string, message: string) {
  return { error: { code, message } };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(text);
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done(server.address() as AddressInfo);
    });
  });
}
