import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileOfReference } from '../../cli/instrument-files.js';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import type { Scale } from '../../functions/domain/instrument.js';
import { scoreChange, scoreInstrument, scoreScale } from '../../functions/domain/scoring.js';
import { registrationProblems } from '../../functions/domain/wave-instruments.js';

const shipped = (reference: string) => loadInstrumentText(readFileSync(fileOfReference(reference), 'utf8'), reference);

const fourItems: Scale = {
  id: 'support',
  title: { en: 'Support', cy: 'Cymorth' },
  items: ['a', 'b', 'c', 'd'],
  reverseItems: ['d'],
  itemValues: { min: 1, max: 5 },
  method: { kind: 'sum' },
  scoreRange: { min: 4, max: 20 },
  minimumAnswered: 3,
  direction: 'higher-is-better',
  bands: [
    { id: 'low', label: { en: 'Low', cy: 'Isel' }, min: 4, max: 9 },
    { id: 'high', label: { en: 'High', cy: 'Uchel' }, min: 10, max: 20 },
  ],
  meaningfulChange: { threshold: 3, source: 'test' },
};

describe('scoring a sum scale', () => {
  it('reverses reverse items: 5, 4, 3 and reversed 2 → 5 + 4 + 3 + 4 = 16', () => {
    expect(scoreScale(fourItems, { a: 5, b: 4, c: 3, d: 2 })).toEqual({ scaleId: 'support', status: 'scored', answered: 4, raw: 16, score: 16, band: 'high' });
  });

  it('prorates when an item is missing: 2, 2, 2 → mean 2 × 4 items = 8', () => {
    expect(scoreScale(fourItems, { a: 2, b: 2, c: 2 })).toMatchObject({ answered: 3, score: 8, band: 'low' });
  });

  it('gives no score below the minimum answered, counting "prefer not to say" and out-of-range values as unanswered', () => {
    expect(scoreScale(fourItems, { a: 2, b: 'prefer_not_to_say', c: 9 })).toEqual({
      scaleId: 'support',
      status: 'too_few_answers',
      answered: 1,
      raw: null,
      score: null,
      band: null,
    });
  });
});

describe('scoring a mean scale', () => {
  it('averages the answered items after reversing: 4, 5 and reversed 1 → (4 + 5 + 5) / 3', () => {
    const scale: Scale = { ...fourItems, method: { kind: 'mean' }, scoreRange: { min: 1, max: 5 }, bands: [] };

    expect(scoreScale(scale, { a: 4, b: 5, d: 1 }).score).toBeCloseTo(14 / 3, 10);
  });
});

describe('ONS4', () => {
  const ons4 = shipped('ons4@1.0.0');

  it('scores each question as its own 0–10 scale with the ONS bands', () => {
    const scores = scoreInstrument(ons4, { ons4_life_satisfaction: 4, ons4_worthwhile: 6, ons4_happiness: 9, ons4_anxiety: 1 });

    expect(scores.map((s) => [s.scaleId, s.score, s.band])).toEqual([
      ['life_satisfaction', 4, 'low'],
      ['worthwhile', 6, 'medium'],
      ['happiness', 9, 'very_high'],
      ['anxiety', 1, 'very_low'],
    ]);
  });

  it('puts the band edges where ONS does: 0, 4|5, 6|7, 8|9, 10 and anxiety 1|2, 3|4, 5|6', () => {
    const [life, , , anxiety] = ons4.scales!;
    const band = (scale: Scale, value: number) => scoreScale(scale, { [scale.items[0]!]: value }).band;

    expect([0, 4, 5, 6, 7, 8, 9, 10].map((v) => band(life!, v))).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'very_high', 'very_high']);
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((v) => band(anxiety!, v))).toEqual(['very_low', 'very_low', 'low', 'low', 'medium', 'medium', 'high', 'high']);
  });

  it('counts lower anxiety as an improvement', () => {
    const anxiety = ons4.scales!.find((s) => s.id === 'anxiety')!;

    const change = scoreChange(anxiety, scoreScale(anxiety, { ons4_anxiety: 7 }), scoreScale(anxiety, { ons4_anxiety: 3 }));

    expect(change).toEqual({ scaleId: 'anxiety', change: -4, meaningful: null, direction: 'improved' });
  });
});

