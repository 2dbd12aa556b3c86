/**
 * Gives everything but the respondent's first screen its own copy of zod.
 *
 * A module shared by the first screen and a lazy chunk lands in the first
 * screen with every export either of them uses. zod's modules are large and
 * the console uses far more of them (e-mail checks, dates, unions…) than the
 * two respondent contracts, so sharing one copy put about 2.4 KB (brotli) of
 * console-only code on every care leaver's phone. Imports of zod from any
 * other file resolve to the same files under another module id (a query
 * suffix), so the bundler treats them as separate modules: the console's copy
 * goes to the console's chunk, the first screen keeps only what it uses.
 *
 * The console's schemas still embed the respondent contracts' (common.ts's
 * LocalisedText, for one): zod's classes recognise each other's instances by
 * their traits, not by identity, so the two copies work together.
 */
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const COPY = '?pont-zod-copy';

/** The only modules of the first screen that import zod; keep this list to them. */
const FIRST_SCREEN_ZOD_IMPORTERS = new Set(
  ['../../functions/contracts/common.ts', '../../functions/contracts/respondent.ts'].map((path) => fileURLToPath(new URL(path, import.meta.url))),
);

const isZod = (source: string) => source === 'zod' || source.startsWith('zod/');

export function consoleZodCopy(): Plugin {
  return {
    name: 'pont-console-zod-copy',
    apply: 'build',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer) return null;
      const inCopy = importer.endsWith(COPY);
      // Inside the copy, zod's own relative imports stay in the copy.
      const wanted = inCopy ? source.startsWith('.') || isZod(source) : isZod(source) && !FIRST_SCREEN_ZOD_IMPORTERS.has(importer);
      if (!wanted) return null;
      const resolved = await this.resolve(source, inCopy ? importer.slice(0, -COPY.length) : importer, { ...options, skipSelf: true });
      if (!resolved || resolved.external) return resolved;
      return { ...resolved, id: `${resolved.id}${COPY}` };
    },
  };
}
