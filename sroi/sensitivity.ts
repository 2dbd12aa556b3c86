/**
 * Sensitivity analysis: each assumption varied on its own over the range the
 * model states (or the settings' default range), the ratio at each end, the
 * switching value at which the ratio crosses 1:1, and the tornado order.
 *
 * The 1:1 point is searched for over everything the assumption can be, and
 * recorded with whether it lies within the range tested: the switching value
 * reported is only one within that range ("none in range" otherwise), and a
 * 1:1 point outside it is kept as extra information (analysis.ts).
 *
 * A parameter's values are in the calculation's units: fractions for
 * percentages (0.25), £ in the analysis's prices for proxies and the
 * investment, whole years for durations.
 */
import { calculate, type Assumptions } from './calculate.js';
import { Exact, exactArithmetic, floatArithmetic, type Arithmetic } from './exact.js';

export type AssumptionKind = 'quantity' | 'proxy' | 'deadweight' | 'displacement' | 'attribution' | 'dropOff' | 'duration' | 'discountRate' | 'investment';

export type Parameter = {
  /** e.g. "outcomes[0].deadweight", "settings.discountRate" */
  id: string;
  kind: AssumptionKind;
  /** The outcome it belongs to; absent for the discount rate and the investment. */
  outcomeIndex?: number;
  label: string;
  central: Exact;
  low: Exact;
  high: Exact;
};

/** The assumptions with some parameters set to other values (the base is left as it is). */
export function withParameters<N>(num: Arithmetic<N>, base: Assumptions<N>, changes: readonly { parameter: Parameter; value: N }[]): Assumptions<N> {
  const changed: Assumptions<N> = { ...base, outcomes: base.outcomes.map((outcome) => ({ ...outcome })) };
  for (const { parameter, value } of changes) {
    if (parameter.kind === 'discountRate') changed.discountRate = value;
    else if (parameter.kind === 'investment') changed.investment = value;
    else {
      const outcome = changed.outcomes[parameter.outcomeIndex!]!;
      if (parameter.kind === 'duration') outcome.durationYears = Math.max(1, Math.round(num.toNumber(value)));
      else outcome[parameter.kind] = value;
    }
  }
  return changed;
}

/** The assumptions in floating point, for the calculations that need speed rather than exact figures. */
export function inFloatingPoint(base: Assumptions<Exact>): Assumptions<number> {
  return {
    outcomes: base.outcomes.map((o) => ({
      ...o,
      quantity: o.quantity.toNumber(),
      proxy: o.proxy.toNumber(),
      deadweight: o.deadweight.toNumber(),
      displacement: o.displacement.toNumber(),
      attribution: o.attribution.toNumber(),
      dropOff: o.dropOff.toNumber(),
    })),
    investment: base.investment.toNumber(),
    discountRate: base.discountRate.toNumber(),
    periodYears: base.periodYears,
  };
}

export function withParameter<N>(num: Arithmetic<N>, base: Assumptions<N>, parameter: Parameter, value: N): Assumptions<N> {
  return withParameters(num, base, [{ parameter, value }]);
}

export type Switching =
  /** The 1:1 point, and whether it lies within the parameter's range [low, high]. */
  | {
      found: true;
      value: Exact | number;
      withinRange: boolean;
      /** Durations only: the whole year before `value`, when the ratio passes 1:1 between the two rather than lands on it. */
      after?: number;
    }
  /** No 1:1 point anywhere the parameter can be; `domain` says where that was searched, e.g. "at any value from 0% to 100%". */
  | { found: false; domain: string };

export type SensitivityRow = {
  parameter: Parameter;
  ratioAtLow: Exact;
  ratioAtHigh: Exact;
  switching: Switching;
};

const LINEAR: ReadonlySet<AssumptionKind> = new Set(['quantity', 'proxy', 'deadweight', 'displacement', 'attribution']);

export function sensitivityRows(base: Assumptions<Exact>, parameters: readonly Parameter[]): SensitivityRow[] {
  const ratioAt = (parameter: Parameter, value: Exact) => calculate(exactArithmetic, withParameter(exactArithmetic, base, parameter, value)).ratio;
  const rows = parameters.map((parameter) => ({
    parameter,
    ratioAtLow: ratioAt(parameter, parameter.low),
    ratioAtHigh: ratioAt(parameter, parameter.high),
    switching: switchingValue(base, parameter),
  }));
  // Tornado order: the widest swing first.
  const swing = (row: SensitivityRow) => row.ratioAtHigh.minus(row.ratioAtLow).toNumber();
  return rows.sort((a, b) => Math.abs(swing(b)) - Math.abs(swing(a)));
}

