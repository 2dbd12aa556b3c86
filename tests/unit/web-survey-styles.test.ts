/**
 * What the respondent page sets aside of survey-core's stylesheet and
 * survey-react-ui's icons (web/src/respondent/survey-styles.ts), checked
 * against survey-core's own map of the classes each question type and survey
 * part draws (defaultCss). The browser tests check the page itself.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defaultCss, renamedIcons } from 'survey-core';
import { describe, expect, it } from 'vitest';
import { parseCss, requiredClasses, splitSelectorList, type CssNode } from '../../web/build/css-tree.js';
import { stripUnusedRules } from '../../web/build/strip-css.js';
import {
  blockOf,
  FEATURE_BLOCKS,
  isTrimmedClass,
  QUESTION_BLOCKS,
  QUESTION_CLASSES,
  SHIPPED_QUESTION_TYPES,
  TRIMMED_ICONS,
} from '../../web/src/respondent/survey-styles.js';

const require = createRequire(import.meta.url);
const stylesheet = readFileSync(require.resolve('survey-core/survey-core.fontless.css'), 'utf8');

/** defaultCss sections for question types we don't ship and survey features the page doesn't turn on. */
const NOT_SHIPPED_SECTIONS = new Set([
  'panel', 'paneldynamic', 'multipletext', 'imagepicker', 'image', 'matrixdropdown', 'matrixdynamic', 'slider', 'expression',
  'file', 'signaturepad', 'ranking', 'buttongroup', 'tagbox', 'imagemap',
  'window', 'saveData', 'completedPage', 'completedBeforePage', 'timerRoot', 'bodyWithTimer', 'logo', 'logoImage', 'headerText', 'rootBackgroundImage',
]);
const notShipped = (section: string) => NOT_SHIPPED_SECTIONS.has(section) || /^(clockTimer|progressButtons)/.test(section);

/**
 * Classes set aside although a shipped part of defaultCss names them: the
 * question section also holds what a question draws inside a panel, in a
 * composite question, or in one-input-per-page mode.
 */
const SHIPPED_SECTION_EXCEPTIONS: Record<string, string> = {
  'sd-question--nested': 'a question inside a panel',
  'sd-element--nested': 'a question inside a panel',
  'sd-composite': 'composite (custom) question types',
  'sd-breadcrumbs': 'questionsOnPageMode: inputPerPage',
  'sd-breadcrumbs-item': 'questionsOnPageMode: inputPerPage',
  'sd-breadcrumbs-item__button': 'questionsOnPageMode: inputPerPage',
  'sd-breadcrumbs-separator': 'questionsOnPageMode: inputPerPage',
  'sd-summary': 'questionsOnPageMode: inputPerPage',
  'sd-summary-row': 'questionsOnPageMode: inputPerPage',
  'sd-summary-row__content': 'questionsOnPageMode: inputPerPage',
  'sd-summary-row__actions': 'questionsOnPageMode: inputPerPage',
  'sd-summary-row-action': 'questionsOnPageMode: inputPerPage',
  'sd-summary-row-action--edit': 'questionsOnPageMode: inputPerPage',
  'sd-summary-row-action--delete': 'questionsOnPageMode: inputPerPage',
};

function classesOf(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const name of value.split(/\s+/)) if (name) into.add(name);
  if (value && typeof value === 'object') for (const inner of Object.values(value)) classesOf(inner, into);
  return into;
}

/** class → the defaultCss sections that name it */
const sectionsOf = new Map<string, string[]>();
for (const [section, value] of Object.entries(defaultCss as Record<string, unknown>)) {
  for (const name of classesOf(value)) sectionsOf.set(name, [...(sectionsOf.get(name) ?? []), section]);
}

function stylesheetSelectors(css: string): string[] {
  const all = (node: CssNode): string[] => (node.kind === 'rule' ? splitSelectorList(node.prelude) : node.kind === 'group' ? node.children.flatMap(all) : []);
  return parseCss(css).flatMap(all);
}

describe('the classes the respondent page sets aside', () => {
  it('are never drawn by a shipped question type or survey part, per survey-core', () => {
    const drawn = [...sectionsOf].filter(
      ([name, sections]) => isTrimmedClass(name) && !(name in SHIPPED_SECTION_EXCEPTIONS) && sections.some((section) => !notShipped(section)),
    );
    expect(drawn.map(([name, sections]) => `${name} (${sections.join(', ')})`)).toEqual([]);
  });

  it('each take rules out of the stylesheet (no entry is dead)', () => {
    const needed = new Set(stylesheetSelectors(stylesheet).flatMap(requiredClasses));
    const blocks = new Set([...needed].map(blockOf));
    expect([...QUESTION_BLOCKS, ...FEATURE_BLOCKS].filter((block) => !blocks.has(block))).toEqual([]);
    expect([...QUESTION_CLASSES].filter((name) => !needed.has(name))).toEqual([]);
  });

  it('leave every rule whose classes the shipped question types, the page, navigation, pop-up lists and errors draw', () => {
    const shippedSections = ['root', 'container', 'body', 'page', 'row', 'question', 'error', 'navigation', 'progress', 'list', ...SHIPPED_QUESTION_TYPES];
    for (const section of shippedSections) expect(Object.keys(defaultCss)).toContain(section);
    const drawn = new Set(
      shippedSections.flatMap((section) => [...classesOf((defaultCss as Record<string, unknown>)[section])]).filter((name) => !(name in SHIPPED_SECTION_EXCEPTIONS)),
    );
    const kept = new Set(stylesheetSelectors(stripUnusedRules(stylesheet, isTrimmedClass).kept));
    const forShipped = stylesheetSelectors(stylesheet).filter((selector) => {
      const needs = requiredClasses(selector);
      return needs.length > 0 && needs.every((name) => drawn.has(name));
    });
    expect(forShipped.length).toBeGreaterThan(500);
    expect(forShipped.filter((selector) => !kept.has(selector))).toEqual([]);
  });

  it('are about a third of the stylesheet', () => {
    const { kept, removed } = stripUnusedRules(stylesheet, isTrimmedClass);
    expect(removed.length).toBeGreaterThan(stylesheet.length / 4);
    expect(kept.length).toBeGreaterThan(stylesheet.length / 2);
  });
});

describe('the icons the respondent page sets aside', () => {
  it('are none that a shipped question type names', () => {
    const sprite = (name: string) => {
      const bare = name.replace(/^#?icon-/, '');
      return (renamedIcons as Record<string, string>)[bare] ?? bare;
    };
    const shippedIcons = [...sectionsOf]
      .filter(([name, sections]) => /^#?icon-/.test(name) && sections.some((section) => !notShipped(section)))
      .map(([name]) => sprite(name));
    expect(shippedIcons.length).toBeGreaterThan(3);
    expect(shippedIcons.filter((name) => TRIMMED_ICONS.has(name))).toEqual([]);
    // Rating smileys and stars, drop-down chevrons and clear buttons, pop-up close and "more" stay.
    for (const name of ['smiley-rate1-24x24', 'rating-star', 'chevrondown-24x24', 'clear-16x16', 'close-24x24', 'more-24x24', 'check-16x16']) {
      expect(TRIMMED_ICONS.has(name)).toBe(false);
    }
  });
});
