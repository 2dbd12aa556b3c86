/**
 * The export reads an instrument's questions from its JSON (functions/domain/instrument-questions.ts),
 * validation through survey-core's Model: both must see the same questions, in the same order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model } from 'survey-core';
import { describe, expect, it } from 'vitest';
import { answerNameOf, questionsOf } from '../../functions/domain/instrument-questions.js';

const INSTRUMENTS = join(import.meta.dirname, '..', '..', 'instruments');
const shipped = readdirSync(INSTRUMENTS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) => readdirSync(join(INSTRUMENTS, dir.name)).map((file) => join(INSTRUMENTS, dir.name, file)));

const surveyCoreNames = (survey: Record<string, unknown>) => new Model(survey).getAllQuestions(false, false, false).map((q) => q.getValueName());

describe('reading an instrument\'s questions', () => {
  it.each(shipped)('agrees with survey-core on every question of %s, in order', (file) => {
    const { survey } = JSON.parse(readFileSync(file, 'utf8')) as { survey: Record<string, unknown> };
    const names = questionsOf({ survey }).map(answerNameOf);
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual(surveyCoreNames(survey));
  });

  it('walks nested panels across pages, takes valueName over name, and keeps dynamic panels as one question', () => {
    const survey = {
      pages: [
        { name: 'p1', elements: [{ type: 'rating', name: 'a' }, { type: 'panel', name: 'outer', elements: [{ type: 'panel', name: 'inner', elements: [{ type: 'text', name: 'b', valueName: 'b_value' }] }, { type: 'html', name: 'note', html: '<p>x</p>' }] }] },
        { name: 'p2', elements: [{ type: 'paneldynamic', name: 'people', templateElements: [{ type: 'text', name: 'who' }] }, { type: 'comment', name: 'c' }] },
      ],
    };

    const names = questionsOf({ survey }).map(answerNameOf);

    expect(names).toEqual(['a', 'b_value', 'note', 'people', 'c']);
    expect(names).toEqual(surveyCoreNames(survey));
  });

  it('reads a survey whose questions sit at the top, without pages, and the older name "questions" for elements', () => {
    const survey = { elements: [{ type: 'rating', name: 'a' }, { type: 'panel', name: 'group', questions: [{ type: 'text', name: 'b' }] }] };

    const names = questionsOf({ survey }).map(answerNameOf);

    expect(names).toEqual(['a', 'b']);
    expect(names).toEqual(surveyCoreNames(survey));
  });
});
