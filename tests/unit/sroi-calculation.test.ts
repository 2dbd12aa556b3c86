/**
 * The SROI formulas on hand-computed cases (docs/sroi.md states them).
 * Figures in the comments were worked out by hand, to more places than
 * asserted; money is checked to the penny, ratios to 6 places.
 */
import { describe, expect, it } from 'vitest';
import { runSroi, type SroiResult } from '../../sroi/analysis.js';
import { calculate } from '../../sroi/calculate.js';
import { Exact, exactArithmetic, floatArithmetic } from '../../sroi/exact.js';

type Json = Record<string, unknown>;

/** One outcome of 10 units at £1,000 a unit, 20% deadweight, 10% drop-off over 3 years; £10,000 invested. */
function modelOf(outcomes: Json[] = [{}], settings: Json = {}, inputs: Json[] = [{ description: 'Grant', value: 10_000 }]): Json {
  return {
    id: 'test-model',
    version: '1.0.0',
    title: 'Test',
    settings: { priceYear: 2025, analysisPeriodYears: 3, monteCarlo: { iterations: 200 }, ...settings },
    stakeholders: [{ id: 'young-people', name: 'Young people' }],
    inputs,
    outcomes: outcomes.map((o, i) => ({
      id: `outcome-${i + 1}`,
      stakeholder: 'young-people',
      description: 'A change',
      indicator: { kind: 'manual', quantity: 10, source: 'test' },
      proxy: { kind: 'entered', value: 1000, source: 'test', priceYear: 2025 },
      durationYears: 3,
      dropOffPercent: 10,
      deadweightPercent: 20,
      attributionPercent: 0,
      displacementPercent: 0,
      ...o,
    })),
  };
}

function analyse(model: Json): SroiResult {
  const run = runSroi({ model });
  if (!run.ok) throw new Error(JSON.stringify(run.problems));
  return run.result;
}

describe('impact, drop-off and discounting', () => {
  const result = analyse(modelOf());

  it('takes impact = quantity × proxy × (1 − deadweight) × (1 − displacement) × (1 − attribution): 10 × £1,000 × 0.8 = £8,000', () => {
    expect(result.outcomes[0]!.impact).toBe(8000);
    expect(result.totals.totalImpact).toBe(8000);
  });

  it('applies drop-off from the second year: £8,000, £7,200 (× 0.9), £6,480 (× 0.9²)', () => {
    expect(result.outcomes[0]!.values).toEqual([8000, 7200, 6480]);
  });

  it('discounts year 1 once at 3.5%: factors 1/1.035, 1/1.071225, 1/1.108717875', () => {
    // 0.96618357487…, 0.93351070036…, 0.90194270566…
    expect(result.years.map((y) => y.discountFactor)).toEqual([0.9661835749, 0.9335107004, 0.9019427057]);
    // 8000/1.035 = 7,729.4686; 7200/1.071225 = 6,721.2770; 6480/1.108717875 = 5,844.5887
    expect(result.years.map((y) => y.presentValue)).toEqual([7729.47, 6721.28, 5844.59]);
  });

  it('sums PV without rounding the years first: 20,295.3344 (the rounded years would add to 20,295.34)', () => {
    expect(result.totals.presentValue).toBe(20295.33);
    expect(result.outcomes[0]!.presentValue).toBe(20295.33);
    expect(result.years[2]!.cumulativePresentValue).toBe(20295.33);
  });

  it('puts the investment at year 0: NPV = PV − £10,000; ratio = PV ÷ £10,000; net ratio = NPV ÷ £10,000', () => {
    expect(result.totals.investment).toBe(10000);
    expect(result.totals.netPresentValue).toBe(10295.33);
    // 20,295.334374 / 10,000
    expect(result.totals.ratio).toBe(2.029533);
    expect(result.totals.netRatio).toBe(1.029533);
  });

  it('gives the paybacks: simple 10,000 ÷ (8,000 in year 1 ÷ 12) = 15 months; cumulative 12 + 12 × 2,000/7,200; discounted 12 + 12 × 2,270.53/6,721.28', () => {
    // cumulative: 12 + 3.3333 = 15.3333; discounted: 10,000 − 7,729.4686 = 2,270.5314 still to recover in year 2, 12 × 2,270.5314/6,721.2770 = 4.0538 → 16.0538
    expect(result.payback).toEqual({
      firstYearValue: 8000,
      simpleMonths: 15,
      cumulativeMonths: 15.333333,
      discountedCumulativeMonths: 16.05375,
      inWords: { simple: '15.00 months', cumulative: '15.33 months', discountedCumulative: '16.05 months' },
    });
  });
});

