/**
 * Sensitivity analysis, switching values, tornado order and the seeded Monte
 * Carlo run, on the hand-computed case of sroi-calculation.test.ts: 10 units
 * × £1,000 × (1 − 20% deadweight), 10% drop-off over 3 years, 3.5%, £10,000
 * invested; PV £20,295.334374, ratio 2.029533.
 */
import { describe, expect, it } from 'vitest';
import { runSroi, type SroiResult } from '../../sroi/analysis.js';
import { Exact } from '../../sroi/exact.js';
import { mulberry32, percentile, triangular } from '../../sroi/monte-carlo.js';

type Json = Record<string, any>;

function model(change: (m: Json) => void = () => {}): Json {
  const m: Json = {
    id: 'test-model',
    version: '1.0.0',
    title: 'Test',
    settings: { priceYear: 2025, analysisPeriodYears: 3, monteCarlo: { iterations: 2000, seed: 42 } },
    stakeholders: [{ id: 'young-people', name: 'Young people' }],
    inputs: [{ description: 'Grant', value: 10_000 }],
    outcomes: [
      {
        id: 'better',
        stakeholder: 'young-people',
        description: 'A change',
        indicator: { kind: 'manual', quantity: 10, source: 'test' },
        proxy: { kind: 'entered', value: 1000, source: 'test', priceYear: 2025 },
        durationYears: 3,
        dropOffPercent: 10,
        deadweightPercent: 20,
        attributionPercent: 0,
        displacementPercent: 0,
      },
    ],
  };
  change(m);
  return m;
}

function analyse(m: Json): SroiResult {
  const run = runSroi({ model: m });
  if (!run.ok) throw new Error(JSON.stringify(run.problems));
  return run.result;
}

const rowOf = (result: SroiResult, id: string) => result.sensitivity.find((s) => s.id === id)!;

