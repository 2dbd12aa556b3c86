/**
 * The SROI analysis as one pure function: a model (parsed JSON) and a
 * dataset export's scores.csv and codebook.json (text) in, every figure out
 * (the content of sroi.json), or the problems, each naming its field.
 *
 * The reported figures are computed exactly (exact.ts) and rounded only
 * here, as they are written out: money to the penny, factors to 10 decimal
 * places, ratios to 6. The HTML report and the spreadsheet are drawn from
 * the result (report-html.ts, workbook.ts).
 */
import { calculate, NO_PAYBACK, type Assumptions, type Calculation, type OutcomeAssumptions } from './calculate.js';
import { Exact, exactArithmetic } from './exact.js';
import { computeIndicator, datasetIndicators, indicatorProblems, readDataset, type Dataset, type DatasetFiles, type IndicatorResult } from './indicators.js';
import { checkSroiModel, GREEN_BOOK_WELLBY, type Indicator, type ModelProblem, type Outcome, type SroiModel } from './model.js';
import { runMonteCarlo, type MonteCarloSummary } from './monte-carlo.js';
import { sensitivityRows, type AssumptionKind, type Parameter } from './sensitivity.js';

export const RESULT_FORMAT = 'pont-sroi/1';

export type SroiInput = {
  /** The model file's content, parsed from JSON (checked here). */
  model: unknown;
  /** Needed when any indicator is computed from data. */
  dataset?: DatasetFiles;
};

export type SroiRun = { ok: true; result: SroiResult } | { ok: false; problems: ModelProblem[] };

export type IndicatorFigures = {
  kind: Indicator['kind'];
  /** The indicator in words. */
  text: string;
  /** The indicator as the model states it. */
  definition: Indicator;
  /** Participants scored at both waves; null for a manual quantity. */
  respondents: number | null;
  /** Participants meeting the indicator (net life-satisfaction points for wellby; the entered quantity for manual). */
  count: number;
  movement: IndicatorResult['movement'] | null;
  versions: IndicatorResult['versions'];
  scaling: { cohortSize: number; source: string } | null;
};

export type SensitivityFigures = {
  id: string;
  kind: AssumptionKind;
  outcomeId: string | null;
  label: string;
  /** percent for shares and the discount rate; pounds in analysis prices for proxy and investment; years; quantity. */
  unit: 'percent' | 'pounds' | 'years' | 'quantity';
  central: number;
  low: number;
  high: number;
  ratioAtLow: number;
  ratioAtHigh: number;
  /**
   * The switching value: the value (in `unit`) within the range tested (low to
   * high) at which the ratio is 1:1; null when there is none in that range.
   */
  switchingValue: number | null;
  /**
   * Extra information when there is no switching value in range: the value
   * (in `unit`) at which the ratio would be 1:1 although it lies outside the
   * range tested; null when the 1:1 point is within the range, or nowhere.
   */
  switchingOutsideRange: number | null;
  /**
   * In words: "1:1 at 23.45%"; "1:1 between 1 and 2 years" (durations are whole
   * years); "none in range (1:1 at 60.58%, outside the
   * stated 10–30%)"; or "none in range (not 1:1 at any value from 0% to 100%)".
   */
  switching: string;
};

