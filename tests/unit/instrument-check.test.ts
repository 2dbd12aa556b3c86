import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInstrument, checkInstrumentText } from '../../functions/domain/instrument-check.js';
import { instrumentJsonSchema } from '../../functions/domain/instrument.js';
import { checkInstrumentFile, INSTRUMENTS_DIR, SCHEMA_FILE } from '../../cli/instrument-files.js';
import { checkInInstrument } from '../support/fixtures.js';

function fileOf(overrides: Record<string, unknown> = {}) {
  const { contentHash: _hash, ...file } = checkInInstrument();
  return { ...file, ...overrides };
}

function problemsOf(value: unknown) {
  const check = checkInstrument(value);
  return check.ok ? [] : check.problems;
}

const mood = { id: 'mood', title: { en: 'Mood', cy: 'Hwyliau' }, items: ['mood'], itemValues: { min: 1, max: 5 }, method: { kind: 'sum' }, scoreRange: { min: 1, max: 5 }, minimumAnswered: 1, direction: 'higher-is-better' };

describe('checking an instrument', () => {
  it('accepts a well-formed bilingual instrument', () => {
    expect(problemsOf(fileOf({ scales: [mood] }))).toEqual([]);
  });

  it('names the JSON path of format problems', () => {
    const problems = problemsOf(fileOf({ version: 'one', title: { en: 'Only English' } }));

    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['version', 'title.cy']));
  });

  it('reports a file that is not JSON', () => {
    const check = checkInstrumentText('{ "id": ');

    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems[0]!.message).toMatch(/not valid JSON/);
  });

  it('finds text given in one language only, deep in the survey', () => {
    const file = fileOf();
    const survey = structuredClone(file.survey) as any;
    survey.pages[0].elements[0].title = 'Mood';
    survey.pages[1].elements[0].choices[1].text = { en: 'Health' };

    const problems = problemsOf({ ...file, survey });

    expect(problems).toContainEqual({ path: 'survey.pages[0].elements[0].title', message: expect.stringMatching(/both languages/) });
    expect(problems).toContainEqual({ path: 'survey.pages[1].elements[0].choices[1].text.cy', message: expect.stringMatching(/Welsh/) });
  });

  it('finds a bare text choice that respondents would see as its raw value', () => {
    const file = fileOf();
    const survey = structuredClone(file.survey) as any;
    survey.pages[1].elements[0].choices[0] = 'housing';

    expect(problemsOf({ ...file, survey }).map((p) => p.path)).toContain('survey.pages[1].elements[0].choices[0]');
  });

  it('requires a licence notice to be shown in the survey word for word', () => {
    const problems = problemsOf(fileOf({ licence: { name: 'Owner licence', notice: '© The Owners, all rights reserved.' } }));

    expect(problems).toContainEqual({ path: 'licence.notice', message: expect.stringMatching(/word for word/) });
  });

  it('finds two questions that would store their answers under one name', () => {
    const file = fileOf();
    const survey = structuredClone(file.survey) as any;
    survey.pages[1].elements[1].name = 'mood';

    expect(problemsOf({ ...file, survey })).toContainEqual({ path: 'survey', message: expect.stringMatching(/two questions store their answer as "mood"/) });
  });

  it('finds expressions that do not parse', () => {
    const file = fileOf();
    const survey = structuredClone(file.survey) as any;
    survey.pages[0].elements[2].visibleIf = "{has_adviser} = = 'yes'";

    expect(problemsOf({ ...file, survey })).toContainEqual({ path: 'survey.pages[0].elements[2].visibleIf', message: expect.stringMatching(/does not parse/) });
  });

  it('passes on what survey-core itself finds wrong', () => {
    const file = fileOf();
    const survey = structuredClone(file.survey) as any;
    survey.pages[0].elements[0].colour = 'red';

    expect(problemsOf({ ...file, survey })).toContainEqual({ path: 'survey', message: expect.stringMatching(/Unknown property.*colour/) });
  });

  it.each([
    ['an item that is not a question', { ...mood, items: ['mood', 'sleep'] }, 'scales[0].items[1]', /no question named "sleep"/],
    ['an item with text answers', { ...mood, items: ['has_adviser'] }, 'scales[0].items[0]', /no numeric answer values/],
    ['item values that do not match the question', { ...mood, itemValues: { min: 0, max: 4 } }, 'scales[0].items[0]', /takes the values 1, 2, 3, 4, 5/],
    ['a reverse item outside the scale', { ...mood, reverseItems: ['other'] }, 'scales[0].reverseItems[0]', /not one of the scale's items/],
    ['a conversion table with gaps', { ...mood, method: { kind: 'conversion', source: 'x', table: [{ raw: 1, score: 1 }, { raw: 5, score: 5 }] } }, 'scales[0].method.table', /raw sums 2, 3, 4/],
    ['an item listed twice', { ...mood, items: ['mood', 'mood'], scoreRange: { min: 2, max: 10 } }, 'scales[0].items', /listed twice/],
    ['a score range the method cannot produce', { ...mood, scoreRange: { min: 0, max: 100 } }, 'scales[0].scoreRange', /runs from 1 to 5/],
    ['a threshold wider than the score range', { ...mood, meaningfulChange: { threshold: 5, source: 'x' } }, 'scales[0].meaningfulChange.threshold', /larger than the whole score range/],
    ['a conversion row no sum can reach', { ...mood, method: { kind: 'conversion', source: 'x', table: [1, 2, 3, 4, 5, 99].map((raw) => ({ raw, score: 1 })) } }, 'scales[0].method.table', /raw sum 99/],
    ['two conversion rows for one sum', { ...mood, method: { kind: 'conversion', source: 'x', table: [1, 2, 3, 4, 5, 5].map((raw) => ({ raw, score: 1 })) } }, 'scales[0].method.table', /two rows for the raw sum 5/],
    ['overlapping bands', { ...mood, bands: [{ id: 'low', label: { en: 'Low', cy: 'Isel' }, min: 1, max: 3 }, { id: 'high', label: { en: 'High', cy: 'Uchel' }, min: 3, max: 5 }] }, 'scales[0].bands[1]', /overlaps the band "low"/],
  ])('refuses a scale with %s', (_name, scale, path, message) => {
    expect(problemsOf(fileOf({ scales: [scale] }))).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe('the shipped instruments', () => {
  const files = readdirSync(INSTRUMENTS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) => readdirSync(join(INSTRUMENTS_DIR, dir.name)).map((name) => join(INSTRUMENTS_DIR, dir.name, name)));

  it('include at least the demo instrument', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s validates and references the JSON Schema', (file) => {
    const check = checkInstrumentFile(file);

    expect(check.problems).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8')).$schema).toBe('../instrument.schema.json');
  });

  it('have a committed JSON Schema that matches the zod schema (npm run pont -- instrument schema)', () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(instrumentJsonSchema());
  });
});

describe('the README', () => {
  it('shows a first instrument that validates', () => {
    const readme = readFileSync(join(INSTRUMENTS_DIR, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Write your first instrument'));
    const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];

    expect(example).toBeDefined();
    expect(problemsOf(JSON.parse(example!))).toEqual([]);
  });
});

describe('an instrument nested absurdly deep', () => {
  it('is refused with a problem, never a stack overflow', () => {
    let elements: unknown = [];
    for (let i = 0; i < 20_000; i++) elements = [elements];
    let html: Record<string, unknown> = {};
    const survey = { pages: [{ name: 'p', elements: [{ type: 'html', name: 'h', html }] }] };
    for (let i = 0; i < 20_000; i++) html = html.html = {} as Record<string, unknown>;

    for (const value of [{ id: 'deep', survey: { pages: [{ name: 'p', elements }] } }, { id: 'deep', survey }]) {
      const check = checkInstrument(value);
      expect(check.ok).toBe(false);
      expect(!check.ok && check.problems).toEqual([{ path: '(file)', message: expect.stringContaining('nested more than 64 levels') }]);
    }
  });
});
