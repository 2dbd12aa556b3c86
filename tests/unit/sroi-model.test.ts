/** The SROI model format: what it refuses (naming the field), its JSON Schema and the example model. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SROI_SCHEMA_FILE } from '../../cli/sroi.js';
import { checkSroiModel, sroiModelJsonSchema } from '../../sroi/model.js';

type Json = Record<string, any>;

const DOCS = join(import.meta.dirname, '../../docs');

function validModel(): Json {
  return {
    id: 'test-model',
    version: '1.0.0',
    title: 'Test',
    settings: { priceYear: 2025, analysisPeriodYears: 3 },
    stakeholders: [{ id: 'young-people', name: 'Young people' }],
    inputs: [{ description: 'Grant', value: 10_000 }],
    outcomes: [
      {
        id: 'wellbeing',
        stakeholder: 'young-people',
        description: 'Better wellbeing',
        indicator: { kind: 'score-change', instrument: 'swemwbs', scale: 'swemwbs', fromWave: 'baseline', toWave: 'twelve-months', rule: 'meaningful-improvement' },
        proxy: { kind: 'entered', value: 1000, source: 'test', priceYear: 2025 },
        durationYears: 2,
        dropOffPercent: 10,
        deadweightPercent: 20,
        attributionPercent: 0,
        displacementPercent: 0,
      },
    ],
  };
}

function problemsOf(change: (model: Json) => void) {
  const model = validModel();
  change(model);
  const check = checkSroiModel(model);
  return check.ok ? [] : check.problems;
}

describe('a valid model', () => {
  it('is accepted, with the settings’ defaults filled in', () => {
    const check = checkSroiModel(validModel());

    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.model.settings).toMatchObject({ discountRatePercent: 3.5, monteCarlo: { iterations: 10_000, seed: 1 }, sensitivity: { percentagePoints: 10 } });
    expect(check.model.outcomes[0]!.startYear).toBe(1);
  });
});

describe('an invalid model', () => {
  it.each<[string, (m: Json) => void, string, RegExp]>([
    ['a negative investment', (m) => (m.inputs[0].value = -5), 'inputs[0].value', /must not be negative/],
    ['no investment at all', (m) => (m.inputs[0].value = 0), 'inputs', /total investment must be more than £0/],
    ['a deadweight over 100%', (m) => (m.outcomes[0].deadweightPercent = 120), 'outcomes[0].deadweightPercent', /at most 100/],
    ['a negative attribution', (m) => (m.outcomes[0].attributionPercent = -1), 'outcomes[0].attributionPercent', /must not be negative/],
    ['a drop-off over 100%', (m) => (m.outcomes[0].dropOffPercent = 100.5), 'outcomes[0].dropOffPercent', /at most 100/],
    ['a discount rate over 100%', (m) => (m.settings.discountRatePercent = 350), 'settings.discountRatePercent', /at most 100/],
    ['a negative proxy', (m) => (m.outcomes[0].proxy.value = -1), 'outcomes[0].proxy.value', /must not be negative/],
    ['a duration of half a year', (m) => (m.outcomes[0].durationYears = 0.5), 'outcomes[0].durationYears', /whole number of years/],
    ['an outcome starting in year 0', (m) => (m.outcomes[0].startYear = 0), 'outcomes[0].startYear', /1 \(during the activity\) or later/],
    ['an unknown stakeholder', (m) => (m.outcomes[0].stakeholder = 'funders'), 'outcomes[0].stakeholder', /not one of the stakeholders \(young-people\)/],
    ['an unknown indicator kind', (m) => (m.outcomes[0].indicator.kind = 'guess'), 'outcomes[0].indicator.kind', /.+/],
    ['improved-by-at-least without a threshold', (m) => (m.outcomes[0].indicator.rule = 'improved-by-at-least'), 'outcomes[0].indicator.threshold', /needs a threshold/],
    ['the same wave twice', (m) => (m.outcomes[0].indicator.toWave = 'baseline'), 'outcomes[0].indicator.toWave', /another wave than fromWave/],
    ['a WELLBY valuing a SWEMWBS count', (m) => (m.outcomes[0].proxy = { kind: 'wellby' }), 'outcomes[0].proxy', /use it with a wellby indicator/],
    [
      'a proxy from another price year without an index',
      (m) => (m.outcomes[0].proxy.priceYear = 2019),
      'outcomes[0].proxy.priceYear',
      /2019 differs from settings.priceYear \(2025\): add settings.priceIndex/,
    ],
    [
      'an index without the proxy’s year',
      (m) => {
        m.outcomes[0].proxy.priceYear = 2019;
        m.settings.priceIndex = { source: 'test', values: { '2025': 100 } };
      },
      'outcomes[0].proxy.priceYear',
      /priceIndex.values has no 2019/,
    ],
    [
      'a sensitivity range that leaves out the central value',
      (m) => (m.outcomes[0].sensitivity = { deadweightPercent: { low: 30, high: 40 } }),
      'outcomes[0].sensitivity.deadweightPercent',
      /must contain the central value 20/,
    ],
    ['a sensitivity range beyond 100%', (m) => (m.outcomes[0].sensitivity = { attributionPercent: { low: 0, high: 150 } }), 'outcomes[0].sensitivity.attributionPercent', /within 0–100/],
    ['an unknown field', (m) => (m.outcomes[0].deadWeight = 3), 'outcomes[0]', /^"deadWeight" is not a field here: check the spelling/],
    ['a proxy without its source', (m) => delete m.outcomes[0].proxy.source, 'outcomes[0].proxy.source', /^is missing: write where this value comes from$/],
    ['a quantity written as text', (m) => (m.settings.discountRatePercent = '3.5'), 'settings.discountRatePercent', /^must be a number, without quotes$/],
  ])('refuses %s, naming the field', (_name, change, path, message) => {
    expect(problemsOf(change)).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe('the JSON Schema', () => {
  it('is committed and matches the zod schema (npm run pont -- sroi schema)', () => {
    expect(JSON.parse(readFileSync(SROI_SCHEMA_FILE, 'utf8'))).toEqual(sroiModelJsonSchema());
  });
});

describe('the example model', () => {
  const example = JSON.parse(readFileSync(join(DOCS, 'sroi-example-model.json'), 'utf8'));

  it('is valid and references the JSON Schema', () => {
    expect(checkSroiModel(example)).toMatchObject({ ok: true });
    expect(example.$schema).toBe('./sroi-model.schema.json');
  });

  it('values ONS4 life satisfaction with the WELLBY and leaves every proxy it cannot know marked "replace me"', () => {
    const [lifeSatisfaction, ...others] = example.outcomes;
    expect(lifeSatisfaction).toMatchObject({ indicator: { kind: 'wellby', instrument: 'ons4', scale: 'life_satisfaction' }, proxy: { kind: 'wellby' } });
    for (const outcome of others) {
      expect(outcome.proxy.value).toBe(0);
      expect(outcome.proxy.source).toMatch(/^REPLACE ME/);
    }
    expect(JSON.stringify(example)).not.toMatch(/HACT[^']*£|Social Value Bank[^,]*\d/);
  });
});