export type SroiResult = {
  format: typeof RESULT_FORMAT;
  model: { id: string; version: string; title: string; description: string | null; study: string | null };
  dataset: {
    studyId: string;
    exportId: string;
    exportedAt: string;
    synthetic: boolean;
    /** Each instrument version an indicator used, by wave. */
    instrumentVersions: { instrument: string; waveId: string; version: string; contentHash: string }[];
  } | null;
  settings: {
    priceYear: number;
    priceIndex: { source: string; values: Record<string, number> } | null;
    discountRatePercent: number;
    analysisPeriodYears: number;
    sensitivity: SroiModel['settings']['sensitivity'];
    monteCarlo: { iterations: number; seed: number; distribution: 'triangular (low, central, high), parameters independent' };
  };
  stakeholders: SroiModel['stakeholders'];
  inputs: { description: string; stakeholder: string | null; source: string | null; value: number; priceYear: number; upratingFactor: number; valueInAnalysisPrices: number }[];
  outcomes: {
    id: string;
    stakeholder: string;
    stakeholderName: string;
    description: string;
    indicator: IndicatorFigures;
    /** After any scaling to the cohort. */
    quantity: number;
    proxy: { kind: 'entered' | 'wellby'; value: number; source: string; priceYear: number; upratingFactor: number; valueInAnalysisPrices: number; description: string | null };
    deadweightPercent: number;
    displacementPercent: number;
    attributionPercent: number;
    dropOffPercent: number;
    startYear: number;
    durationYears: number;
    assumptionSources: string | null;
    /** quantity × proxy (analysis prices) × (1 − deadweight) × (1 − displacement) × (1 − attribution) */
    impact: number;
    /** Undiscounted value in years 1 … N. */
    values: number[];
    presentValue: number;
  }[];
  years: { year: number; value: number; discountFactor: number; presentValue: number; cumulativeValue: number; cumulativePresentValue: number }[];
  totals: { totalImpact: number; presentValue: number; investment: number; netPresentValue: number; ratio: number; netRatio: number };
  payback: {
    /** Σ of the outcomes' values in analysis year 1, undiscounted: what the simple payback divides by. */
    firstYearValue: number;
    /** Investment ÷ (value in year 1 ÷ 12); null when the value in year 1 is not positive ("no value in year 1"). */
    simpleMonths: number | null;
    /** null when the running total does not reach the investment within the analysis period. */
    cumulativeMonths: number | null;
    discountedCumulativeMonths: number | null;
    /** Each payback as the report and the spreadsheet show it: "9.78 months", or why there is none. */
    inWords: { simple: string; cumulative: string; discountedCumulative: string };
  };
  /** In tornado order: widest swing first. */
  sensitivity: SensitivityFigures[];
  monteCarlo: MonteCarloSummary;
  headline: { ratio: number; monteCarloP5: number; monteCarloP95: number; oneWayLowest: number; oneWayHighest: number };
  warnings: string[];
};

export function runSroi(input: SroiInput): SroiRun {
  const check = checkSroiModel(input.model);
  if (!check.ok) return check;
  const { model } = check;

  let dataset: Dataset | null = null;
  if (input.dataset) {
    const read = readDataset(input.dataset);
    if (!read.ok) return read;
    dataset = read.dataset;
  }
  const problems: ModelProblem[] = [];
  if (dataset && model.study && model.study !== dataset.studyId) {
    problems.push({ path: 'study', message: `the model is for study "${model.study}" but the dataset is an export of "${dataset.studyId}"` });
  }
  for (const { path, indicator } of datasetIndicators(model)) {
    if (!dataset) problems.push({ path, message: `a ${indicator.kind} indicator is computed from a dataset export: give one (--dataset <export dir or .zip>)` });
    else problems.push(...indicatorProblems(dataset, indicator, path));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, result: analyse(model, dataset) };
}

