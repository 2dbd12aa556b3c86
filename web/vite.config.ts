/**
 * Front end build: `vite build --config web/vite.config.ts` → web/dist/.
 *
 * The embedded server serves web/dist/assets/* with immutable caching and
 * answers every other non-/api GET with web/dist/index.html, so all asset
 * URLs are absolute (/assets/…) and content-hashed.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: webDir,
  base: '/',
  publicDir: false,
  plugins: [react()],
  server: {
    // The contracts live in ../functions/contracts and are shared with the server.
    fs: { allow: [repoDir] },
    // `npm run dev:web` against a running embedded server.
    proxy: { '/api': process.env.PONT_API_URL ?? 'http://localhost:3000' },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Keep every asset a file under /assets (no data: URIs smuggled into JS/CSS).
    assetsInlineLimit: 0,
    // survey-core alone is ~1.4 MB minified (~310 KB gzip); it is lazy, so don't warn about it.
    chunkSizeWarningLimit: 1700,
    rolldownOptions: {
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
