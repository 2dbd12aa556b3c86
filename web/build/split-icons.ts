/**
 * survey-react-ui registers all of SurveyJS's icons (about 11 KB brotli) into
 * an SVG sprite on every page, whatever the survey asks:
 *
 *   var camera_24x24 = "<svg …>";
 *   …
 *   const icons = {
 *     "camera-24x24": camera_24x24,
 *     …
 *   };
 *   addIconsToThemeSet("v2", icons);
 *   SvgRegistry.registerIcons(icons);
 *
 * splitIcons takes the ones a predicate names out of that object (the
 * bundler then drops their strings) and returns them, so that a survey that
 * needs them can register them itself (SvgRegistry.registerIcons, the same
 * call). Fails loudly when the source no longer looks like this.
 */

export type IconSplit = {
  /** survey-react-ui without the icons taken out. */
  code: string;
  /** The icons taken out: name → the JavaScript string literal of its SVG, as written in the source. */
  trimmed: Map<string, string>;
};

const ICONS_START = /\nconst icons = \{\n/;
const ENTRY = /^ {2}"([^"]+)": ([A-Za-z_$][\w$]*),\n/;

export function splitIcons(source: string, trim: ReadonlySet<string>): IconSplit {
  const start = ICONS_START.exec(source);
  if (!start) throw new Error('survey-react-ui: no `const icons = {` object (did survey-react-ui change?)');
  let at = start.index + start[0].length;
  let kept = '';
  const trimmed = new Map<string, string>();
  const known = new Set<string>();
  for (let entry = ENTRY.exec(source.slice(at)); entry; entry = ENTRY.exec(source.slice(at))) {
    const [line, name, variable] = entry as unknown as [string, string, string];
    known.add(name);
    if (trim.has(name)) trimmed.set(name, svgLiteral(source, variable));
    else kept += line;
    at += line.length;
  }
  if (!source.startsWith('};', at)) throw new Error(`survey-react-ui: unexpected text in the icons object: ${source.slice(at, at + 60)}`);
  const missing = [...trim].filter((name) => !known.has(name));
  if (missing.length > 0) throw new Error(`survey-react-ui has no icon ${missing.join(', ')} (did survey-react-ui change?)`);
  return { code: source.slice(0, start.index + start[0].length) + kept + source.slice(at), trimmed };
}

/** The string literal `var name = "<svg…>";` assigns. */
function svgLiteral(source: string, variable: string): string {
  const match = new RegExp(`^var ${variable.replace(/\$/g, '\\$')} = ("(?:[^"\\\\\\n]|\\\\.)*");$`, 'm').exec(source);
  if (!match) throw new Error(`survey-react-ui: no string for icon variable ${variable}`);
  return match[1]!;
}

/** An ES module whose default export is the icons taken out (name → SVG). */
export function iconsModule(trimmed: Map<string, string>): string {
  const entries = [...trimmed].map(([name, literal]) => `  ${JSON.stringify(name)}: ${literal},`);
  return `export default {\n${entries.join('\n')}\n};\n`;
}