function analyse(model: SroiModel, dataset: Dataset | null): SroiResult {
  const { settings } = model;
  const warnings: string[] = [];
  const uprating = (year: number) => upratingFactor(model, year);

  const inputs = model.inputs.map((input) => {
    const priceYear = input.priceYear ?? settings.priceYear;
    const factor = uprating(priceYear);
    return { input, priceYear, factor, inAnalysisPrices: Exact.of(input.value).times(factor) };
  });
  const investment = inputs.reduce((sum, i) => sum.plus(i.inAnalysisPrices), Exact.ZERO);

  const outcomes = model.outcomes.map((outcome, index) => {
    const indicator = indicatorFigures(outcome, dataset);
    for (const warning of indicator.warnings) warnings.push(`${outcome.id}: ${warning}`);
    const count = Exact.of(indicator.figures.count);
    const respondents = indicator.figures.respondents;
    const quantity = outcome.scaling ? (respondents ? count.times(Exact.of(outcome.scaling.cohortSize)).dividedBy(Exact.of(respondents)) : Exact.ZERO) : count;
    const proxy = proxyOf(outcome);
    const proxyFactor = uprating(proxy.priceYear);
    const lastYear = outcome.startYear + outcome.durationYears - 1;
    if (lastYear > settings.analysisPeriodYears) {
      warnings.push(`${outcome.id}: lasts to year ${lastYear}, beyond the ${settings.analysisPeriodYears}-year analysis period; years after ${settings.analysisPeriodYears} are not counted`);
    }
    if (outcome.indicator.kind === 'wellby' && outcome.proxy.kind !== 'wellby') warnings.push(`${outcome.id}: a WELLBY quantity valued with an entered proxy rather than the Green Book WELLBY`);
    const assumptions: OutcomeAssumptions<Exact> = {
      quantity,
      proxy: Exact.of(proxy.value).times(proxyFactor),
      deadweight: percent(outcome.deadweightPercent),
      displacement: percent(outcome.displacementPercent),
      attribution: percent(outcome.attributionPercent),
      dropOff: percent(outcome.dropOffPercent),
      startYear: outcome.startYear,
      durationYears: outcome.durationYears,
    };
    return { outcome, index, indicator: indicator.figures, proxy, proxyFactor, assumptions };
  });

  const base: Assumptions<Exact> = {
    outcomes: outcomes.map((o) => o.assumptions),
    investment,
    discountRate: percent(settings.discountRatePercent),
    periodYears: settings.analysisPeriodYears,
  };
  const figures = calculate(exactArithmetic, base);
  const parameters = sensitivityParameters(model, outcomes, base);
  const sensitivity = sensitivityRows(base, parameters).map(sensitivityFigures(model));
  const monteCarlo = runMonteCarlo(base, parameters, settings.monteCarlo.iterations, settings.monteCarlo.seed);

  if (settings.analysisPeriodYears > 30) {
    warnings.push(`The Green Book discount rate falls to 3.0% beyond year 30; this analysis discounts all ${settings.analysisPeriodYears} years at ${settings.discountRatePercent}%.`);
  }
  warnings.push(...placeholderWarnings(model));
  if (dataset?.synthetic) warnings.unshift('The dataset is SYNTHETIC (a generated demo cohort): these figures illustrate the method and say nothing about the programme.');
  const oneWay = sensitivity.flatMap((row) => [row.ratioAtLow, row.ratioAtHigh]);
  const ratio = fixed(figures.ratio, 6);

  return {
    format: RESULT_FORMAT,
    model: { id: model.id, version: model.version, title: model.title, description: model.description ?? null, study: model.study ?? null },
    dataset: dataset && {
      studyId: dataset.studyId,
      exportId: dataset.exportId,
      exportedAt: dataset.exportedAt,
      synthetic: dataset.synthetic,
      instrumentVersions: uniqueVersions(outcomes.flatMap((o) => o.indicator.versions.map((v) => ({ instrument: (o.outcome.indicator as { instrument: string }).instrument, ...v })))),
    },
    settings: {
      priceYear: settings.priceYear,
      priceIndex: settings.priceIndex ?? null,
      discountRatePercent: settings.discountRatePercent,
      analysisPeriodYears: settings.analysisPeriodYears,
      sensitivity: settings.sensitivity,
      monteCarlo: { ...settings.monteCarlo, distribution: 'triangular (low, central, high), parameters independent' },
    },
    stakeholders: model.stakeholders,
    inputs: inputs.map(({ input, priceYear, factor, inAnalysisPrices }) => ({
      description: input.description,
      stakeholder: input.stakeholder ?? null,
      source: input.source ?? null,
      value: input.value,
      priceYear,
      upratingFactor: fixed(factor, 10),
      valueInAnalysisPrices: money(inAnalysisPrices),
    })),
    outcomes: outcomes.map(({ outcome, index, indicator, proxy, proxyFactor, assumptions }) => ({
      id: outcome.id,
      stakeholder: outcome.stakeholder,
      stakeholderName: model.stakeholders.find((s) => s.id === outcome.stakeholder)!.name,
      description: outcome.description,
      indicator,
      quantity: fixed(assumptions.quantity, 6),
      proxy: {
        kind: outcome.proxy.kind,
        value: proxy.value,
        source: proxy.source,
        priceYear: proxy.priceYear,
        upratingFactor: fixed(proxyFactor, 10),
        valueInAnalysisPrices: money(assumptions.proxy),
        description: outcome.proxy.kind === 'entered' ? (outcome.proxy.description ?? null) : null,
      },
      deadweightPercent: outcome.deadweightPercent,
      displacementPercent: outcome.displacementPercent,
      attributionPercent: outcome.attributionPercent,
      dropOffPercent: outcome.dropOffPercent,
      startYear: outcome.startYear,
      durationYears: outcome.durationYears,
      assumptionSources: outcome.assumptionSources ?? null,
      impact: money(figures.outcomes[index]!.impact),
      values: figures.outcomes[index]!.values.map(money),
      presentValue: money(figures.outcomes[index]!.presentValue),
    })),
    years: figures.years.map((y) => ({
      year: y.year,
      value: money(y.value),
      discountFactor: fixed(y.discountFactor, 10),
      presentValue: money(y.presentValue),
      cumulativeValue: money(y.cumulativeValue),
      cumulativePresentValue: money(y.cumulativePresentValue),
    })),
    totals: {
      totalImpact: money(figures.totalImpact),
      presentValue: money(figures.presentValue),
      investment: money(figures.investment),
      netPresentValue: money(figures.netPresentValue),
      ratio,
      netRatio: fixed(figures.netRatio, 6),
    },
    payback: paybackFigures(figures),
    sensitivity,
    monteCarlo,
    headline: {
      ratio,
      monteCarloP5: monteCarlo.percentiles.p5,
      monteCarloP95: monteCarlo.percentiles.p95,
      oneWayLowest: Math.min(ratio, ...oneWay),
      oneWayHighest: Math.max(ratio, ...oneWay),
    },
    warnings,
  };
}

