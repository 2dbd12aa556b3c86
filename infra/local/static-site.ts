/**
 * Serves the built web app the way CloudFront will: hashed assets cached for a
 * year as immutable, index.html revalidated every time, brotli or gzip chosen
 * from Accept-Encoding, compressed once at start rather than per request.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

type Asset = { body: Buffer; br?: Buffer; gzip?: Buffer; type: string; immutable: boolean };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Headers for every page: the token is in the URL, so no Referer may carry it away. */
export const PAGE_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
} as const;

export class StaticSite {
  private readonly assets = new Map<string, Asset>();

  constructor(readonly rootDir: string) {
    if (!existsSync(join(rootDir, 'index.html'))) {
      throw new Error(`The web app is not built (${join(rootDir, 'index.html')} is missing). Run npm run build:web.`);
    }
    for (const file of walk(rootDir)) {
      if (/\.(br|gz)$/.test(file)) continue;
      const urlPath = `/${relative(rootDir, file).split(sep).join('/')}`;
      const body = readFileSync(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const compressible = /text|javascript|json|svg|manifest/.test(type) && body.length > 512;
      this.assets.set(urlPath, {
        body,
        type,
        immutable: urlPath.startsWith('/assets/'),
        // The build writes .br and .gz beside each file (web/vite.config.ts); compress here only if it did not.
        ...(compressible
          ? {
              br: existsSync(`${file}.br`) ? readFileSync(`${file}.br`) : brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
              gzip: existsSync(`${file}.gz`) ? readFileSync(`${file}.gz`) : gzipSync(body, { level: 9 }),
            }
          : {}),
      });
    }
  }

  /** Answers GET/HEAD for a file, or the app shell for client-side routes. Returns false if not handled. */
  serve(request: IncomingMessage, response: ServerResponse, pathname: string): boolean {
    let asset = this.assets.get(pathname);
    if (!asset) {
      // Unknown hashed assets are real 404s; everything else is a page route of the app.
      if (pathname.startsWith('/assets/') || extname(pathname) !== '') return false;
      asset = this.assets.get('/index.html')!;
    }
    const accepted = String(request.headers['accept-encoding'] ?? '');
    const [encoding, body] =
      asset.br && /\bbr\b/.test(accepted) ? ['br', asset.br] : asset.gzip && /\bgzip\b/.test(accepted) ? ['gzip', asset.gzip] : [undefined, asset.body];
    response.writeHead(200, {
      'content-type': asset.type,
      'content-length': body.length,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
      ...(encoding ? { 'content-encoding': encoding } : {}),
      // The page headers govern documents; on scripts and styles they would only add bytes to every download.
      ...(asset.type.startsWith('text/html') ? PAGE_SECURITY_HEADERS : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  }
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
