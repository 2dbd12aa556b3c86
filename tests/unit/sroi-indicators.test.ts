/**
 * Indicators recomputed from a dataset export's scores.csv and codebook.json
 * (given as text, laid out as functions/exports/build-dataset.ts writes them),
 * and the problems an indicator the dataset cannot meet gets.
 */
import { describe, expect, it } from 'vitest';
import { runSroi } from '../../sroi/analysis.js';
import type { DatasetFiles } from '../../sroi/indicators.js';

const WAVES = [
  { waveId: 'baseline', ordinal: 0, prefix: 'b', instruments: [{ id: 'ons4', version: '1.0.0', contentHash: 'ons4-hash' }, { id: 'swemwbs', version: '1.0.0', contentHash: 'swemwbs-hash' }] },
  { waveId: 'twelve-months', ordinal: 1, prefix: 'f1', instruments: [{ id: 'ons4', version: '1.0.0', contentHash: 'ons4-hash' }, { id: 'swemwbs', version: '1.0.0', contentHash: 'swemwbs-hash' }] },
];

const HEADER = 'pid,wave,wave_ordinal,days_since_baseline,instrument,instrument_version,scale,answered,raw,score,band,baseline_score,change,meaningful_change,direction';

/** [pid, wave, instrument, scale, score, band, baseline score, change, meaningful, direction] */
type Row = [string, string, string, string, number | '', string, number | '', number | '', 0 | 1 | '', string];

/**
 * SWEMWBS (metric scores; threshold 3):
 *   p1 19.25 → 25.03 (+5.78, meaningful, improved)   p2 15.32 → 15.84 (+0.52, not meaningful)
 *   p3 25.03 → 21.03 (−4, meaningful, worsened)       p4 baseline only   p5 follow-up not comparable (no change)
 * ONS4 life satisfaction (bands low 0–4, medium 5–6, high 7–8):
 *   p1 3 → 6 (+3, low → medium)   p2 5 → 4 (−1, medium → low)   p3 7 → 7 (0, high)   p4 baseline only
 */
const ROWS: Row[] = [
  ['p1', 'baseline', 'swemwbs', 'swemwbs', 19.25, '', '', '', '', ''],
  ['p1', 'twelve-months', 'swemwbs', 'swemwbs', 25.03, '', 19.25, 5.78, 1, 'improved'],
  ['p2', 'baseline', 'swemwbs', 'swemwbs', 15.32, '', '', '', '', ''],
  ['p2', 'twelve-months', 'swemwbs', 'swemwbs', 15.84, '', 15.32, 0.52, 0, 'improved'],
  ['p3', 'baseline', 'swemwbs', 'swemwbs', 25.03, '', '', '', '', ''],
  ['p3', 'twelve-months', 'swemwbs', 'swemwbs', 21.03, '', 25.03, -4, 1, 'worsened'],
  ['p4', 'baseline', 'swemwbs', 'swemwbs', 19.25, '', '', '', '', ''],
  ['p5', 'twelve-months', 'swemwbs', 'swemwbs', 19.25, '', '', '', '', ''],
  ['p1', 'baseline', 'ons4', 'life_satisfaction', 3, 'low', '', '', '', ''],
  ['p1', 'twelve-months', 'ons4', 'life_satisfaction', 6, 'medium', 3, 3, '', 'improved'],
  ['p2', 'baseline', 'ons4', 'life_satisfaction', 5, 'medium', '', '', '', ''],
  ['p2', 'twelve-months', 'ons4', 'life_satisfaction', 4, 'low', 5, -1, '', 'worsened'],
  ['p3', 'baseline', 'ons4', 'life_satisfaction', 7, 'high', '', '', '', ''],
  ['p3', 'twelve-months', 'ons4', 'life_satisfaction', 7, 'high', 7, 0, '', 'unchanged'],
  ['p4', 'baseline', 'ons4', 'life_satisfaction', 2, 'low', '', '', '', ''],
];