describe('outcome start and duration', () => {
  it('values an outcome starting in year 2 for its duration only: £8,000 in years 2 and 3, then half as much', () => {
    const result = analyse(modelOf([{ startYear: 2, durationYears: 2, dropOffPercent: 50 }], { analysisPeriodYears: 4 }));

    expect(result.outcomes[0]!.values).toEqual([0, 8000, 4000, 0]);
    // 8000/1.035² + 4000/1.035³ = 7,468.0856 + 3,607.7708
    expect(result.totals.presentValue).toBe(11075.86);
  });

  it('has no simple payback when nothing is valued in year 1, and says so; the cumulative paybacks still count the later years', () => {
    const result = analyse(modelOf([{ startYear: 2, durationYears: 2, dropOffPercent: 50 }], { analysisPeriodYears: 4 }));

    // The impact is £8,000, but it starts in year 2: year 1 is worth £0, so investment ÷ (0 ÷ 12) has no answer (not Infinity).
    expect(result.totals.totalImpact).toBe(8000);
    expect(result.payback.firstYearValue).toBe(0);
    expect(result.payback.simpleMonths).toBeNull();
    expect(result.payback.inWords.simple).toBe('no value in year 1');
    // cumulative: £8,000 by the end of year 2, £12,000 by the end of year 3: 24 + 12 × 2,000/4,000 = 30
    // discounted: 7,468.0856 by the end of year 2; 24 + 12 × (10,000 − 7,468.0856)/3,607.7708 = 24 + 12 × 0.701795 = 32.4215
    expect(result.payback).toMatchObject({ cumulativeMonths: 30, discountedCumulativeMonths: 32.421536 });
  });

  it('divides the simple payback by the value in year 1, not by the total impact of outcomes starting later', () => {
    // Two outcomes with £8,000 impacts: the first from year 1 (as above), the second in year 2 only. Total impact £16,000; year 1 £8,000.
    const result = analyse(modelOf([{}, { startYear: 2, durationYears: 1 }]));

    expect(result.totals.totalImpact).toBe(16000);
    expect(result.years.map((y) => y.value)).toEqual([8000, 15200, 6480]);
    // 10,000 ÷ (8,000 ÷ 12) = 15 months (÷ the total impact it would be 10,000 ÷ (16,000 ÷ 12) = 7.5)
    expect(result.payback).toMatchObject({ firstYearValue: 8000, simpleMonths: 15 });
    // cumulative: 12 + 12 × 2,000/15,200 = 12 + 1.5789474 = 13.578947 (six decimals, as every figure in sroi.json)
    expect(result.payback.cumulativeMonths).toBe(13.578947);
  });

  it('keeps the simple payback exact: the year-1 value is not rounded before dividing', () => {
    // A £1,000 proxy in 2023 prices × 100/90 = £1,111.111…; 10 units × 0.8 = £80,000/9 = £8,888.888… in year 1.
    // 10,000 ÷ (80,000/9 ÷ 12) = 10,000 × 108/80,000 = 13.5 exactly (a rounded £8,888.89 would give 13.4999983…).
    const figures = calculate(exactArithmetic, {
      outcomes: [
        { startYear: 1, durationYears: 1, quantity: Exact.of(10), proxy: Exact.of(1000).times(Exact.of(100)).dividedBy(Exact.of(90)), deadweight: Exact.of(0.2), displacement: Exact.ZERO, attribution: Exact.ZERO, dropOff: Exact.ZERO },
      ],
      investment: Exact.of(10000),
      discountRate: Exact.of(0.035),
      periodYears: 1,
    });

    expect(figures.firstYearValue.toString()).toBe('80000/9');
    expect(figures.simplePaybackMonths!.toString()).toBe('27/2');
  });

  it('has no simple payback when the outcomes valued in year 1 net to a loss', () => {
    const outcome = { startYear: 1, durationYears: 1, proxy: Exact.of(1000), deadweight: Exact.ZERO, displacement: Exact.ZERO, attribution: Exact.ZERO, dropOff: Exact.ZERO };
    const figures = calculate(exactArithmetic, {
      outcomes: [{ ...outcome, quantity: Exact.of(-2) }],
      investment: Exact.of(10000),
      discountRate: Exact.of(0.035),
      periodYears: 1,
    });

    expect(figures.firstYearValue.toString()).toBe('-2000');
    expect(figures.simplePaybackMonths).toBeNull();
  });

  it('leaves out the years after the analysis period, and says so', () => {
    const result = analyse(modelOf([{ durationYears: 5, dropOffPercent: 0 }], { analysisPeriodYears: 2 }));

    expect(result.outcomes[0]!.values).toEqual([8000, 8000]);
    expect(result.warnings.join(' ')).toMatch(/outcome-1: lasts to year 5, beyond the 2-year analysis period/);
  });

  it('has no cumulative payback when the running total never reaches the investment', () => {
    const result = analyse(modelOf([{ durationYears: 1 }]));

    expect(result.payback.cumulativeMonths).toBeNull();
    expect(result.payback.discountedCumulativeMonths).toBeNull();
    expect(result.payback.simpleMonths).toBe(15);
  });
});

