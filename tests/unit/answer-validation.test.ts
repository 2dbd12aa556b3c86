/**
 * Server-side checking of answers against an instrument: drafts and submissions, computed values,
 * what is shown and open. (tests/unit/question-support.test.ts runs one instrument per question type and property.)
 */
import { describe, expect, it } from 'vitest';
import { checkAnswers, validateAnswers } from '../../functions/domain/answer-validation.js';
import { toInstrumentVersion } from '../../functions/domain/instrument.js';
import { testInstrumentFile } from '../support/instrument-file.js';

const t = (en: string) => ({ en, cy: `${en} (cy)` });
const choices = (...values: (string | number)[]) => values.map((value) => ({ value, text: t(String(value)) }));

const instrument = toInstrumentVersion(testInstrumentFile({
  id: 'types',
  survey: {
    calculatedValues: [{ name: 'total', expression: '{a} + 1', includeIntoResult: true }],
    pages: [
      {
        name: 'first',
        elements: [
          { type: 'rating', name: 'a', title: t('A'), rateMin: 1, rateMax: 5 },
          { type: 'expression', name: 'tens', title: t('Tens'), expression: '{a} * 10' },
          { type: 'matrix', name: 'grid', title: t('Grid'), rows: choices('r1', 'r2'), columns: choices(1, 2, 3) },
          { type: 'multipletext', name: 'boxes', title: t('Boxes'), items: [{ name: 'first', title: t('First') }, { name: 'count', title: t('Count'), inputType: 'number' }] },
          { type: 'ranking', name: 'order', title: t('Order'), choices: choices('p', 'q', 'r') },
          { type: 'checkbox', name: 'used', title: t('Used'), choices: choices('housing', 'health'), showNoneItem: true, showOtherItem: true, minSelectedChoices: 2 },
          { type: 'text', name: 'when', title: t('When'), inputType: 'date' },
          { type: 'text', name: 'weeks', title: t('Weeks'), inputType: 'number', min: 0, max: 52 },
          { type: 'radiogroup', name: 'favourite', title: t('Favourite'), choicesFromQuestion: 'used', choicesFromQuestionMode: 'selected' },
          { type: 'text', name: 'why', title: t('Why'), enableIf: '{a} > 3' },
          { type: 'text', name: 'fixed', title: t('Fixed'), readOnly: true, defaultValue: 'as set' },
          { type: 'text', name: 'nickname', title: t('Nickname'), validators: [{ type: 'text', minLength: 3, notificationType: 'warning', text: t('Short') }] },
          { type: 'html', name: 'note', html: t('<p>Note</p>') },
        ],
      },
      { name: 'second', visibleIf: '{a} = 5', elements: [{ type: 'comment', name: 'more', title: t('More') }] },
    ],
  },
}));

const valid = {
  a: 3,
  grid: { r1: 1, r2: 3 },
  boxes: { first: 'one', count: 2 },
  order: ['r', 'p', 'q'],
  used: ['housing', 'other'],
  'used-Comment': 'youth club',
  when: '2026-02-28',
  weeks: 4,
  favourite: 'other',
  fixed: 'as set',
};

const draft = (answers: Record<string, unknown>) => validateAnswers(instrument, answers, { complete: false, language: 'en' });
const submit = (answers: Record<string, unknown>) => checkAnswers(instrument, answers, { complete: true, language: 'en' });
const paths = (errors: { path: string }[]) => errors.map((e) => e.path);

