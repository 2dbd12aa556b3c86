/**
 * Adds web/src/respondent/open-link-early.js to index.html as a small
 * async classic script under /assets (hashed, so cached like the rest), ahead
 * of the app's modules. See that file for why.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import type { Plugin } from 'vite';

const SCRIPT = fileURLToPath(new URL('../src/respondent/open-link-early.js', import.meta.url));

export function earlyOpenLinkScript(): Plugin {
  let fileName = '';
  return {
    name: 'pont-early-open-link',
    apply: 'build',
    async buildStart() {
      const { code } = await transform(readFileSync(SCRIPT, 'utf8'), { minify: true, target: 'es2017', loader: 'js' });
      fileName = `assets/open-link-early-${createHash('sha256').update(code).digest('hex').slice(0, 8)}.js`;
      this.emitFile({ type: 'asset', fileName, source: code });
    },
    transformIndexHtml: {
      // After Vite's own tags, then placed first among the scripts, so the browser asks for it first.
      order: 'post',
      handler(html) {
        const tag = `<script src="/${fileName}" async></script>`;
        if (!html.includes('<script type="module"')) throw new Error('early-script-plugin: no module script in index.html to go before');
        return html.replace('<script type="module"', `${tag}\n    <script type="module"`);
      },
    },
  };
}
