/**
 * The SROI calculation, following the SROI Network / Social Value UK value
 * map (Cabinet Office, "A guide to Social Return on Investment", 2012).
 * docs/sroi.md states each formula; in short:
 *
 *   impact        = quantity × proxy × (1 − deadweight) × (1 − displacement) × (1 − attribution)
 *   value in year t = impact × (1 − drop-off)^(t − start) for start ≤ t ≤ start + duration − 1
 *                   (and t within the analysis period), else 0
 *   PV            = Σ_t value_t ÷ (1 + r)^t, t = 1 … N (year 1 is discounted once)
 *   NPV           = PV − investment (the investment sits at year 0, undiscounted)
 *   SROI ratio    = PV ÷ investment;  net SROI ratio = NPV ÷ investment
 *   simple payback (months) = investment ÷ (value in year 1 ÷ 12), where the value
 *     in year 1 is Σ of the outcomes' values in analysis year 1 (undiscounted;
 *     an outcome starting in year 2 or later adds nothing to it)
 *   cumulative payback (months): when the running total of yearly values
 *     (undiscounted, or discounted) first reaches the investment, assuming
 *     each year's value accrues evenly through the year.
 *
 * Written once over Arithmetic so the reported figures are exact (Exact)
 * and the Monte Carlo run is fast (floating point), with the same formulas.
 */
import type { Arithmetic } from './exact.js';

/** One outcome's assumptions as fractions (25% = 0.25) and money in the analysis's prices. */
export type OutcomeAssumptions<N> = {
  quantity: N;
  /** £ per unit per year, already uprated to the analysis's price year. */
  proxy: N;
  deadweight: N;
  displacement: N;
  attribution: N;
  dropOff: N;
  startYear: number;
  durationYears: number;
};

export type Assumptions<N> = {
  outcomes: OutcomeAssumptions<N>[];
  /** Total investment in the analysis's prices, at year 0. */
  investment: N;
  discountRate: N;
  periodYears: number;
};

export type OutcomeFigures<N> = {
  /** The value map's impact: the outcome's value in its first year. */
  impact: N;
  /** Value in years 1 … N (index 0 is year 1), undiscounted. */
  values: N[];
  presentValue: N;
};

export type YearFigures<N> = {
  year: number;
  value: N;
  /** 1 ÷ (1 + r)^year */
  discountFactor: N;
  presentValue: N;
  cumulativeValue: N;
  cumulativePresentValue: N;
};

export type Calculation<N> = {
  outcomes: OutcomeFigures<N>[];
  years: YearFigures<N>[];
  /**
   * Σ of the outcomes' impacts (each in its own first year, whatever its start
   * year): the value map's total impact column. Not the year-1 value when an
   * outcome starts later, so not what the simple payback divides by.
   */
  totalImpact: N;
  /** Σ of the outcomes' values in analysis year 1, undiscounted (years[0].value): what the simple payback divides by. */
  firstYearValue: N;
  presentValue: N;
  investment: N;
  netPresentValue: N;
  ratio: N;
  netRatio: N;
  /** Investment ÷ (value in year 1 ÷ 12); null when the value in year 1 is not positive (no outcome starts then, they are worth £0, or they net to a loss). */
  simplePaybackMonths: N | null;
  /** null when the running total never reaches the investment within the analysis period. */
  cumulativePaybackMonths: N | null;
  discountedPaybackMonths: N | null;
};

/** What a payback that is null says, in sroi.json, the report and the spreadsheet's formulas. */
export const NO_PAYBACK = {
  /** The simple payback: nothing (or a net loss) is valued in year 1, so the investment is never repaid at that rate. */
  noValueInYearOne: 'no value in year 1',
  /** The cumulative paybacks: the running total does not reach the investment by the end of the analysis period. */
  notWithinPeriod: 'not within the analysis period',
} as const;