function datasetFiles(rows: Row[] = ROWS, waves = WAVES): DatasetFiles {
  const lines = rows.map(([pid, wave, instrument, scale, score, band, baseline, change, meaningful, direction]) =>
    [pid, wave, waves.find((w) => w.waveId === wave)!.ordinal, wave === 'baseline' ? 0 : 365, instrument, '1.0.0', scale, 1, score, score, band, baseline, change, meaningful, direction].join(','),
  );
  const scales: Record<string, string[]> = { ons4: ['life_satisfaction', 'worthwhile', 'happiness', 'anxiety'], swemwbs: ['swemwbs'] };
  const variables = [
    { files: ['scores.csv'], name: 'band', kind: 'score', type: 'string', valueLabels: ['low', 'medium', 'high', 'very_high', 'very_low'].map((value) => ({ value, label: { en: value, cy: value } })) },
    ...waves.flatMap((wave) =>
      wave.instruments.flatMap((instrument) =>
        scales[instrument.id]!.map((scaleId) => ({
          files: ['responses_wide.csv'],
          name: `${wave.prefix}_${scaleId}_score`,
          kind: 'score',
          type: 'numeric',
          valueLabels: [],
          source: { instrumentId: instrument.id, versions: [instrument.version], scaleId, waveId: wave.waveId },
        })),
      ),
    ),
  ];
  const codebook = { studyId: 'study-1', synthetic: false, exportId: '01EXPORT', exportedAt: '2026-03-02T10:00:00.000Z', options: {}, waves, files: {}, specialCodes: {}, variables };
  return { scoresCsv: `\uFEFF${HEADER}\r\n${lines.join('\r\n')}\r\n`, codebookJson: JSON.stringify(codebook, null, 2) };
}

function modelWith(indicator: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: 'test-model',
    version: '1.0.0',
    title: 'Test',
    study: 'study-1',
    // 2019 prices, the WELLBY's own, so no price index is needed.
    settings: { priceYear: 2019, analysisPeriodYears: 1, monteCarlo: { iterations: 100 } },
    stakeholders: [{ id: 'young-people', name: 'Young people' }],
    inputs: [{ description: 'Grant', value: 1000 }],
    outcomes: [
      {
        id: 'change',
        stakeholder: 'young-people',
        description: 'A change',
        indicator,
        proxy: indicator.kind === 'wellby' ? { kind: 'wellby' } : { kind: 'entered', value: 100, source: 'test', priceYear: 2019 },
        durationYears: 1,
        dropOffPercent: 0,
        deadweightPercent: 0,
        attributionPercent: 0,
        displacementPercent: 0,
        ...extra,
      },
    ],
  };
}

function run(indicator: Record<string, unknown>, extra: Record<string, unknown> = {}, files = datasetFiles()) {
  return runSroi({ model: modelWith(indicator, extra), dataset: files });
}

function indicatorOf(indicator: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const result = run(indicator, extra);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return { indicator: result.result.outcomes[0]!.indicator, quantity: result.result.outcomes[0]!.quantity, result: result.result };
}

const swemwbs = { instrument: 'swemwbs', scale: 'swemwbs', fromWave: 'baseline', toWave: 'twelve-months' };
const lifeSatisfaction = { instrument: 'ons4', scale: 'life_satisfaction', fromWave: 'baseline', toWave: 'twelve-months' };

describe('a score-change indicator', () => {
  it("counts meaningful improvements with the export's own flag: p1 of the three scored at both waves (p3 worsened meaningfully)", () => {
    const { indicator } = indicatorOf({ kind: 'score-change', ...swemwbs, rule: 'meaningful-improvement' });

    expect(indicator).toMatchObject({ respondents: 3, count: 1, movement: { rose: 2, same: 0, fell: 1 } });
  });

  it('counts improvements of at least a threshold: 0.5 points takes in p1 (+5.78) and p2 (+0.52)', () => {
    expect(indicatorOf({ kind: 'score-change', ...swemwbs, rule: 'improved-by-at-least', threshold: 0.5 }).indicator).toMatchObject({ respondents: 3, count: 2 });
    expect(indicatorOf({ kind: 'score-change', ...swemwbs, rule: 'improved-by-at-least', threshold: 0.53 }).indicator).toMatchObject({ count: 1 });
  });

  it('scales the count to the cohort: 1 of 3 respondents × a cohort of 30 = 10', () => {
    const { quantity, result } = indicatorOf({ kind: 'score-change', ...swemwbs, rule: 'meaningful-improvement' }, { scaling: { cohortSize: 30, source: 'records' } });

    expect(quantity).toBe(10);
    expect(result.outcomes[0]!.impact).toBe(1000);
  });

  it('cites the export and the instrument version at each wave', () => {
    const { result } = indicatorOf({ kind: 'score-change', ...swemwbs, rule: 'meaningful-improvement' });

    expect(result.dataset).toEqual({
      studyId: 'study-1',
      exportId: '01EXPORT',
      exportedAt: '2026-03-02T10:00:00.000Z',
      synthetic: false,
      instrumentVersions: [
        { instrument: 'swemwbs', waveId: 'baseline', version: '1.0.0', contentHash: 'swemwbs-hash' },
        { instrument: 'swemwbs', waveId: 'twelve-months', version: '1.0.0', contentHash: 'swemwbs-hash' },
      ],
    });
  });
});

