/**
 * What instruments mark about identifying questions, and what every export
 * does with it: quasi-identifiers always protected, ages only as bands, dates
 * only as months.
 */
import { describe, expect, it } from 'vitest';
import { ageBandOf, MARKS_OF_EARLIER_VERSIONS, monthOf, privacyOf } from '../../functions/domain/export/privacy.js';
import { encodeItemValue, planVariables, studyPrivacy, type StudyDesign, type Variable } from '../../functions/domain/export/variables.js';
import { checkInstrument } from '../../functions/domain/instrument-check.js';
import type { InstrumentFile, InstrumentVersion } from '../../functions/domain/instrument.js';
import { checkedInstrument, shippedInstrument } from '../support/export-design.js';
import { testInstrumentFile } from '../support/instrument-file.js';

const find = (variables: readonly Variable[], name: string): Variable => {
  const variable = variables.find((v) => v.name === name);
  if (!variable) throw new Error(`no variable ${name}`);
  return variable;
};

/** An instrument asking an age, a date of leaving care, a week and a mood; `privacy` as given. */
function aboutMe(privacy?: InstrumentFile['privacy']): InstrumentFile {
  return testInstrumentFile({
    id: 'about-me',
    title: { en: 'About me', cy: 'Amdanaf i' },
    description: { en: 'About me', cy: 'Amdanaf i' },
    survey: {
      pages: [
        {
          name: 'one',
          elements: [
            { type: 'text', name: 'am_age', inputType: 'number', min: 10, max: 99, title: { en: 'How old are you?', cy: 'Beth yw eich oed?' } },
            { type: 'text', name: 'am_left_care', inputType: 'date', title: { en: 'When did you leave care?', cy: 'Pryd wnaethoch chi adael gofal?' } },
            { type: 'text', name: 'am_moved_week', inputType: 'week', title: { en: 'Which week did you move?', cy: 'Pa wythnos wnaethoch chi symud?' } },
            { type: 'rating', name: 'am_mood', rateMin: 1, rateMax: 5, title: { en: 'Mood', cy: 'Hwyliau' } },
            { type: 'comment', name: 'am_notes', title: { en: 'Anything else?', cy: 'Unrhyw beth arall?' } },
          ],
        },
      ],
    },
    ...(privacy && { privacy }),
  });
}

function oneWave(...instruments: InstrumentVersion[]): StudyDesign {
  return {
    studyId: 'one',
    title: { en: 'One', cy: 'Un' },
    attributes: [],
    waves: [{ waveId: 'baseline', ordinal: 0, name: { en: 'Baseline', cy: 'Llinell sylfaen' }, instruments }],
  };
}

function problemsOf(file: unknown) {
  const check = checkInstrument(file);
  return check.ok ? [] : check.problems;
}

describe('marking identifying questions in an instrument', () => {
  it('accepts quasi-identifiers and ages that are questions of the survey', () => {
    expect(problemsOf(aboutMe({ quasiIdentifiers: ['am_left_care'], ages: ['am_age'] }))).toEqual([]);
  });

  it('refuses a mark naming no question, a name listed twice, and an age that cannot hold a number', () => {
    const problems = problemsOf(aboutMe({ quasiIdentifiers: ['am_postcode', 'am_mood', 'am_mood'], ages: ['am_notes'] }));

    expect(problems).toContainEqual({ path: 'privacy.quasiIdentifiers[0]', message: expect.stringMatching(/no question named "am_postcode"/) });
    expect(problems).toContainEqual({ path: 'privacy.quasiIdentifiers', message: expect.stringMatching(/"am_mood" is listed twice/) });
    expect(problems).toContainEqual({ path: 'privacy.ages[0]', message: expect.stringMatching(/cannot hold an age/) });
  });

  it('ships context 1.1.0: the same survey as 1.0.0, with its identifying questions marked', () => {
    const earlier = shippedInstrument('context@1.0.0');
    const marked = shippedInstrument('context@1.1.0');

    expect(marked.survey).toEqual(earlier.survey);
    expect(marked.privacy).toEqual({ quasiIdentifiers: ['ctx_age_band', 'ctx_gender', 'ctx_local_authority'] });
    // 1.0.0 is published and immutable: its content (and so its hash) is untouched.
    expect(earlier.privacy).toBeUndefined();
  });

  it('knows the marks of versions published before marks existed, for exactly their published content', () => {
    for (const [reference, earlier] of Object.entries(MARKS_OF_EARLIER_VERSIONS)) {
      const shipped = shippedInstrument(reference);
      expect(shipped.contentHash, reference).toBe(earlier.contentHash);
      expect(privacyOf(shipped), reference).toEqual(shippedInstrument(earlier.sameAs).privacy);
    }
    // Other content published under the same id and version gets no marks it did not ask for.
    expect(privacyOf({ ...shippedInstrument('context@1.0.0'), contentHash: 'another' })).toEqual({});
  });

  it('makes marked questions quasi-identifiers in every version and wave that asks them, whatever the study names', () => {
    const marked = shippedInstrument('context@1.1.0');
    const design: StudyDesign = {
      ...oneWave(marked),
      waves: [
        { waveId: 'baseline', ordinal: 0, name: { en: 'Baseline', cy: 'Llinell sylfaen' }, instruments: [marked] },
        { waveId: 'later', ordinal: 1, name: { en: 'Later', cy: 'Hwyrach' }, instruments: [shippedInstrument('context@1.0.0')] },
      ],
    };

    const privacy = studyPrivacy(design, ['ctx_living_situation', 'not_asked']);

    expect(privacy.markedByInstruments).toEqual(['ctx_age_band', 'ctx_gender', 'ctx_local_authority']);
    expect(privacy.namedByStudy).toEqual(['ctx_living_situation']);
    expect(privacy.quasiIdentifierItems).toEqual(['ctx_living_situation', 'ctx_age_band', 'ctx_gender', 'ctx_local_authority']);
    const plan = planVariables(design, { includeFreeText: false });
    for (const name of ['ctx_local_authority', 'b_ctx_local_authority', 'f1_ctx_local_authority']) {
      const variable = find([...plan.long, ...plan.wide], name);
      expect(variable.valueLabels.map((l) => l.value), name).toContain('suppressed');
      expect(variable.derivation, name).toMatch(/Marked as a quasi-identifier by its instrument; asked at several waves, it counts once/);
    }
  });
});