describe('one assumption at a time', () => {
  const result = analyse(model());

  it('varies each share by ±10 points within 0–100% by default: deadweight 10–30% gives ratios 2.283225 and 1.775842', () => {
    // PV is proportional to (1 − deadweight): 20,295.334374 × 0.9/0.8 and × 0.7/0.8
    expect(rowOf(result, 'outcomes[0].deadweight')).toMatchObject({ unit: 'percent', central: 20, low: 10, high: 30, ratioAtLow: 2.283225, ratioAtHigh: 1.775842 });
    expect(rowOf(result, 'outcomes[0].attribution')).toMatchObject({ low: 0, high: 10 });
  });

  it('takes the ranges a model states for an outcome, and the WELLBY’s Green Book range for its proxy', () => {
    const stated = analyse(model((m) => (m.outcomes[0].sensitivity = { deadweightPercent: { low: 0, high: 50 }, durationYears: { low: 1, high: 3 } })));
    expect(rowOf(stated, 'outcomes[0].deadweight')).toMatchObject({ low: 0, high: 50 });
    expect(rowOf(stated, 'outcomes[0].duration')).toMatchObject({ low: 1, high: 3 });

    const wellby = analyse(
      model((m) => {
        m.settings.priceYear = 2019;
        m.outcomes[0].proxy = { kind: 'wellby' };
      }),
    );
    expect(rowOf(wellby, 'outcomes[0].proxy')).toMatchObject({ unit: 'pounds', central: 13000, low: 10000, high: 16000 });
  });

  it('says "none in range" where the 1:1 point lies outside the range tested, and records where it lies: the straight-line cases solved exactly', () => {
    // deadweight: 1 − 8,000/20,295.334374 = 60.582073%, outside 10–30%; attribution: 1 − 10,000/20,295.334374 = 50.727592%, outside 0–10%
    expect(rowOf(result, 'outcomes[0].deadweight')).toMatchObject({
      switchingValue: null,
      switchingOutsideRange: 60.582073,
      switching: 'none in range (1:1 at 60.58%, outside the stated 10–30%)',
    });
    expect(rowOf(result, 'outcomes[0].attribution')).toMatchObject({
      switchingValue: null,
      switchingOutsideRange: 50.727592,
      switching: 'none in range (1:1 at 50.73%, outside the stated 0–10%)',
    });
    // proxy: £1,000 × 10,000/20,295.334374 = £492.72, outside £750–£1,250; quantity: 10 × the same = 4.927241, outside 8–12
    expect(rowOf(result, 'outcomes[0].proxy')).toMatchObject({
      switchingValue: null,
      switchingOutsideRange: 492.72,
      switching: 'none in range (1:1 at £492.72, outside the stated £750.00–£1,250.00)',
    });
    expect(rowOf(result, 'outcomes[0].quantity')).toMatchObject({ switchingValue: null, switchingOutsideRange: 4.927241, switching: 'none in range (1:1 at 4.93, outside the stated 8–12)' });
    // investment: the PV itself, £20,295.33, outside £9,000–£11,000
    expect(rowOf(result, 'inputs.investment')).toMatchObject({
      switchingValue: null,
      switchingOutsideRange: 20295.33,
      switching: 'none in range (1:1 at £20,295.33, outside the stated £9,000.00–£11,000.00)',
    });
  });

  it('finds the drop-off and discount rate by search: 75.43% and 54.05%, both outside their ranges', () => {
    // drop-off: 8,000 × (1/1.035 + x/1.035² + x²/1.035³) = 10,000 with x = 1 − d: x = 0.245701, d = 75.4299%, outside 0–20%
    const dropOff = rowOf(result, 'outcomes[0].dropOff');
    expect(dropOff.switchingValue).toBeNull();
    expect(dropOff.switchingOutsideRange).toBeCloseTo(75.4299, 3);
    expect(dropOff.switching).toBe('none in range (1:1 at 75.43%, outside the stated 0–20%)');
    // discount rate: 8,000/(1+r) + 7,200/(1+r)² + 6,480/(1+r)³ = 10,000 at r = 54.0462%, outside 1.5–5.5%
    const rate = rowOf(result, 'settings.discountRate');
    expect(rate.switchingValue).toBeNull();
    expect(rate.switchingOutsideRange).toBeCloseTo(54.0462, 3);
    expect(rate.switching).toBe('none in range (1:1 at 54.05%, outside the stated 1.5–5.5%)');
  });

  it('gives the switching value where the 1:1 point lies within the range the model states', () => {
    const wide = analyse(model((m) => (m.outcomes[0].sensitivity = { deadweightPercent: { low: 0, high: 70 } })));

    // 60.582073% lies within 0–70%
    expect(rowOf(wide, 'outcomes[0].deadweight')).toMatchObject({ low: 0, high: 70, switchingValue: 60.582073, switchingOutsideRange: null, switching: '1:1 at 60.58%' });
  });

  it('gives the duration in whole years: 1 year is worth £7,729.47, below £10,000; 2 years £14,450.75', () => {
    // 2 years lies within the default 2–4 years (3 ± 1)
    expect(rowOf(result, 'outcomes[0].duration')).toMatchObject({ unit: 'years', low: 2, high: 4, switchingValue: 2, switchingOutsideRange: null, switching: '1:1 between 1 and 2 years' });
    // … and outside a stated 3–4 years
    const stated = analyse(model((m) => (m.outcomes[0].sensitivity = { durationYears: { low: 3, high: 4 } })));
    expect(rowOf(stated, 'outcomes[0].duration')).toMatchObject({
      switchingValue: null,
      switchingOutsideRange: 2,
      switching: 'none in range (1:1 between 1 and 2 years, outside the stated 3–4 years)',
    });
  });

  it('says "none in range" where no value at all can bring the ratio to 1:1', () => {
    const robust = analyse(model((m) => (m.inputs[0].value = 5000)));
    // With £5,000 invested, even a 100% drop-off leaves year 1's £7,729.47.
    expect(rowOf(robust, 'outcomes[0].dropOff')).toMatchObject({
      switchingValue: null,
      switchingOutsideRange: null,
      switching: 'none in range (not 1:1 at any value from 0% to 100%)',
    });
    const unvalued = analyse(model((m) => (m.outcomes[0].proxy.value = 0)));
    expect(rowOf(unvalued, 'outcomes[0].deadweight')).toMatchObject({
      switchingValue: null,
      switchingOutsideRange: null,
      switching: 'none in range (not 1:1 at any value from 0% to 100%)',
    });
  });

  it('orders the rows as a tornado: widest swing first', () => {
    const swings = result.sensitivity.map((s) => Math.abs(s.ratioAtHigh - s.ratioAtLow));
    expect(swings).toEqual([...swings].sort((a, b) => b - a));
    // ±25% of the proxy moves the ratio by 2 × 0.25 × 2.029533 = 1.014767, the widest.
    expect(result.sensitivity[0]!.id).toBe('outcomes[0].proxy');
  });

  it('reports the headline range as the lowest and highest one-way ratios', () => {
    expect(result.headline.oneWayLowest).toBe(Math.min(...result.sensitivity.map((s) => Math.min(s.ratioAtLow, s.ratioAtHigh))));
    expect(result.headline.oneWayHighest).toBe(2.536917); // proxy +25%: 2.029533 × 1.25
  });
});