describe('deadweight at the ends of its range', () => {
  it('with zero deadweight values the whole change: 10 × £1,000 = £10,000 in year 1', () => {
    const result = analyse(modelOf([{ deadweightPercent: 0, durationYears: 1 }]));

    expect(result.outcomes[0]!.impact).toBe(10000);
    // 10,000 / 1.035 = 9,661.8357
    expect(result.totals.presentValue).toBe(9661.84);
  });

  it('with full deadweight values nothing: PV £0, ratio 0, NPV = −investment, no payback', () => {
    const result = analyse(modelOf([{ deadweightPercent: 100 }]));

    expect(result.outcomes[0]!.impact).toBe(0);
    expect(result.totals).toMatchObject({ presentValue: 0, ratio: 0, netPresentValue: -10000, netRatio: -1 });
    expect(result.payback).toEqual({
      firstYearValue: 0,
      simpleMonths: null,
      cumulativeMonths: null,
      discountedCumulativeMonths: null,
      inWords: { simple: 'no value in year 1', cumulative: 'not within the analysis period', discountedCumulative: 'not within the analysis period' },
    });
  });

  it('applies displacement and attribution like deadweight: 10 × £1,000 × 0.8 × 0.75 × 0.5 = £3,000', () => {
    const result = analyse(modelOf([{ displacementPercent: 25, attributionPercent: 50, durationYears: 1 }]));

    expect(result.outcomes[0]!.impact).toBe(3000);
  });
});

describe('price years', () => {
  // Index 2019 = 80, 2023 = 90, 2025 = 100.
  const priceIndex = { source: 'test index', values: { '2019': 80, '2023': 90, '2025': 100 } };
  const result = analyse(
    modelOf(
      [
        { proxy: { kind: 'entered', value: 100, source: 'a 2019 study', priceYear: 2019 }, deadweightPercent: 0, durationYears: 1 },
        { proxy: { kind: 'entered', value: 200, source: 'a 2025 study', priceYear: 2025 }, deadweightPercent: 0, durationYears: 1 },
      ],
      { priceIndex, analysisPeriodYears: 1 },
      [{ description: 'Spent in 2023', value: 1000, priceYear: 2023 }],
    ),
  );

  it('uprates each proxy by index[analysis year] ÷ index[its year]: £100 × 100/80 = £125; £200 stays £200', () => {
    expect(result.outcomes.map((o) => [o.proxy.upratingFactor, o.proxy.valueInAnalysisPrices])).toEqual([
      [1.25, 125],
      [1, 200],
    ]);
    // 10 × £125 + 10 × £200 = £3,250 in year 1
    expect(result.years[0]!.value).toBe(3250);
  });

  it('uprates inputs too: £1,000 × 100/90 = £1,111.11 (exactly 10,000/9, kept exact through the ratio)', () => {
    expect(result.inputs[0]).toMatchObject({ upratingFactor: 1.1111111111, valueInAnalysisPrices: 1111.11 });
    // PV 3,250 / 1.035 = 3,140.0966; ratio 3,140.0966 / (10,000/9) = 2.826087 (a rounded £1,111.11 would give 2.826089)
    expect(result.totals.presentValue).toBe(3140.1);
    expect(result.totals.ratio).toBe(2.826087);
  });

  it('values the WELLBY at £13,000 in 2019 prices: uprated with the index like any proxy', () => {
    const wellby = analyse(
      modelOf([{ indicator: { kind: 'manual', quantity: 2, source: 'test' }, proxy: { kind: 'wellby' }, deadweightPercent: 0, durationYears: 1 }], {
        priceIndex,
        analysisPeriodYears: 1,
      }),
    );

    // 2 WELLBYs × £13,000 × 100/80 = £32,500
    expect(wellby.outcomes[0]!.proxy).toMatchObject({ kind: 'wellby', value: 13000, priceYear: 2019, valueInAnalysisPrices: 16250 });
    expect(wellby.outcomes[0]!.impact).toBe(32500);
    expect(wellby.outcomes[0]!.proxy.source).toMatch(/Green Book.*Wellbeing Guidance for Appraisal \(2021\)/);
  });
});

describe('the formulas in floating point (Monte Carlo) and exactly', () => {
  it('agree to far below a penny', () => {
    const outcome = { startYear: 1, durationYears: 3 };
    const exact = calculate(exactArithmetic, {
      outcomes: [{ ...outcome, quantity: Exact.of(10), proxy: Exact.of(1000), deadweight: Exact.of(0.2), displacement: Exact.ZERO, attribution: Exact.ZERO, dropOff: Exact.of(0.1) }],
      investment: Exact.of(10000),
      discountRate: Exact.of(0.035),
      periodYears: 3,
    });
    const float = calculate(floatArithmetic, {
      outcomes: [{ ...outcome, quantity: 10, proxy: 1000, deadweight: 0.2, displacement: 0, attribution: 0, dropOff: 0.1 }],
      investment: 10000,
      discountRate: 0.035,
      periodYears: 3,
    });

    expect(Math.abs(float.presentValue - exact.presentValue.toNumber())).toBeLessThan(1e-9);
    expect(exact.presentValue.toFixed(6)).toBe('20295.334374');
  });
});
