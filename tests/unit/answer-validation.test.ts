/** Server-side validation of answers against an instrument, for the SurveyJS question types beyond the basics. */
import { describe, expect, it } from 'vitest';
import { validateAnswers } from '../../functions/domain/answer-validation.js';
import { toInstrumentVersion } from '../../functions/domain/instrument.js';
import { testInstrumentFile } from '../support/instrument-file.js';

const t = (en: string) => ({ en, cy: `${en} (cy)` });
const instrument = toInstrumentVersion(testInstrumentFile({
  id: 'types',
  title: t('Types'),
  description: t('Every kind of question'),
  source: 'tests',
  survey: {
    calculatedValues: [{ name: 'total', expression: '{a} + 1', includeIntoResult: true }],
    pages: [
      {
        elements: [
          { type: 'rating', name: 'a', title: t('A'), rateMin: 1, rateMax: 5 },
          { type: 'matrix', name: 'grid', title: t('Grid'), rows: ['r1', 'r2'], columns: [1, 2, 3] },
          { type: 'matrixdropdown', name: 'table', title: t('Table'), rows: ['x'], columns: [{ name: 'c1' }, { name: 'c2' }], choices: [1, 2] },
          { type: 'multipletext', name: 'boxes', title: t('Boxes'), items: [{ name: 'first' }, { name: 'second' }] },
          { type: 'ranking', name: 'order', title: t('Order'), choices: ['p', 'q', 'r'] },
          {
            type: 'paneldynamic',
            name: 'services',
            title: t('Services'),
            templateElements: [
              { type: 'dropdown', name: 'service', title: t('Service'), choices: ['housing', 'health'], isRequired: true },
              { type: 'rating', name: 'helpful', title: t('Helpful'), rateMin: 1, rateMax: 5 },
            ],
          },
          { type: 'html', name: 'note', html: t('<p>Note</p>') },
        ],
      },
    ],
  },
}));

const valid = {
  a: 3,
  total: 4,
  grid: { r1: 1, r2: 3 },
  table: { x: { c1: 1, c2: 2 } },
  boxes: { first: 'one', second: 'two' },
  order: ['r', 'p', 'q'],
  services: [{ service: 'housing', helpful: 4 }, { service: 'health' }],
};

const check = (answers: Record<string, unknown>, complete = false) => validateAnswers(instrument, answers, { complete, language: 'en' });

describe('validating answers of every question type', () => {
  it('accepts well-shaped answers, including calculated values kept in the results', () => {
    expect(check(valid, true)).toEqual([]);
  });

  it.each([
    ['a matrix row that does not exist', { grid: { r9: 1 } }, 'grid'],
    ['a matrix column that does not exist', { grid: { r1: 7 } }, 'grid'],
    ['a dropdown matrix cell in an unknown column', { table: { x: { c9: 1 } } }, 'table'],
    ['a box that does not exist', { boxes: { third: 'x' } }, 'boxes'],
    ['a ranking with an unknown choice', { order: ['p', 'z'] }, 'order'],
    ['a ranking listing a choice twice', { order: ['p', 'p'] }, 'order'],
    ['a dynamic panel that is not a list', { services: { service: 'housing' } }, 'services'],
    ['a dynamic panel answer outside its choices', { services: [{ service: 'prison' }] }, 'services[0].service'],
    ['a dynamic panel answer to an unknown question', { services: [{ service: 'health', cost: 5 }] }, 'services[0].cost'],
    ['an answer to text that takes none', { note: 'hello' }, 'note'],
    ['an answer that is not a question or a calculated value', { b: 1 }, 'b'],
  ])('refuses %s, naming its path', (_name, answers, path) => {
    expect(check(answers).map((e) => e.path)).toContain(path);
  });

  it('applies required answers inside dynamic panels on submission', () => {
    const errors = check({ ...valid, services: [{ helpful: 2 }] }, true);

    expect(errors.length).toBeGreaterThan(0);
  });
});