describe('Monte Carlo', () => {
  it('gives the same distribution for the same seed, and another for another seed', () => {
    const first = analyse(model()).monteCarlo;
    const again = analyse(model()).monteCarlo;
    const other = analyse(model((m) => (m.settings.monteCarlo.seed = 43))).monteCarlo;

    expect(again).toEqual(first);
    expect(other.percentiles).not.toEqual(first.percentiles);
    expect(first.iterations).toBe(2000);
    expect(first.histogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(2000);
  });

  it('gives exactly the central ratio in every draw when no range is wider than its central value', () => {
    const fixed = analyse(
      model((m) => {
        m.settings.sensitivity = { percentagePoints: 0, proxyPercent: 0, quantityPercent: 0, durationYears: 0, discountRatePercent: { low: 3.5, high: 3.5 }, investmentPercent: 0 };
      }),
    );

    expect(fixed.monteCarlo).toMatchObject({ min: 2.029533, max: 2.029533, mean: 2.029533, standardDeviation: 0, shareBelowOne: 0 });
    expect(fixed.monteCarlo.percentiles.p5).toBe(2.029533);
  });

  it('spreads around the central ratio, with percentiles in order', () => {
    const { percentiles: p, min, max } = analyse(model()).monteCarlo;

    expect([min, p.p5, p.p10, p.p25, p.p50, p.p75, p.p90, p.p95, max]).toEqual([min, p.p5, p.p10, p.p25, p.p50, p.p75, p.p90, p.p95, max].sort((a, b) => a - b));
    expect(p.p5).toBeLessThan(2.029533);
    expect(p.p95).toBeGreaterThan(2.029533);
  });

  it('draws from a triangular distribution: the mode at its split point, mean (low + mode + high) ÷ 3', () => {
    expect(triangular(0.25, 0, 0.25, 1)).toBeCloseTo(0.25, 12);
    expect(triangular(0, 2, 3, 5)).toBe(2);
    expect(triangular(0.999999999, 2, 3, 5)).toBeCloseTo(5, 3);
    const random = mulberry32(7);
    const draws = Array.from({ length: 20_000 }, () => triangular(random(), 0, 1, 5));
    expect(draws.reduce((s, d) => s + d, 0) / draws.length).toBeCloseTo(2, 1);
  });

  it('takes percentiles as a spreadsheet’s PERCENTILE.INC does', () => {
    // PERCENTILE.INC({1,2,3,4}, 0.25) = 1.75; (…, 0.5) = 2.5
    expect(percentile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([5], 0.95)).toBe(5);
  });
});

describe('exact arithmetic', () => {
  it('reads decimals as written: 0.1 + 0.2 is exactly 0.3', () => {
    expect(Exact.of(0.1).plus(Exact.of(0.2)).compare(Exact.of(0.3))).toBe(0);
    expect(Exact.of('1e-7').toString()).toBe('1/10000000');
    expect(Exact.of(1.5e21).toString()).toBe('1500000000000000000000');
  });

  it('rounds half away from zero only when shown, as ROUND does: 2.675 → 2.68, −0.125 → −0.13, 1/3 → 0.3333', () => {
    expect(Exact.of(2.675).toFixed(2)).toBe('2.68');
    expect(Exact.of(-0.125).toFixed(2)).toBe('-0.13');
    expect(Exact.ONE.dividedBy(Exact.of(3)).toFixed(4)).toBe('0.3333');
    expect(Exact.of(-0.001).toFixed(2)).toBe('0.00');
  });

  it('raises to whole powers, negative ones too: 1.035^−2 = 1/1.071225', () => {
    expect(Exact.of(1.035).pow(-2).compare(Exact.ONE.dividedBy(Exact.of(1.071225)))).toBe(0);
    expect(Exact.ZERO.pow(0).compare(Exact.ONE)).toBe(0);
    expect(() => Exact.of(2).pow(0.5)).toThrow(/whole powers/);
  });
});