function paybackFigures(figures: Calculation<Exact>): SroiResult['payback'] {
  // Full precision in sroi.json, as for every other figure; two decimals where people read it.
  const months = (value: Exact | null) => (value === null ? null : fixed(value, 6));
  const inWords = (value: number | null, none: string) => (value === null ? none : `${value.toFixed(2)} months`);
  const simpleMonths = months(figures.simplePaybackMonths);
  const cumulativeMonths = months(figures.cumulativePaybackMonths);
  const discountedCumulativeMonths = months(figures.discountedPaybackMonths);
  return {
    firstYearValue: money(figures.firstYearValue),
    simpleMonths,
    cumulativeMonths,
    discountedCumulativeMonths,
    inWords: {
      simple: inWords(simpleMonths, NO_PAYBACK.noValueInYearOne),
      cumulative: inWords(cumulativeMonths, NO_PAYBACK.notWithinPeriod),
      discountedCumulative: inWords(discountedCumulativeMonths, NO_PAYBACK.notWithinPeriod),
    },
  };
}

/** index[priceYear] ÷ index[year]: what a £ of `year` prices is worth in the analysis's prices. */
export function upratingFactor(model: SroiModel, year: number): Exact {
  const { priceYear, priceIndex } = model.settings;
  if (year === priceYear) return Exact.ONE;
  const to = priceIndex?.values[String(priceYear)];
  const from = priceIndex?.values[String(year)];
  // checkSroiModel has made sure both exist.
  if (to === undefined || from === undefined) throw new Error(`no price index for ${year} or ${priceYear}`);
  return Exact.of(to).dividedBy(Exact.of(from));
}

function percent(value: number): Exact {
  return Exact.of(value).dividedBy(Exact.of(100));
}

function money(value: Exact): number {
  return Number(value.toFixed(2));
}

function fixed(value: Exact, places: number): number {
  return Number(value.toFixed(places));
}

function proxyOf(outcome: Outcome): { value: number; source: string; priceYear: number; low?: number; high?: number } {
  if (outcome.proxy.kind === 'wellby') return { value: GREEN_BOOK_WELLBY.value, source: GREEN_BOOK_WELLBY.source, priceYear: GREEN_BOOK_WELLBY.priceYear, low: GREEN_BOOK_WELLBY.low, high: GREEN_BOOK_WELLBY.high };
  return { value: outcome.proxy.value, source: outcome.proxy.source, priceYear: outcome.proxy.priceYear };
}

function indicatorFigures(outcome: Outcome, dataset: Dataset | null): { figures: IndicatorFigures; warnings: string[] } {
  const { indicator } = outcome;
  const scaling = outcome.scaling ?? null;
  if (indicator.kind === 'manual') {
    return {
      figures: { kind: 'manual', text: indicatorText(indicator), definition: indicator, respondents: null, count: indicator.quantity, movement: null, versions: [], scaling },
      warnings: [],
    };
  }
  const computed = computeIndicator(dataset!, indicator);
  return {
    figures: { kind: indicator.kind, text: indicatorText(indicator), definition: indicator, respondents: computed.respondents, count: computed.count, movement: computed.movement, versions: computed.versions, scaling },
    warnings: computed.warnings,
  };
}

