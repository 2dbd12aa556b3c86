/**
 * The demo consent promises "You can skip any question" (Welsh: "Does dim rhaid
 * i chi ateb pob cwestiwn"). Every instrument Pont ships, at its latest
 * version, keeps that promise: each question can be left blank on the page
 * (survey-core's own check), the server accepts a finished response without
 * it, and its scales count it as unanswered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model, type Question } from 'survey-core';
import { describe, expect, it } from 'vitest';
import { DEMO_COHORT_INSTRUMENTS } from '../../cli/synthetic-cohort.js';
import { validateAnswers } from '../../functions/domain/answer-validation.js';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import type { InstrumentVersion } from '../../functions/domain/instrument.js';
import { scoreInstrument } from '../../functions/domain/scoring.js';
import { DEMO_CONSENT_TEXT, DEMO_INSTRUMENTS, latestShippedPins } from '../../infra/local/seed.js';

const INSTRUMENTS_DIR = join(import.meta.dirname, '../../instruments');

const latestShipped: InstrumentVersion[] = latestShippedPins(INSTRUMENTS_DIR).map((pin) => {
  const file = join(INSTRUMENTS_DIR, pin.id, `${pin.version}.json`);
  return loadInstrumentText(readFileSync(file, 'utf8'), file);
});

/** Questions that take an answer (not text or images shown to the respondent). */
function askedQuestions(model: Model): Question[] {
  return model.getAllQuestions(false).filter((question) => !['html', 'image', 'expression'].includes(question.getType()));
}

/** A valid answer to each question this test knows; an unknown type fails the test, so a new one gets looked at. */
function someAnswer(question: Question): unknown {
  const choices = (question as unknown as { visibleChoices?: { value: unknown }[] }).visibleChoices;
  switch (question.getType()) {
    case 'radiogroup':
    case 'dropdown':
      return choices![0]!.value;
    case 'checkbox':
      return [choices![0]!.value];
    case 'rating':
      return (question as unknown as { visibleRateValues: { value: unknown }[] }).visibleRateValues[0]!.value;
    case 'comment':
    case 'text':
      return 'Some words';
    default:
      throw new Error(`${question.name}: this test does not know how to answer a ${question.getType()} question`);
  }
}

describe('the demo consent promises that any question can be skipped', () => {
  it('says so in both languages', () => {
    expect(DEMO_CONSENT_TEXT.en).toContain('You can skip any question');
    expect(DEMO_CONSENT_TEXT.cy).toContain('Does dim rhaid i chi ateb pob cwestiwn');
    expect(DEMO_CONSENT_TEXT.cy).not.toMatch(/hepgor/);
  });

  it('runs only the latest shipped versions, which keep that promise', () => {
    const latest = latestShipped.map((instrument) => `${instrument.id}@${instrument.version}`);
    for (const pin of [...DEMO_INSTRUMENTS, ...DEMO_COHORT_INSTRUMENTS]) expect(latest).toContain(`${pin.id}@${pin.version}`);
  });

  describe.each(latestShipped.map((instrument) => [`${instrument.id}@${instrument.version}`, instrument] as const))('%s', (_, instrument) => {
    it('lets every page be passed with nothing answered, in both languages', () => {
      for (const locale of ['en', 'cy']) {
        const model = new Model(instrument.survey);
        model.locale = locale;
        const blocked = model.visiblePages.filter((page) => !page.validate(false)).map((page) => page.name);
        expect(blocked, `pages a respondent cannot leave blank (${locale})`).toEqual([]);
      }
    });

    it('finishes with each question skipped in turn, and scores it as unanswered', () => {
      const model = new Model(instrument.survey);
      const questions = askedQuestions(model);
      expect(questions.length).toBeGreaterThan(0);
      const everything = Object.fromEntries(questions.map((question) => [question.getValueName(), someAnswer(question)]));
      const full = scoreInstrument(instrument, everything);

      for (const question of questions) {
        const name = question.getValueName();
        const { [name]: _skipped, ...rest } = everything;
        for (const language of ['en', 'cy'] as const) expect(validateAnswers(instrument, rest, { complete: true, language }), `skipping ${name}`).toEqual([]);

        for (const [i, score] of scoreInstrument(instrument, rest).entries()) {
          const scale = instrument.scales![i]!;
          if (!scale.items.includes(name)) {
            expect(score).toEqual(full[i]);
            continue;
          }
          expect(score.answered, `${scale.id} without ${name}`).toBe(full[i]!.answered - 1);
          if (score.answered < scale.minimumAnswered || scale.method.kind === 'conversion') expect(score.score, `${scale.id} without ${name}`).toBeNull();
        }
      }
    });

    it('finishes with nothing answered at all, every scale unscored', () => {
      expect(validateAnswers(instrument, {}, { complete: true, language: 'cy' })).toEqual([]);
      for (const score of scoreInstrument(instrument, {})) expect(score.score).toBeNull();
    });
  });
});