describe('ages', () => {
  it.each([
    [0, 'age_under_16'],
    [15, 'age_under_16'],
    [16, 'age_16_17'],
    [17.9, 'age_16_17'],
    [18, 'age_18_20'],
    [20, 'age_18_20'],
    [21, 'age_21_25'],
    [25, 'age_21_25'],
    [26, 'age_26_plus'],
    [64, 'age_26_plus'],
  ])('band %s years as %s', (age, band) => {
    expect(ageBandOf(age)).toBe(band);
  });

  it('export a question marked as an age only as its band, and as a quasi-identifier', () => {
    const plan = planVariables(oneWave(checkedInstrument(aboutMe({ ages: ['am_age'] }))), { includeFreeText: false });
    const age = find(plan.long, 'am_age');

    expect(age.type).toBe('string');
    // Neighbouring bands may merge where k needs it: under 18, 18 to 25; 26 or over stays as it is.
    expect(age.valueLabels.map((l) => l.value)).toEqual(['age_under_16', 'age_16_17', 'age_18_20', 'age_21_25', 'age_26_plus', 'age_under_18', 'age_18_25', 'suppressed']);
    expect(age.derivation).toMatch(/only as its band \(under 16, 16–17, 18–20, 21–25, 26 or over/);
    expect(age.derivation).toMatch(/Marked as a quasi-identifier by its instrument/);
    expect([19, '19', 30, 12].map((value) => encodeItemValue(age, value))).toEqual(['age_18_20', 'age_18_20', 'age_26_plus', 'age_under_16']);
    expect(encodeItemValue(age, 'nineteen')).toBeNull();
    expect(find(plan.wide, 'b_am_age').valueLabels.map((l) => l.value)).toContain('age_21_25');
  });

  it('go out exactly when no instrument marks them (the README says so)', () => {
    const plan = planVariables(oneWave(checkedInstrument(aboutMe())), { includeFreeText: false });

    expect(find(plan.long, 'am_age').type).toBe('numeric');
    expect(encodeItemValue(find(plan.long, 'am_age'), 19)).toBe(19);
  });
});

describe('dates', () => {
  it.each([
    ['2025-03-14', '2025-03'],
    ['2025-03-14T09:30', '2025-03'],
    ['2025-03', '2025-03'],
    ['2025-W01', '2025-01'],
    ['2026-W01', '2026-01'],
    ['2020-W53', '2020-12'],
    ['2025-W14', '2025-04'],
    ['14/03/2025', null],
    ['=HYPERLINK("x")', null],
    ['2025-13-01', null],
  ])('%s goes out as %s', (value, month) => {
    expect(monthOf(value)).toBe(month);
  });

  it('are left out with free text by default', () => {
    const plan = planVariables(oneWave(checkedInstrument(aboutMe())), { includeFreeText: false });

    expect(plan.long.map((v) => v.name)).not.toContain('am_left_care');
    expect(plan.long.map((v) => v.name)).not.toContain('am_moved_week');
  });

  it('are exported as months only, never whole, even when free text is asked for', () => {
    const plan = planVariables(oneWave(checkedInstrument(aboutMe())), { includeFreeText: true });
    const leftCare = find(plan.long, 'am_left_care');

    expect(leftCare.value).toMatchObject({ coding: { kind: 'month' } });
    expect(leftCare.derivation).toMatch(/month only \(YYYY-MM/);
    expect(encodeItemValue(leftCare, '2024-09-15')).toBe('2024-09');
    expect(encodeItemValue(find(plan.long, 'am_moved_week'), '2025-W14')).toBe('2025-04');
    // The free-text question is still free text.
    expect(find(plan.long, 'am_notes').value).toMatchObject({ coding: { kind: 'text' } });
  });

  it('keep a column to months when one version asks a date and another free text under the same name', () => {
    const dated = checkedInstrument(aboutMe());
    const { contentHash: _hash, ...file } = dated;
    const survey = structuredClone(file.survey) as { pages: { elements: Record<string, unknown>[] }[] };
    survey.pages[0]!.elements = survey.pages[0]!.elements.map((e) => (e.name === 'am_left_care' ? { ...e, inputType: 'text' } : e));
    const typed = checkedInstrument({ ...file, version: '1.1.0', survey });
    const design: StudyDesign = {
      ...oneWave(dated),
      waves: [
        { waveId: 'baseline', ordinal: 0, name: { en: 'Baseline', cy: 'Llinell sylfaen' }, instruments: [dated] },
        { waveId: 'later', ordinal: 1, name: { en: 'Later', cy: 'Hwyrach' }, instruments: [typed] },
      ],
    };

    const leftCare = find(planVariables(design, { includeFreeText: true }).long, 'am_left_care');

    expect(leftCare.value).toMatchObject({ coding: { kind: 'month' } });
    expect(encodeItemValue(leftCare, '2024-09-15')).toBe('2024-09');
  });
});