export function indicatorText(indicator: Indicator): string {
  switch (indicator.kind) {
    case 'score-change':
      return indicator.rule === 'meaningful-improvement'
        ? `Participants whose ${indicator.instrument} ${indicator.scale} score improved by at least the scale's meaningful-change threshold from ${indicator.fromWave} to ${indicator.toWave}`
        : `Participants whose ${indicator.instrument} ${indicator.scale} score improved by at least ${indicator.threshold} points from ${indicator.fromWave} to ${indicator.toWave}`;
    case 'band-exit':
      return `Participants in the ${indicator.fromBands.join(' or ')} band of ${indicator.instrument} ${indicator.scale} at ${indicator.fromWave} and out of ${indicator.fromBands.length > 1 ? 'them' : 'it'} at ${indicator.toWave}`;
    case 'wellby':
      return `WELLBYs per year: net change in ${indicator.instrument} ${indicator.scale} (0–10) from ${indicator.fromWave} to ${indicator.toWave}, summed over participants scored at both`;
    case 'manual':
      return `Entered by hand: ${indicator.source}`;
  }
}

type AnalysedOutcome = { outcome: Outcome; index: number; proxy: ReturnType<typeof proxyOf>; proxyFactor: Exact; assumptions: OutcomeAssumptions<Exact> };

/** Every assumption the sensitivity analysis and Monte Carlo vary, with its range in the calculation's units. */
function sensitivityParameters(model: SroiModel, outcomes: AnalysedOutcome[], base: Assumptions<Exact>): Parameter[] {
  const defaults = model.settings.sensitivity;
  const parameters: Parameter[] = [];
  const pointsAround = (central: number, range: { low: number; high: number } | undefined) =>
    range ?? { low: Math.max(0, central - defaults.percentagePoints), high: Math.min(100, central + defaults.percentagePoints) };

  for (const { outcome, index, proxy, proxyFactor, assumptions } of outcomes) {
    const ranges = outcome.sensitivity ?? {};
    const add = (kind: AssumptionKind, name: string, central: Exact, low: Exact, high: Exact) =>
      parameters.push({ id: `outcomes[${index}].${kind}`, kind, outcomeIndex: index, label: `${outcome.id}: ${name}`, central, low, high });

    const q = percent(ranges.quantityPercent ?? defaults.quantityPercent);
    const [qLow, qHigh] = [assumptions.quantity.times(Exact.ONE.minus(q)), assumptions.quantity.times(Exact.ONE.plus(q))].sort((a, b) => a.compare(b));
    add('quantity', 'quantity', assumptions.quantity, qLow!, qHigh!);

    const proxyRange = ranges.proxyValue ?? (proxy.low !== undefined && proxy.high !== undefined ? { low: proxy.low, high: proxy.high } : undefined);
    const p = percent(defaults.proxyPercent);
    const [pLow, pHigh] = proxyRange
      ? [Exact.of(proxyRange.low), Exact.of(proxyRange.high)]
      : [Exact.of(proxy.value).times(Exact.ONE.minus(p)), Exact.of(proxy.value).times(Exact.ONE.plus(p))];
    add('proxy', 'financial proxy', assumptions.proxy, pLow!.times(proxyFactor), pHigh!.times(proxyFactor));

    for (const [kind, field, name] of [
      ['deadweight', 'deadweightPercent', 'deadweight'],
      ['displacement', 'displacementPercent', 'displacement'],
      ['attribution', 'attributionPercent', 'attribution'],
      ['dropOff', 'dropOffPercent', 'drop-off'],
    ] as const) {
      const range = pointsAround(outcome[field], ranges[field]);
      add(kind, name, percent(outcome[field]), percent(range.low), percent(range.high));
    }
    const years = ranges.durationYears ?? { low: Math.max(1, outcome.durationYears - defaults.durationYears), high: outcome.durationYears + defaults.durationYears };
    add('duration', 'duration', Exact.of(outcome.durationYears), Exact.of(years.low), Exact.of(years.high));
  }

  const rate = defaults.discountRatePercent;
  parameters.push({ id: 'settings.discountRate', kind: 'discountRate', label: 'discount rate', central: base.discountRate, low: percent(rate.low), high: percent(rate.high) });
  const share = percent(defaults.investmentPercent);
  parameters.push({
    id: 'inputs.investment',
    kind: 'investment',
    label: 'investment',
    central: base.investment,
    low: base.investment.times(Exact.ONE.minus(share)),
    high: base.investment.times(Exact.ONE.plus(share)),
  });
  return parameters;
}