/**
 * The value of one parameter, the others unchanged, at which PV = investment
 * (the ratio is 1:1), searched over everything the parameter can be (not
 * only its range, so that a 1:1 point outside the range can be told apart
 * from none at all):
 *  - quantity, proxy, deadweight, displacement, attribution: PV is a straight
 *    line in each, so the value is solved exactly from two points;
 *  - investment: exactly PV;
 *  - drop-off and discount rate (0–100%): bisection, to far below the 0.01%
 *    the report shows;
 *  - duration: the shortest whole number of years at which the ratio reaches
 *    1:1 (one year less and it is below), and whether it passes 1:1 between
 *    that year and the one before rather than landing on it.
 */
export function switchingValue(base: Assumptions<Exact>, parameter: Parameter): Switching {
  const inRange = (value: Exact | number) => {
    const v = typeof value === 'number' ? value : value.toNumber();
    return v >= parameter.low.toNumber() - 1e-12 && v <= parameter.high.toNumber() + 1e-12;
  };
  const pvAt = (value: Exact) => calculate(exactArithmetic, withParameter(exactArithmetic, base, parameter, value)).presentValue;
  const investment = base.investment;

  if (parameter.kind === 'investment') {
    const pv = calculate(exactArithmetic, base).presentValue;
    return pv.sign() > 0 ? { found: true, value: pv, withinRange: inRange(pv) } : { found: false, domain: 'at any investment above £0' };
  }

  if (LINEAR.has(parameter.kind)) {
    const isShare = parameter.kind !== 'quantity' && parameter.kind !== 'proxy';
    const min = parameter.kind === 'quantity' && parameter.central.sign() < 0 ? null : Exact.ZERO;
    const max = isShare ? Exact.ONE : null;
    const atZero = pvAt(Exact.ZERO);
    const slope = pvAt(Exact.ONE).minus(atZero);
    const domain = isShare ? 'at any value from 0% to 100%' : !min ? 'at any value' : parameter.kind === 'proxy' ? 'at any value from £0 up' : 'at any value from 0 up';
    if (slope.sign() === 0) return { found: false, domain };
    const value = investment.minus(atZero).dividedBy(slope);
    if ((min && value.compare(min) < 0) || (max && value.compare(max) > 0)) return { found: false, domain };
    return { found: true, value, withinRange: inRange(value) };
  }

  if (parameter.kind === 'duration') {
    const outcome = base.outcomes[parameter.outcomeIndex!]!;
    // Years after the analysis period add nothing, so longer durations need not be tried.
    const longest = Math.max(1, base.periodYears - outcome.startYear + 1);
    const gaps = Array.from({ length: longest }, (_, i) => pvAt(Exact.of(i + 1)).compare(investment));
    const reaches = gaps.map((gap) => gap >= 0);
    for (let years = 2; years <= longest; years++) {
      if (reaches[years - 1] === reaches[years - 2]) continue;
      // Durations are whole years: unless it lands on 1:1 exactly, the ratio passes it between the two.
      return { found: true, value: years, withinRange: inRange(years), ...(gaps[years - 1] === 0 ? {} : { after: years - 1 }) };
    }
    return { found: false, domain: `at any duration from 1 to ${longest} year${longest === 1 ? '' : 's'}` };
  }

  // Drop-off and discount rate: PV falls as either rises; bisect in floating point over 0–100%.
  const floatBase = inFloatingPoint(base);
  const gap = (value: number) => calculate(floatArithmetic, withParameter(floatArithmetic, floatBase, parameter, value)).presentValue - floatBase.investment;
  let lo = 0;
  let hi = 1;
  if (Math.sign(gap(lo)) === Math.sign(gap(hi)) || gap(lo) === 0) return { found: false, domain: 'at any value from 0% to 100%' };
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (Math.sign(gap(mid)) === Math.sign(gap(lo))) lo = mid;
    else hi = mid;
  }
  const value = (lo + hi) / 2;
  return { found: true, value, withinRange: inRange(value) };
}