describe('a band-exit indicator', () => {
  it('counts those in a band at the first wave and out of it at the second: p1 leaves low; p2 enters it; p4 has no second score', () => {
    expect(indicatorOf({ kind: 'band-exit', ...lifeSatisfaction, fromBands: ['low'] }).indicator).toMatchObject({ respondents: 3, count: 1 });
  });

  it('takes several bands as one: from low or medium, p1 (to medium) and p2 (to low) never leave them', () => {
    expect(indicatorOf({ kind: 'band-exit', ...lifeSatisfaction, fromBands: ['low', 'medium'] }).indicator).toMatchObject({ respondents: 3, count: 0 });
    expect(indicatorOf({ kind: 'band-exit', ...lifeSatisfaction, fromBands: ['medium'] }).indicator).toMatchObject({ count: 1 });
  });
});

describe('a wellby indicator', () => {
  it('sums the net change in life satisfaction: +3 − 1 + 0 = 2 WELLBYs, valued at £13,000 each', () => {
    const { indicator, quantity, result } = indicatorOf({ kind: 'wellby', ...lifeSatisfaction });

    expect(indicator).toMatchObject({ respondents: 3, count: 2, movement: { rose: 1, same: 1, fell: 1 } });
    expect(quantity).toBe(2);
    expect(result.outcomes[0]!.impact).toBe(26000);
  });

  it('defaults to ONS4 life satisfaction', () => {
    expect(indicatorOf({ kind: 'wellby', fromWave: 'baseline', toWave: 'twelve-months' }).indicator.count).toBe(2);
  });
});

describe('an indicator the dataset cannot meet', () => {
  const problemsOf = (indicator: Record<string, unknown>, files = datasetFiles()) => {
    const result = run(indicator, {}, files);
    return result.ok ? [] : result.problems;
  };

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a scale the instrument lacks', { kind: 'wellby', ...lifeSatisfaction, scale: 'life_satisfation' }, 'outcomes[0].indicator.scale', /no score "life_satisfation" of ons4 at wave "baseline" \(scales: life_satisfaction, worthwhile, happiness, anxiety\)/],
    ['a wave the study lacks', { kind: 'wellby', ...lifeSatisfaction, toWave: 'six-months' }, 'outcomes[0].indicator.toWave', /no wave "six-months" \(waves: baseline, twelve-months\)/],
    ['an instrument no wave ran', { kind: 'band-exit', ...lifeSatisfaction, instrument: 'context', fromBands: ['low'] }, 'outcomes[0].indicator.instrument', /did not run "context"/],
    ['a band the dataset lacks', { kind: 'band-exit', ...lifeSatisfaction, fromBands: ['lowest'] }, 'outcomes[0].indicator.fromBands[0]', /no band "lowest"/],
    ['a change measured from a follow-up', { kind: 'score-change', ...swemwbs, fromWave: 'twelve-months', toWave: 'baseline', rule: 'meaningful-improvement' }, 'outcomes[0].indicator.fromWave', /must be the baseline/],
  ])('refuses %s, naming the field', (_name, indicator, path, message) => {
    expect(problemsOf(indicator)).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('refuses a dataset of another study than the model names', () => {
    const files = datasetFiles();
    const result = runSroi({ model: { ...modelWith({ kind: 'wellby', ...lifeSatisfaction }), study: 'another-study' }, dataset: files });

    expect(result).toMatchObject({ ok: false, problems: [{ path: 'study', message: expect.stringMatching(/export of "study-1"/) }] });
  });

  it('asks for a dataset when an indicator needs one', () => {
    const result = runSroi({ model: modelWith({ kind: 'wellby', ...lifeSatisfaction }) });

    expect(result).toMatchObject({ ok: false, problems: [{ path: 'outcomes[0].indicator', message: expect.stringMatching(/give one \(--dataset/) }] });
  });

  it('refuses files that are not a Pont export', () => {
    const result = runSroi({ model: modelWith({ kind: 'wellby', ...lifeSatisfaction }), dataset: { scoresCsv: 'a,b\r\n1,2\r\n', codebookJson: '{}' } });

    expect(result).toMatchObject({ ok: false, problems: [{ path: 'codebook.json' }] });
  });

  it('warns when the two waves ran different versions of the instrument', () => {
    const waves = structuredClone(WAVES);
    waves[1]!.instruments[0]!.version = '1.1.0';
    const result = run({ kind: 'wellby', ...lifeSatisfaction }, {}, datasetFiles(ROWS, waves));

    expect(result.ok && result.result.warnings.join(' ')).toMatch(/ons4 is version 1.0.0 at baseline and 1.1.0 at twelve-months/);
  });
});