const UNITS: Record<AssumptionKind, SensitivityFigures['unit']> = {
  quantity: 'quantity',
  proxy: 'pounds',
  deadweight: 'percent',
  displacement: 'percent',
  attribution: 'percent',
  dropOff: 'percent',
  duration: 'years',
  discountRate: 'percent',
  investment: 'pounds',
};

function sensitivityFigures(model: SroiModel) {
  return ({ parameter, ratioAtLow, ratioAtHigh, switching }: ReturnType<typeof sensitivityRows>[number]): SensitivityFigures => {
    const unit = UNITS[parameter.kind];
    // Shares are fractions in the calculation and per cent in what people read.
    const shown = (value: Exact | number) => {
      const exact = typeof value === 'number' ? Exact.of(value) : value;
      return unit === 'percent' ? fixed(exact.times(Exact.of(100)), 6) : unit === 'pounds' ? money(exact) : fixed(exact, 6);
    };
    const oneToOne = switching.found ? shown(switching.value) : null;
    const where = (value: number) => (switching.found && switching.after !== undefined ? `between ${switching.after} and ${formatIn(unit, value)}` : `at ${formatIn(unit, value)}`);
    const low = shown(parameter.low);
    const high = shown(parameter.high);
    // Only a 1:1 point within the range tested is a switching value; one outside it is told as extra information.
    const inRange = switching.found && switching.withinRange;
    return {
      id: parameter.id,
      kind: parameter.kind,
      outcomeId: parameter.outcomeIndex === undefined ? null : model.outcomes[parameter.outcomeIndex]!.id,
      label: parameter.label,
      unit,
      central: shown(parameter.central),
      low,
      high,
      ratioAtLow: fixed(ratioAtLow, 6),
      ratioAtHigh: fixed(ratioAtHigh, 6),
      switchingValue: inRange ? oneToOne : null,
      switchingOutsideRange: inRange ? null : oneToOne,
      switching: !switching.found
        ? `none in range (not 1:1 ${switching.domain})`
        : inRange
          ? `1:1 ${where(oneToOne!)}`
          : `none in range (1:1 ${where(oneToOne!)}, outside the stated ${formatRange(unit, low, high)})`,
    };
  };
}

export function formatIn(unit: SensitivityFigures['unit'], value: number): string {
  switch (unit) {
    case 'percent':
      return `${value.toFixed(2)}%`;
    case 'pounds':
      return `£${value.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    case 'years':
      return `${value} year${value === 1 ? '' : 's'}`;
    case 'quantity':
      return value.toLocaleString('en-GB', { maximumFractionDigits: 2 });
  }
}

/** A range in `unit`: "10–30%", "£750.00–£1,250.00", "2–4 years", "8–12". */
export function formatRange(unit: SensitivityFigures['unit'], low: number, high: number): string {
  if (low === high) return formatIn(unit, low);
  switch (unit) {
    case 'percent':
      return `${low.toLocaleString('en-GB', { maximumFractionDigits: 2 })}–${high.toLocaleString('en-GB', { maximumFractionDigits: 2 })}%`;
    case 'years':
      return `${low}–${high} year${high === 1 ? '' : 's'}`;
    default:
      return `${formatIn(unit, low)}–${formatIn(unit, high)}`;
  }
}

function uniqueVersions<T extends { instrument: string; waveId: string }>(versions: T[]): T[] {
  const seen = new Map<string, T>();
  for (const v of versions) seen.set(`${v.instrument}/${v.waveId}`, v);
  return [...seen.values()];
}

/**
 * Figures and sources still saying "replace me" (as the example model's do)
 * are listed, so a draft is never mistaken for a finished analysis. The
 * model's own description and title are prose about the model, not figures.
 */
function placeholderWarnings(model: SroiModel): string[] {
  const placeholder = /replace[\s_-]*me/i;
  const found: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string' && placeholder.test(value)) found.push(path);
    else if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${path}[${i}]`));
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key);
  };
  const { description: _description, title: _title, ...rest } = model;
  visit(rest, '');
  return found.length > 0 ? [`Placeholders still marked "replace me": ${found.join(', ')}. Put in the real figures and their sources before using these results.`] : [];
}
