/**
 * The build step that sets survey-core's unused CSS rules and survey-react-ui's
 * unused icons aside (web/build/): parsing and printing CSS, which selectors
 * need which classes, splitting a stylesheet, splitting the icon object.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCss, printCss, requiredClasses, splitSelectorList } from '../../web/build/css-tree.js';
import { iconsModule, splitIcons } from '../../web/build/split-icons.js';
import { stripUnusedRules } from '../../web/build/strip-css.js';

const require = createRequire(import.meta.url);
const surveyCore = (file: string) => readFileSync(require.resolve(`survey-core/${file}`), 'utf8');

describe('parseCss and printCss', () => {
  it("print survey-core's stylesheets back exactly as they were (minified), or without the spaces between rules", () => {
    const minified = surveyCore('survey-core.fontless.min.css');
    expect(printCss(parseCss(minified))).toBe(minified.trimEnd());
    const readable = surveyCore('survey-core.fontless.css');
    const nodes = parseCss(readable);
    expect(nodes.filter((node) => node.kind === 'rule').length).toBeGreaterThan(1000);
    expect(printCss(nodes).replace(/\s+/g, '')).toBe(readable.replace(/\s+/g, ''));
  });

  it('keep braces, commas and semicolons inside strings, url() and attribute selectors where they are', () => {
    const css = `a[title="{,;}"]{content:"}{;"}.b{background:url(x;y.png)}@media (min-width:1px){.c,.d{color:red}}@import "x.css";@keyframes k{0%{opacity:0}to{opacity:1}}`;
    const nodes = parseCss(css);
    expect(nodes.map((node) => node.kind)).toEqual(['rule', 'rule', 'group', 'statement', 'at-block']);
    expect(nodes[0]).toEqual({ kind: 'rule', prelude: 'a[title="{,;}"]', body: 'content:"}{;"' });
    expect(nodes[2]).toMatchObject({ name: 'media', prelude: '(min-width:1px)', children: [{ kind: 'rule', prelude: '.c,.d' }] });
    expect(printCss(nodes)).toBe(css);
  });

  it('refuses a stylesheet whose braces do not balance', () => {
    expect(() => parseCss('.a{color:red')).toThrow(/Unclosed block/);
    expect(() => parseCss('.a{color:red}}')).toThrow(/Unexpected \}/);
  });

  it('print back any stylesheet made of rules, groups and keyframes (fuzzed)', () => {
    const ident = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const selector = fc.oneof(
      ident.map((name) => `.${name}`),
      fc.tuple(ident, ident).map(([a, b]) => `.${a} .${b}`),
      fc.tuple(ident, fc.string()).map(([a, text]) => `.${a}[title=${JSON.stringify(text)}]`),
      ident.map((name) => `:is(.${name},.x)>p`),
    );
    const body = fc.array(fc.tuple(ident, fc.oneof(ident, fc.string().map((text) => JSON.stringify(text)))), { maxLength: 3 }).map((pairs) => pairs.map(([p, v]) => `${p}:${v}`).join(';'));
    const rule = fc.tuple(fc.array(selector, { minLength: 1, maxLength: 3 }), body).map(([selectors, declarations]) => `${selectors.join(',')}{${declarations}}`);
    const node = fc.oneof(
      { weight: 4, arbitrary: rule },
      { weight: 1, arbitrary: fc.array(rule, { maxLength: 3 }).map((rules) => `@media (max-width:600px){${rules.join('')}}`) },
      { weight: 1, arbitrary: ident.map((name) => `@keyframes ${name}{0%{opacity:0}to{opacity:1}}`) },
      { weight: 1, arbitrary: fc.string().map((text) => `/*${text.replaceAll('*/', '')}*/`) },
    );
    fc.assert(
      fc.property(fc.array(node, { maxLength: 8 }), (nodes) => {
        const css = nodes.join('');
        expect(printCss(parseCss(css))).toBe(css);
      }),
      { numRuns: 500 },
    );
  });
});

describe('selectors', () => {
  it('split a selector list at its own commas only', () => {
    expect(splitSelectorList('.a, .b:is(.c,.d), [x=","] .e')).toEqual(['.a', '.b:is(.c,.d)', '[x=","] .e']);
  });

  it('need the classes named outside :not(), :is(), :has() and attribute values', () => {
    expect(requiredClasses('.a:not(.b) .c[title=".d"]:hover>.e--f')).toEqual(['a', 'c', 'e--f']);
    expect(requiredClasses(':is(.a,.b) .c:has(.d)')).toEqual(['c']);
    expect(requiredClasses('.sd-action:where(:disabled)')).toEqual(['sd-action']);
    expect(requiredClasses('.md\\:flex')).toEqual(['md:flex']);
    expect(requiredClasses('div > p')).toEqual([]);
  });
});