describe('SWEMWBS', () => {
  const swemwbs = shipped('swemwbs@1.0.0');
  const scale = swemwbs.scales!.find((s) => s.id === 'swemwbs')!;
  const answersOf = (values: number[]) => Object.fromEntries(scale.items.map((item, i) => [item, values[i]]));

  it.each([
    ['the bottom of the table: all 1 → raw 7 → 7.00', [1, 1, 1, 1, 1, 1, 1], 7, 7.0],
    ['the top of the table: all 5 → raw 35 → 35.00', [5, 5, 5, 5, 5, 5, 5], 35, 35.0],
    ['the middle: all 3 → raw 21 → 19.25', [3, 3, 3, 3, 3, 3, 3], 21, 19.25],
    ['a mixed response: 4+3+2+5+1+3+4 = 22 → 19.98', [4, 3, 2, 5, 1, 3, 4], 22, 19.98],
    ['one step above the bottom: raw 8 → 9.51', [2, 1, 1, 1, 1, 1, 1], 8, 9.51],
    ['one step below the top: raw 34 → 32.55', [5, 5, 5, 5, 5, 5, 4], 34, 32.55],
  ])('converts %s', (_name, values, raw, metric) => {
    expect(scoreScale(scale, answersOf(values))).toMatchObject({ status: 'scored', answered: 7, raw, score: metric });
  });

  it('needs all seven items for a metric score', () => {
    expect(scoreScale(scale, answersOf([3, 3, 3, 3, 3, 3])).status).toBe('too_few_answers');
  });

  it('counts a rise of 3 metric points as meaningful and 2.9 as not', () => {
    const base = { ...scoreScale(scale, answersOf([3, 3, 3, 3, 3, 3, 3])) };
    expect(scoreChange(scale, base, { ...base, score: base.score! + 3 })).toMatchObject({ meaningful: true, direction: 'improved' });
    expect(scoreChange(scale, base, { ...base, score: base.score! + 2.9 })).toMatchObject({ meaningful: false, direction: 'improved' });
  });

  it('carries the owners\' notice and requires registration', () => {
    expect(swemwbs.licence.notice).toBe(
      'Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, University of Warwick and University of Edinburgh, 2008, all rights reserved.',
    );
    expect(swemwbs.licence.requiresRegistration).toBe(true);
  });
});

describe('care leaver engagement', () => {
  const engagement = shipped('care-leaver-engagement@0.1.0');
  const scaleOf = (id: string) => engagement.scales!.find((s) => s.id === id)!;

  it('is marked as not yet validated, with a draft Welsh text', () => {
    expect(engagement.validated).toBe(false);
    expect(engagement.translations.cy).toBe('draft');
  });

  it('scores enablers as a mean with reverse items turned round', () => {
    const enablers = scaleOf('enablers');
    const reversed = enablers.reverseItems ?? [];
    expect(reversed.length).toBeGreaterThan(0);
    // Every item answered 4 ("agree"); reversed items become 6 − 4 = 2.
    const answers = Object.fromEntries(enablers.items.map((item) => [item, 4]));
    const expected = (4 * (enablers.items.length - reversed.length) + 2 * reversed.length) / enablers.items.length;

    expect(scoreScale(enablers, answers).score).toBeCloseTo(expected, 10);
  });

  it('gives no barriers score when too many items are "prefer not to say"', () => {
    const barriers = scaleOf('barriers');
    const answers = Object.fromEntries(barriers.items.map((item, i) => [item, i < barriers.minimumAnswered - 1 ? 3 : 'prefer_not_to_say']));

    expect(scoreScale(barriers, answers)).toMatchObject({ status: 'too_few_answers', answered: barriers.minimumAnswered - 1 });
  });
});

describe('change between waves', () => {
  const at = (a: number) => scoreScale(fourItems, { a, b: 3, c: 3, d: 3 });

  it('is meaningful from the threshold up, in either direction', () => {
    expect(scoreChange(fourItems, at(1), at(4))).toEqual({ scaleId: 'support', change: 3, meaningful: true, direction: 'improved' });
    expect(scoreChange(fourItems, at(4), at(2))).toEqual({ scaleId: 'support', change: -2, meaningful: false, direction: 'worsened' });
    expect(scoreChange(fourItems, at(3), at(3))).toMatchObject({ change: 0, meaningful: false, direction: 'unchanged' });
  });

  it('cannot be judged when either wave has no score', () => {
    expect(scoreChange(fourItems, scoreScale(fourItems, {}), at(3))).toEqual({ scaleId: 'support', change: null, meaningful: null, direction: null });
  });
});

describe('instruments that require registration', () => {
  it('cannot run in a wave until the study records a registration reference', () => {
    const instruments = [shipped('swemwbs@1.0.0'), shipped('ons4@1.0.0')];

    expect(registrationProblems(instruments, {}).map((p) => p.instrumentId)).toEqual(['swemwbs']);
    expect(registrationProblems(instruments, { swemwbs: '  ' })).toHaveLength(1);
    expect(registrationProblems(instruments, { swemwbs: 'WEMWBS-2026-0142' })).toEqual([]);
  });
});