describe('checking answers', () => {
  it('accepts a submission of every kind of answer', () => {
    expect(submit(valid).problems).toEqual([]);
  });

  it.each([
    ['a matrix row that does not exist', { grid: { r9: 1 } }, 'grid'],
    ['a matrix column that does not exist', { grid: { r1: 7 } }, 'grid'],
    ['a box that does not exist', { boxes: { third: 'x' } }, 'boxes'],
    ['text in a number box', { boxes: { count: 'two' } }, 'boxes'],
    ['a ranking with an unknown choice', { order: ['p', 'q', 'z'] }, 'order'],
    ['a ranking listing a choice twice', { order: ['p', 'p', 'q'] }, 'order'],
    ['a ranking leaving a choice out', { order: ['p', 'q'] }, 'order'],
    ['a checkbox listing a choice twice', { used: ['housing', 'housing'] }, 'used'],
    ['"none" with another choice', { used: ['none', 'health'] }, 'used'],
    ['a value from neither this question nor the one it takes its choices from', { favourite: 'prison' }, 'favourite'],
    ['a comment the question does not take', { 'a-Comment': 'hello' }, 'a-Comment'],
    ['an answer to text that takes none', { note: 'hello' }, 'note'],
    ['an answer that is not a question or a calculated value', { b: 1 }, 'b'],
  ])('refuses even as a draft %s, naming its path', (_name, answers, path) => {
    expect(paths(draft(answers))).toContain(path);
  });

  it('keeps drafts the respondent page sends half-way through a page, and refuses them as a submission', () => {
    const halfWay = { ...valid, weeks: 99, when: 'next tuesday', used: ['housing'], 'used-Comment': undefined, favourite: 'housing' };

    expect(draft(halfWay)).toEqual([]);
    expect(submit(halfWay).problems).toEqual(
      expect.arrayContaining([
        { path: 'weeks', message: 'must be at most 52' },
        { path: 'when', message: 'must be a date such as 2026-03-31' },
        { path: 'used', message: 'must have at least 2 choices' },
      ]),
    );
  });

  it('refuses dates that are not in the calendar', () => {
    expect(submit({ ...valid, when: '2026-02-30' }).problems).toEqual([{ path: 'when', message: 'must be a date such as 2026-03-31' }]);
  });

  it('keeps no empty answer: a list unticked to nothing is no answer, even to a question that is not shown', () => {
    const { problems, answers } = submit({ ...valid, more: '', boxes: {}, grid: {} });

    expect(problems).toEqual([]);
    expect(answers).not.toHaveProperty('more');
    expect(answers).not.toHaveProperty('boxes');
    expect(answers).not.toHaveProperty('grid');
  });

  it('computes expression questions and calculated values itself, discarding what the device sends', () => {
    const { problems, answers } = submit({ ...valid, tens: 999, total: 999 });

    expect(problems).toEqual([]);
    expect(answers).toMatchObject({ tens: 30, total: 4 });
  });

  it('computes them on drafts too', () => {
    expect(checkAnswers(instrument, { a: 2, tens: 'anything', total: -1 }, { complete: false, language: 'en' }).answers).toEqual({ a: 2, tens: 20, total: 3 });
  });

  it('refuses, on submission, answers to a question on a page that is not shown', () => {
    expect(submit({ ...valid, more: 'hidden words' }).problems).toEqual([{ path: 'more', message: 'answers a question that is not shown' }]);
    expect(submit({ ...valid, a: 5, more: 'shown now' }).problems).toEqual([]);
  });

  it('refuses, on submission, an answer to a question that cannot be changed, unless it is its default', () => {
    expect(submit({ ...valid, why: 'given before it closed' }).problems).toEqual([{ path: 'why', message: 'answers a question that cannot be changed' }]);
    expect(submit({ ...valid, fixed: 'changed' }).problems).toEqual([{ path: 'fixed', message: 'answers a question that cannot be changed' }]);
    expect(submit({ ...valid, a: 4, why: 'open now' }).problems).toEqual([]);
  });

  it('refuses, on submission, words for "other" without "other" chosen, and a choice the source question did not offer', () => {
    expect(submit({ ...valid, used: ['housing', 'health'], favourite: 'housing' }).problems).toEqual([{ path: 'used-Comment', message: 'gives words for "Other (describe)" without choosing it' }]);
    expect(submit({ ...valid, favourite: 'health' }).problems).toEqual([{ path: 'favourite', message: 'includes a choice that is not offered' }]);
  });

  it('lets warnings through, as the respondent page does', () => {
    expect(submit({ ...valid, nickname: 'Jo' }).problems).toEqual([]);
  });

  it('refuses answers to a question type a version published before instrument validate refused it', () => {
    const old = toInstrumentVersion(testInstrumentFile({ id: 'old', survey: { pages: [{ name: 'p', elements: [{ type: 'file', name: 'upload', title: t('Upload') }] }] } }));

    expect(validateAnswers(old, { upload: [{ name: 'a.png', content: 'data:…' }] }, { complete: false, language: 'en' })).toEqual([
      { path: 'upload', message: 'is a file question, which Pont does not take answers to' },
    ]);
  });
});
