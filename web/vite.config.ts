/**
 * Front end build: `vite build --config web/vite.config.ts` → web/dist/.
 *
 * The embedded server serves web/dist/assets/* with immutable caching and
 * answers every other non-/api GET with web/dist/index.html, so all asset
 * URLs are absolute (/assets/…) and content-hashed.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { OUT_DIR, STAMP, sourcesHash } from './build/build-if-changed.js';
import { consoleZodCopy } from './build/console-zod-plugin.js';
import { earlyOpenLinkScript } from './build/early-script-plugin.js';
import { surveyTrim } from './build/survey-trim-plugin.js';

/**
 * Writes .br and .gz beside every compressible file once, at build time, so
 * the embedded server starts without spending seconds compressing the survey
 * library (brotli at its best setting: what a phone on prepaid data deserves).
 */
function precompress(): Plugin {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
  return afterBuild('pont-precompress', (outDir) => {
    for (const file of walk(outDir).filter((f) => /\.(js|css|html|svg|json)$/.test(f))) {
      const body = readFileSync(file);
      if (body.length <= 512) continue;
      writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
    }
  });
}

/**
 * Stamps web/dist with the hash of what it was built from, whoever built it
 * (`npm run build:web`, `npm test`, `npm start`): `npm start` then rebuilds
 * only when something changed. Without it, an `npm start` after `npm test`'s
 * build would rebuild (emptying web/dist) under any page being served from it.
 * A build into another folder (the bench's, the preview's) is not stamped.
 */
function stampBuiltFrom(): Plugin {
  return afterBuild('pont-built-from', (outDir) => {
    if (outDir === OUT_DIR) writeFileSync(STAMP, `${sourcesHash()}\n`);
  });
}

/** A build-only plugin that runs `work` on the folder the build wrote (the preview's and the bench's builds use --outDir). */
function afterBuild(name: string, work: (outDir: string) => void): Plugin {
  let outDir = '';
  return {
    name,
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      work(outDir);
    },
  };
}

const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: webDir,
  base: '/',
  publicDir: false,
  plugins: [react(), surveyTrim(), consoleZodCopy(), earlyOpenLinkScript(), precompress(), stampBuiltFrom()],
  server: {
    // The contracts live in ../functions/contracts and are shared with the server.
    fs: { allow: [repoDir] },
    // `npm run dev:web` against a running embedded server: the API, and the
    // runtime configuration that tells the console how to sign in.
    proxy: Object.fromEntries(['/api', '/config.json'].map((path) => [path, process.env.PONT_API_URL ?? 'http://localhost:3000'])),
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Keep every asset a file under /assets (no data: URIs smuggled into JS/CSS).
    assetsInlineLimit: 0,
    // No polyfill for <link rel="modulepreload"> (0.2 KB of the first screen): browsers without it
    // (Safari before 17) load the same modules when they are imported, a little later.
    modulePreload: { polyfill: false },
    // survey-core alone is ~1.4 MB minified (~310 KB gzip); it is lazy, so don't warn about it.
    chunkSizeWarningLimit: 1700,
    rolldownOptions: {
      // Brotli at its highest level (pont-precompress) is slow by design; its timing warning on a busy machine
      // only alarms whoever runs `npm start`.
      checks: { bundlerTimings: false },
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
        // Libraries in their own chunks, so a deploy that only changes our code
        // doesn't make returning participants download them again.
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 2 },
            { name: 'survey-lib', test: /[\\/]node_modules[\\/]survey-(core|react-ui)[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