export function outcomeImpact<N>(num: Arithmetic<N>, o: OutcomeAssumptions<N>): N {
  const one = num.of(1);
  const keep = (share: N) => num.subtract(one, share);
  return [keep(o.deadweight), keep(o.displacement), keep(o.attribution)].reduce((value, factor) => num.multiply(value, factor), num.multiply(o.quantity, o.proxy));
}

/** The outcome's value in year t (undiscounted): drop-off applies from its second year; nothing outside its years. */
export function valueInYear<N>(num: Arithmetic<N>, o: OutcomeAssumptions<N>, impact: N, year: number): N {
  const yearsSinceStart = year - o.startYear;
  if (yearsSinceStart < 0 || yearsSinceStart >= o.durationYears) return num.of(0);
  return num.multiply(impact, num.power(num.subtract(num.of(1), o.dropOff), yearsSinceStart));
}

export function calculate<N>(num: Arithmetic<N>, a: Assumptions<N>): Calculation<N> {
  const zero = num.of(0);
  const yearNumbers = Array.from({ length: a.periodYears }, (_, i) => i + 1);
  const discountFactors = yearNumbers.map((year) => num.divide(num.of(1), num.power(num.add(num.of(1), a.discountRate), year)));

  const outcomes = a.outcomes.map((o): OutcomeFigures<N> => {
    const impact = outcomeImpact(num, o);
    const values = yearNumbers.map((year) => valueInYear(num, o, impact, year));
    const presentValue = values.reduce((sum, value, i) => num.add(sum, num.multiply(value, discountFactors[i]!)), zero);
    return { impact, values, presentValue };
  });

  let cumulativeValue = zero;
  let cumulativePresentValue = zero;
  const years = yearNumbers.map((year, i): YearFigures<N> => {
    const value = outcomes.reduce((sum, o) => num.add(sum, o.values[i]!), zero);
    const discountFactor = discountFactors[i]!;
    const presentValue = num.multiply(value, discountFactor);
    cumulativeValue = num.add(cumulativeValue, value);
    cumulativePresentValue = num.add(cumulativePresentValue, presentValue);
    return { year, value, discountFactor, presentValue, cumulativeValue, cumulativePresentValue };
  });

  // Summed outcome by outcome (as the value map's PV column is), which equals Σ of the yearly PVs exactly.
  const presentValue = outcomes.reduce((sum, o) => num.add(sum, o.presentValue), zero);
  const netPresentValue = num.subtract(presentValue, a.investment);
  const totalImpact = outcomes.reduce((sum, o) => num.add(sum, o.impact), zero);
  // The model's schema makes the analysis period at least 1 year, so years[0] is there.
  const firstYearValue = years[0]?.value ?? zero;
  return {
    outcomes,
    years,
    totalImpact,
    firstYearValue,
    presentValue,
    investment: a.investment,
    netPresentValue,
    ratio: num.divide(presentValue, a.investment),
    netRatio: num.divide(netPresentValue, a.investment),
    simplePaybackMonths: num.compare(firstYearValue, zero) > 0 ? num.divide(a.investment, num.divide(firstYearValue, num.of(12))) : null,
    cumulativePaybackMonths: paybackMonths(num, a.investment, years.map((y) => y.value)),
    discountedPaybackMonths: paybackMonths(num, a.investment, years.map((y) => y.presentValue)),
  };
}

/**
 * Months until the running total of yearly amounts reaches the investment,
 * the year it happens in taken as accruing evenly:
 * 12 × (years before) + 12 × (investment still to recover ÷ that year's amount).
 */
function paybackMonths<N>(num: Arithmetic<N>, investment: N, amounts: N[]): N | null {
  let recovered = num.of(0);
  for (const [i, amount] of amounts.entries()) {
    const after = num.add(recovered, amount);
    if (num.compare(amount, num.of(0)) > 0 && num.compare(after, investment) >= 0) {
      const fraction = num.divide(num.subtract(investment, recovered), amount);
      return num.multiply(num.of(12), num.add(num.of(i), fraction));
    }
    recovered = after;
  }
  return null;
}