describe('stripUnusedRules', () => {
  const unused = (name: string) => name.startsWith('gone');

  it('takes out only the selectors that need an unused class, keeping the rest of each rule in its place', () => {
    const css = '.a{color:red}.gone,.b{color:blue}.c .gone-x{color:green}.d:not(.gone){color:black}';
    const { kept, removed, removedSelectors } = stripUnusedRules(css, unused);
    expect(kept).toBe('.a{color:red}.b{color:blue}.d:not(.gone){color:black}');
    expect(removed).toBe('.gone{color:blue}.c .gone-x{color:green}');
    expect(removedSelectors).toEqual(['.gone', '.c .gone-x']);
  });

  it('drops a group left empty, and moves what it held with its condition', () => {
    const css = '@media (max-width:600px){.gone{color:red}}@media print{.a{color:red}.gone{color:blue}}';
    const { kept, removed } = stripUnusedRules(css, unused);
    expect(kept).toBe('@media print{.a{color:red}}');
    expect(removed).toBe('@media (max-width:600px){.gone{color:red}}@media print{.gone{color:blue}}');
  });

  it('drops keyframes only the removed rules named, and gives them to the removed stylesheet', () => {
    const css = '@keyframes spin{to{transform:rotate(1turn)}}@keyframes fade{to{opacity:0}}.gone{animation:spin 1s}.a{--x:fade}';
    const { kept, removed } = stripUnusedRules(css, unused);
    expect(kept).toBe('@keyframes fade{to{opacity:0}}.a{--x:fade}');
    expect(removed).toBe('@keyframes spin{to{transform:rotate(1turn)}}.gone{animation:spin 1s}');
  });

  it('keeps every selector of a stylesheet between the two halves (fuzzed on survey-core)', () => {
    const css = surveyCore('survey-core.fontless.min.css');
    const selectors = (text: string) =>
      parseCss(text).flatMap(function all(node): string[] {
        if (node.kind === 'rule') return splitSelectorList(node.prelude);
        if (node.kind === 'group') return node.children.flatMap(all);
        return [];
      });
    const every = selectors(css).sort();
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^s[dv]-[a-z]{1,3}$/), { maxLength: 6 }), (prefixes) => {
        const { kept, removed } = stripUnusedRules(css, (name) => prefixes.some((prefix) => name.startsWith(prefix)));
        expect([...selectors(kept), ...selectors(removed)].sort()).toEqual(every);
        for (const selector of selectors(kept)) expect(requiredClasses(selector).some((name) => prefixes.some((p) => name.startsWith(p)))).toBe(false);
      }),
      { numRuns: 15 },
    );
  });
});

describe('splitIcons', () => {
  const source = [
    'var a_icon = "<svg id=\\"a\\"></svg>";',
    'var b_icon = "<svg id=\\"b\\"></svg>";',
    '',
    'const icons = {',
    '  "a-16x16": a_icon,',
    '  "b-16x16": b_icon,',
    '};',
    'SvgRegistry.registerIcons(icons);',
  ].join('\n');

  it('takes the named icons out of the object and returns their SVG', () => {
    const { code, trimmed } = splitIcons(source, new Set(['b-16x16']));
    expect(code).toContain('const icons = {\n  "a-16x16": a_icon,\n};');
    expect([...trimmed]).toEqual([['b-16x16', '"<svg id=\\"b\\"></svg>"']]);
    expect(iconsModule(trimmed)).toBe('export default {\n  "b-16x16": "<svg id=\\"b\\"></svg>",\n};\n');
  });

  it('fails when an icon is missing or the object changed shape', () => {
    expect(() => splitIcons(source, new Set(['c-16x16']))).toThrow(/no icon c-16x16/);
    expect(() => splitIcons(source.replace('const icons', 'let icons'), new Set())).toThrow(/no `const icons = \{`/);
  });

  it("works on survey-react-ui's own source", () => {
    const real = readFileSync(require.resolve('survey-react-ui').replace(/[^/\\]+$/, 'fesm/survey-react-ui.mjs'), 'utf8');
    const { code, trimmed } = splitIcons(real, new Set(['camera-24x24', 'drag-24x24']));
    expect([...trimmed.keys()]).toEqual(['camera-24x24', 'drag-24x24']);
    expect(code.length).toBeLessThan(real.length);
    expect(code).not.toMatch(/"camera-24x24": /);
    expect(code).toMatch(/"check-16x16": /);
    // Each icon is a string literal that evaluates to an SVG.
    for (const literal of trimmed.values()) expect(JSON.parse(literal)).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });
});
