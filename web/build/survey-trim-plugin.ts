/**
 * Vite plugin: takes out of survey-core's stylesheet and survey-react-ui's
 * icon sprite what the question types we ship never use, at build time and
 * in the dev server, and keeps it as a module of its own that a survey which
 * needs it loads (web/src/respondent/trimmed-survey-styles.ts). What goes
 * where, and why the page looks the same: web/src/respondent/survey-styles.ts.
 *
 *   import 'survey-core/survey-core.fontless.css'   → only the rules the shipped question types can use
 *   import 'survey-react-ui'                        → without the TRIMMED_ICONS
 *   import('virtual:pont/survey-trimmed.css')       → the other rules, in their original order
 *   import('virtual:pont/survey-trimmed-icons')     → { name: svg } of the TRIMMED_ICONS
 */
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { isTrimmedClass, TRIMMED_ICONS } from '../src/respondent/survey-styles.js';
import { iconsModule, splitIcons, type IconSplit } from './split-icons.js';
import { stripUnusedRules, type StripResult } from './strip-css.js';

export const TRIMMED_STYLES_ID = 'virtual:pont/survey-trimmed.css';
export const TRIMMED_ICONS_ID = 'virtual:pont/survey-trimmed-icons';

/**
 * The on-demand rules get a .css path of their own (no such file: this plugin
 * loads it), so Vite's CSS pipeline handles them as any stylesheet, and outside
 * node_modules, so the survey-lib chunk group (vite.config.ts) leaves them alone.
 */
const RESOLVED_STYLES_ID = fileURLToPath(new URL('./survey-trimmed.virtual.css', import.meta.url));
const STYLES_URL_END = '/build/survey-trimmed.virtual.css';
const RESOLVED_ICONS_ID = '\0pont-survey-trimmed-icons';

export function surveyTrim(): Plugin {
  const require = createRequire(import.meta.url);
  // Real paths: Vite names modules by theirs, node_modules may be a symbolic link.
  const stylesheetPath = realpathSync(require.resolve('survey-core/survey-core.fontless.css'));
  const reactUiPath = realpathSync(require.resolve('survey-react-ui')).replace(/[^/\\]+$/, '');
  let styles: StripResult | undefined;
  let icons: IconSplit | undefined;
  const stylesOnce = () => (styles ??= stripUnusedRules(readFileSync(stylesheetPath, 'utf8'), isTrimmedClass));
  const isReactUi = (id: string) => id.startsWith(reactUiPath) && /[/\\]fesm[/\\]survey-react-ui\.mjs$/.test(id);
  const iconsOnce = () => {
    if (!icons) {
      const entry = `${reactUiPath}fesm/survey-react-ui.mjs`;
      icons = splitIcons(readFileSync(entry, 'utf8'), TRIMMED_ICONS);
    }
    return icons;
  };
  return {
    name: 'pont-survey-trim',
    enforce: 'pre',
    resolveId(source) {
      // (The dev server asks again for the resolved path, as a URL.)
      if (source === TRIMMED_STYLES_ID || source === RESOLVED_STYLES_ID || source.endsWith(STYLES_URL_END)) return RESOLVED_STYLES_ID;
      if (source === TRIMMED_ICONS_ID) return RESOLVED_ICONS_ID;
      return null;
    },
    load(id) {
      if (id === stylesheetPath) return stylesOnce().kept;
      if (id === RESOLVED_STYLES_ID) return stylesOnce().removed;
      if (id === RESOLVED_ICONS_ID) return iconsModule(iconsOnce().trimmed);
      if (isReactUi(id)) return iconsOnce().code;
      return null;
    },
    buildEnd() {
      const kb = (text: string) => `${(Buffer.byteLength(text) / 1000).toFixed(0)} KB`;
      if (styles) {
        this.info(`survey-core stylesheet: ${kb(styles.kept)} with the survey, ${kb(styles.removed)} on demand (${styles.removedSelectors.length} selectors)`);
      }
      if (icons) this.info(`survey-react-ui icons: ${icons.trimmed.size} on demand`);
    },
  };
}
