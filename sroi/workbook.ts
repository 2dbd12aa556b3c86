/**
 * The impact map as an .xlsx workbook with live formulas, as SROI
 * practitioners work: change a deadweight or a proxy in the spreadsheet and
 * the impact, the year-by-year values, PV, NPV, the ratios and the paybacks
 * follow. Each formula cell also carries Pont's figure as its cached result,
 * so a viewer that does not recalculate shows the same numbers (and Excel,
 * which recalculates on opening, reproduces them to the penny).
 *
 * The sensitivity analysis and the Monte Carlo run are Pont's figures,
 * written as values: a spreadsheet cannot redo a seeded simulation.
 *
 * Sheets: About, Settings (price year, discount rate, period, price index),
 * Inputs, Impact map, Years, Results, Sensitivity, Monte Carlo.
 */
import ExcelJS from 'exceljs';
import type { SroiResult } from './analysis.js';
import { NO_PAYBACK } from './calculate.js';
import { GREEN_BOOK_WELLBY } from './model.js';

const MONEY = '£#,##0.00;-£#,##0.00';
const PERCENT = '0.00%';
const FACTOR = '0.0000000000';
const RATIO = '0.00';

export async function sroiWorkbook(result: SroiResult): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Pont';
  // Ask the spreadsheet program to recompute every formula on opening.
  workbook.calcProperties.fullCalcOnLoad = true;

  aboutSheet(workbook, result);
  const upratingFormula = settingsSheet(workbook, result);
  const investmentCell = inputsSheet(workbook, result, upratingFormula);
  const layout = yearsLayout(result);
  impactMapSheet(workbook, result, upratingFormula, layout);
  yearsSheet(workbook, result, investmentCell, layout);
  resultsSheet(workbook, result, investmentCell, layout);
  sensitivitySheet(workbook, result);
  monteCarloSheet(workbook, result);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

type Formula = { formula: string; result: number | string };
type UpratingFormula = (priceYear: number) => { value: number; formula?: string };

function aboutSheet(workbook: ExcelJS.Workbook, result: SroiResult) {
  const sheet = workbook.addWorksheet('About');
  sheet.getColumn(1).width = 120;
  const d = result.dataset;
  const lines = [
    `SROI impact map: ${result.model.title}`,
    `Model ${result.model.id} version ${result.model.version}${result.model.study ? `, study ${result.model.study}` : ''}`,
    d
      ? `Indicators computed from dataset export ${d.exportId} of study ${d.studyId}, exported ${d.exportedAt}${d.synthetic ? ' (SYNTHETIC DATA)' : ''}; instruments: ${d.instrumentVersions.map((v) => `${v.instrument} ${v.version} at ${v.waveId}`).join('; ')}`
      : 'No dataset: every quantity was entered by hand.',
    '',
    'Formulas (SROI Network / Social Value UK value map):',
    'Impact = quantity × proxy in analysis prices × (1 − deadweight) × (1 − displacement) × (1 − attribution)',
    'Value in year t = impact × (1 − drop-off)^(t − start year), for start year ≤ t ≤ start year + duration − 1; else 0',
    'Present value = Σ value in year t ÷ (1 + discount rate)^t; the investment sits at year 0, undiscounted',
    'NPV = PV − investment; SROI ratio = PV ÷ investment; net SROI ratio = NPV ÷ investment',
    'Simple payback (months) = investment ÷ (value in year 1 ÷ 12), the value in year 1 being Σ of the outcomes’ values in analysis year 1, undiscounted; cumulative paybacks: when the running total first reaches the investment',
    'Sheets Settings, Inputs, Impact map, Years and Results hold live formulas: change an assumption and the figures follow.',
    'Sheets Sensitivity and Monte Carlo hold values computed by Pont (npm run pont -- sroi).',
    `WELLBY: ${GREEN_BOOK_WELLBY.source}`,
    ...(result.warnings.length > 0 ? ['', 'Check before use:', ...result.warnings.map((w) => `• ${w}`)] : []),
  ];
  lines.forEach((line, i) => {
    sheet.getCell(i + 1, 1).value = line;
  });
  sheet.getCell(1, 1).font = { bold: true, size: 14 };
}

/** Settings, and the price index the uprating formulas read. */
function settingsSheet(workbook: ExcelJS.Workbook, result: SroiResult): UpratingFormula {
  const sheet = workbook.addWorksheet('Settings');
  sheet.columns = [{ width: 40 }, { width: 16 }, { width: 90 }];
  header(sheet, ['Setting', 'Value', 'Note']);
  const { settings } = result;
  sheet.addRow(['Price year of the analysis', settings.priceYear, 'Every proxy and input is uprated to these prices']);
  sheet.addRow(['Discount rate', settings.discountRatePercent / 100, 'HM Treasury Green Book social time preference rate']).getCell(2).numFmt = PERCENT;
  sheet.addRow(['Analysis period (years)', settings.analysisPeriodYears, 'Years 1 … N are valued']);
  sheet.addRow([]);
  const years = Object.entries(settings.priceIndex?.values ?? {}).sort(([a], [b]) => Number(a) - Number(b));
  const cellOfYear = new Map<number, string>();
  if (years.length > 0) {
    sheet.addRow(['Price index', '', settings.priceIndex!.source]).font = { bold: true };
    sheet.addRow(['Year', 'Index']).font = { bold: true };
    for (const [year, value] of years) {
      const row = sheet.addRow([Number(year), value]);
      cellOfYear.set(Number(year), `Settings!$B$${row.number}`);
    }
  }
  return (priceYear) => {
    if (priceYear === settings.priceYear) return { value: 1 };
    const to = cellOfYear.get(settings.priceYear)!;
    const from = cellOfYear.get(priceYear)!;
    return { value: settings.priceIndex!.values[String(settings.priceYear)]! / settings.priceIndex!.values[String(priceYear)]!, formula: `${to}/${from}` };
  };
}

/** The inputs; returns the cell holding the total investment. */
function inputsSheet(workbook: ExcelJS.Workbook, result: SroiResult, uprating: UpratingFormula): string {
  const sheet = workbook.addWorksheet('Inputs');
  sheet.columns = [{ width: 40 }, { width: 18 }, { width: 40 }, { width: 14 }, { width: 11 }, { width: 16 }, { width: 18 }];
  header(sheet, ['Input', 'Stakeholder', 'Source', 'Value (£)', 'Price year', 'Uprating factor', 'In analysis prices (£)']);
  result.inputs.forEach((input, i) => {
    const r = i + 2;
    const factor = uprating(input.priceYear);
    const row = sheet.addRow([input.description, input.stakeholder ?? '', input.source ?? '', input.value, input.priceYear]);
    row.getCell(6).value = factor.formula ? { formula: factor.formula, result: input.upratingFactor } : 1;
    row.getCell(7).value = { formula: `D${r}*F${r}`, result: input.valueInAnalysisPrices };
  });
  const last = result.inputs.length + 1;
  const total = sheet.addRow(['Total investment']);
  total.font = { bold: true };
  total.getCell(7).value = { formula: `SUM(G2:G${last})`, result: result.totals.investment };
  formatColumns(sheet, { 4: MONEY, 6: FACTOR, 7: MONEY });
  return `Inputs!$G$${total.number}`;
}

type YearsLayout = {
  /** Column letter of year t (1-based). */
  yearColumn: (year: number) => string;
  lastYearColumn: string;
  presentValueColumn: string;
  outcomeRow: (index: number) => number;
  totalRow: number;
  discountRow: number;
  presentValueRow: number;
  cumulativeRow: number;
  cumulativePresentValueRow: number;
  paybackRow: number;
  discountedPaybackRow: number;
};

function yearsLayout(result: SroiResult): YearsLayout {
  const n = result.settings.analysisPeriodYears;
  const k = result.outcomes.length;
  return {
    yearColumn: (year) => columnLetter(year + 1),
    lastYearColumn: columnLetter(n + 1),
    presentValueColumn: columnLetter(n + 2),
    outcomeRow: (index) => index + 2,
    totalRow: k + 2,
    discountRow: k + 3,
    presentValueRow: k + 4,
    cumulativeRow: k + 5,
    cumulativePresentValueRow: k + 6,
    paybackRow: k + 7,
    discountedPaybackRow: k + 8,
  };
}

/** Impact map columns, for the Years sheet's formulas. */
const MAP = { quantity: 'G', proxyInAnalysisPrices: 'L', deadweight: 'M', displacement: 'N', attribution: 'O', dropOff: 'P', startYear: 'Q', duration: 'R', impact: 'S', presentValue: 'T' } as const;
const MAP_SHEET = "'Impact map'";

function impactMapSheet(workbook: ExcelJS.Workbook, result: SroiResult, uprating: UpratingFormula, years: YearsLayout) {
  const sheet = workbook.addWorksheet('Impact map');
  sheet.columns = [18, 36, 50, 12, 10, 11, 12, 14, 50, 10, 14, 16, 11, 12, 11, 10, 8, 9, 16, 16].map((width) => ({ width }));
  header(sheet, [
    'Stakeholder',
    'Outcome',
    'Indicator',
    'Respondents',
    'Count',
    'Cohort size',
    'Quantity',
    'Proxy (£)',
    'Proxy source',
    'Price year',
    'Uprating factor',
    'Proxy in analysis prices (£)',
    'Deadweight',
    'Displacement',
    'Attribution',
    'Drop-off',
    'Start year',
    'Duration',
    'Impact (£)',
    'Present value (£)',
  ]);
  result.outcomes.forEach((o, i) => {
    const r = i + 2;
    const { respondents, count, scaling } = o.indicator;
    const factor = uprating(o.proxy.priceYear);
    const row = sheet.addRow([
      o.stakeholderName,
      `${o.description} (${o.id})`,
      o.indicator.text,
      respondents ?? '',
      count,
      scaling?.cohortSize ?? '',
      null,
      o.proxy.value,
      o.proxy.source,
      o.proxy.priceYear,
      null,
      null,
      o.deadweightPercent / 100,
      o.displacementPercent / 100,
      o.attributionPercent / 100,
      o.dropOffPercent / 100,
      o.startYear,
      o.durationYears,
    ]);
    // Scaling to the cohort: count ÷ respondents × cohort size (0 when no one answered both waves).
    row.getCell(7).value = scaling ? (respondents ? formula(`E${r}/D${r}*F${r}`, o.quantity) : 0) : formula(`E${r}`, o.quantity);
    row.getCell(11).value = factor.formula ? formula(factor.formula, o.proxy.upratingFactor) : 1;
    row.getCell(12).value = formula(`H${r}*K${r}`, o.proxy.valueInAnalysisPrices);
    row.getCell(19).value = formula(`G${r}*L${r}*(1-M${r})*(1-N${r})*(1-O${r})`, o.impact);
    row.getCell(20).value = formula(`Years!${years.presentValueColumn}${years.outcomeRow(i)}`, o.presentValue);
  });
  const last = result.outcomes.length + 1;
  const total = sheet.addRow(['Total']);
  total.font = { bold: true };
  total.getCell(19).value = formula(`SUM(S2:S${last})`, result.totals.totalImpact);
  total.getCell(20).value = formula(`SUM(T2:T${last})`, result.totals.presentValue);
  formatColumns(sheet, { 8: MONEY, 11: FACTOR, 12: MONEY, 13: PERCENT, 14: PERCENT, 15: PERCENT, 16: PERCENT, 19: MONEY, 20: MONEY });
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 1 }];
}

function yearsSheet(workbook: ExcelJS.Workbook, result: SroiResult, investment: string, at: YearsLayout) {
  const sheet = workbook.addWorksheet('Years');
  const n = result.settings.analysisPeriodYears;
  sheet.getColumn(1).width = 44;
  for (let year = 1; year <= n + 1; year++) sheet.getColumn(year + 1).width = 15;
  const head = sheet.getRow(1);
  head.getCell(1).value = 'Year';
  for (let year = 1; year <= n; year++) head.getCell(year + 1).value = year;
  head.getCell(n + 2).value = 'Present value (£)';
  head.font = { bold: true };

  const col = at.yearColumn;
  // The discount rate is the third row of the Settings sheet (settingsSheet writes it there).
  const rate = 'Settings!$B$3';
  result.outcomes.forEach((o, i) => {
    const r = at.outcomeRow(i);
    const m = (column: string) => `${MAP_SHEET}!$${column}${r}`;
    const row = sheet.getRow(r);
    row.getCell(1).value = o.id;
    for (let year = 1; year <= n; year++) {
      const c = col(year);
      // Inside the outcome's years: impact × (1 − drop-off)^(years since it started); else nothing.
      row.getCell(year + 1).value = formula(
        `IF(AND(${c}$1>=${m(MAP.startYear)},${c}$1<=${m(MAP.startYear)}+${m(MAP.duration)}-1),${m(MAP.impact)}*(1-${m(MAP.dropOff)})^(${c}$1-${m(MAP.startYear)}),0)`,
        o.values[year - 1]!,
      );
    }
    const terms = Array.from({ length: n }, (_, y) => `${col(y + 1)}${r}*${col(y + 1)}$${at.discountRow}`);
    row.getCell(n + 2).value = formula(terms.join('+'), o.presentValue);
  });

  const label = (r: number, text: string) => {
    sheet.getRow(r).getCell(1).value = text;
    sheet.getRow(r).font = { bold: true };
  };
  label(at.totalRow, 'Total value (£)');
  label(at.discountRow, 'Discount factor: 1 ÷ (1 + r)^year');
  label(at.presentValueRow, 'Present value (£)');
  label(at.cumulativeRow, 'Cumulative value (£)');
  label(at.cumulativePresentValueRow, 'Cumulative present value (£)');
  label(at.paybackRow, 'Payback month, undiscounted (in the year it happens)');
  label(at.discountedPaybackRow, 'Payback month, discounted (in the year it happens)');
  const paybackYear = (months: number | null) => (months === null ? null : Math.max(1, Math.ceil(months / 12 - 1e-9)));
  const undiscountedYear = paybackYear(result.payback.cumulativeMonths);
  const discountedYear = paybackYear(result.payback.discountedCumulativeMonths);
  const lastOutcome = at.outcomeRow(result.outcomes.length - 1);
  for (let year = 1; year <= n; year++) {
    const c = col(year);
    const y = result.years[year - 1]!;
    const set = (r: number, text: string, value: number | string) => {
      sheet.getRow(r).getCell(year + 1).value = formula(text, value);
    };
    set(at.totalRow, `SUM(${c}2:${c}${lastOutcome})`, y.value);
    set(at.discountRow, `1/(1+${rate})^${c}$1`, y.discountFactor);
    set(at.presentValueRow, `${c}${at.totalRow}*${c}${at.discountRow}`, y.presentValue);
    set(at.cumulativeRow, `SUM($B${at.totalRow}:${c}${at.totalRow})`, y.cumulativeValue);
    set(at.cumulativePresentValueRow, `SUM($B${at.presentValueRow}:${c}${at.presentValueRow})`, y.cumulativePresentValue);
    // The year the running total first reaches the investment, taking that year's value as accruing evenly.
    const payback = (amountRow: number, cumulativeRow: number, months: number | null, inYear: number | null) => {
      const before = year === 1 ? '0' : `${col(year - 1)}${cumulativeRow}`;
      return [
        `IF(AND(${c}${amountRow}>0,${c}${cumulativeRow}>=${investment},${before}<${investment}),12*(${c}$1-1)+12*(${investment}-${before})/${c}${amountRow},"")`,
        inYear === year ? months! : '',
      ] as const;
    };
    set(at.paybackRow, ...payback(at.totalRow, at.cumulativeRow, result.payback.cumulativeMonths, undiscountedYear));
    set(at.discountedPaybackRow, ...payback(at.presentValueRow, at.cumulativePresentValueRow, result.payback.discountedCumulativeMonths, discountedYear));
  }
  for (const r of [at.totalRow, at.presentValueRow, at.cumulativeRow, at.cumulativePresentValueRow, ...result.outcomes.map((_, i) => at.outcomeRow(i))]) {
    sheet.getRow(r).numFmt = MONEY;
  }
  sheet.getRow(at.discountRow).numFmt = FACTOR;
  for (const r of [at.paybackRow, at.discountedPaybackRow]) sheet.getRow(r).numFmt = '0.00';
  sheet.getRow(1).numFmt = 'General';
  sheet.views = [{ state: 'frozen', xSplit: 1, ySplit: 1 }];
}

function resultsSheet(workbook: ExcelJS.Workbook, result: SroiResult, investment: string, at: YearsLayout) {
  const sheet = workbook.addWorksheet('Results');
  sheet.columns = [{ width: 44 }, { width: 20 }, { width: 70 }];
  header(sheet, ['Figure', 'Value', 'How']);
  const { totals, payback } = result;
  const pvRange = `Years!${at.presentValueColumn}2:${at.presentValueColumn}${at.outcomeRow(result.outcomes.length - 1)}`;
  const paybackRange = (r: number) => `Years!B${r}:${at.lastYearColumn}${r}`;
  const notWithin = NO_PAYBACK.notWithinPeriod;
  const noValue = NO_PAYBACK.noValueInYearOne;
  const rows: [string, Formula, string, string][] = [
    ['Total present value (PV)', formula(`SUM(${pvRange})`, totals.presentValue), 'Σ of the outcomes’ present values', MONEY],
    ['Investment', formula(investment, totals.investment), 'At year 0, undiscounted', MONEY],
    ['Net present value (NPV)', formula('B2-B3', totals.netPresentValue), 'PV − investment', MONEY],
    ['SROI ratio (£ per £1)', formula('B2/B3', totals.ratio), 'PV ÷ investment', RATIO],
    ['Net SROI ratio (£ per £1)', formula('B4/B3', totals.netRatio), 'NPV ÷ investment', RATIO],
    // The total value of analysis year 1 (the Years sheet's first year column), not the impact map's total impact: an outcome starting later adds nothing to it.
    ['Value in year 1 (£)', formula(`Years!${at.yearColumn(1)}${at.totalRow}`, payback.firstYearValue), 'Σ of the outcomes’ values in year 1, undiscounted', MONEY],
    ['Simple payback (months)', formula(`IF(B7>0,B3/(B7/12),"${noValue}")`, payback.simpleMonths ?? noValue), 'Investment ÷ (value in year 1 ÷ 12)', '0.00'],
    [
      'Cumulative payback, undiscounted (months)',
      formula(`IF(COUNT(${paybackRange(at.paybackRow)})=0,"${notWithin}",MIN(${paybackRange(at.paybackRow)}))`, payback.cumulativeMonths ?? notWithin),
      'When the running total of yearly values reaches the investment',
      '0.00',
    ],
    [
      'Cumulative payback, discounted (months)',
      formula(`IF(COUNT(${paybackRange(at.discountedPaybackRow)})=0,"${notWithin}",MIN(${paybackRange(at.discountedPaybackRow)}))`, payback.discountedCumulativeMonths ?? notWithin),
      'When the running total of present values reaches the investment',
      '0.00',
    ],
  ];
  for (const [name, value, how, format] of rows) {
    const row = sheet.addRow([name, null, how]);
    row.getCell(2).value = value;
    row.getCell(2).numFmt = format;
  }
}

function sensitivitySheet(workbook: ExcelJS.Workbook, result: SroiResult) {
  const sheet = workbook.addWorksheet('Sensitivity');
  sheet.columns = [{ width: 40 }, { width: 10 }, { width: 14 }, { width: 14 }, { width: 14 }, { width: 13 }, { width: 13 }, { width: 16 }, { width: 18 }, { width: 70 }];
  sheet.addRow([
    'Computed by Pont: each assumption varied on its own, the others at their central values. The switching value is where the ratio falls to 1:1 within the range (low to high). Values, not formulas.',
  ]).font = { italic: true };
  sheet.addRow(['Assumption', 'Unit', 'Central', 'Low', 'High', 'Ratio at low', 'Ratio at high', 'Switching value', '1:1 outside the range at', 'Switching value in words']).font = { bold: true };
  for (const s of result.sensitivity) {
    sheet.addRow([s.label, s.unit, s.central, s.low, s.high, s.ratioAtLow, s.ratioAtHigh, s.switchingValue ?? 'none in range', s.switchingOutsideRange ?? '', s.switching]);
  }
  formatColumns(sheet, { 6: RATIO, 7: RATIO });
}

function monteCarloSheet(workbook: ExcelJS.Workbook, result: SroiResult) {
  const sheet = workbook.addWorksheet('Monte Carlo');
  sheet.columns = [{ width: 40 }, { width: 16 }, { width: 16 }];
  const mc = result.monteCarlo;
  sheet.addRow([`Computed by Pont: ${mc.iterations} draws, seed ${mc.seed}, ${result.settings.monteCarlo.distribution}. Values, not formulas.`]).font = { italic: true };
  sheet.addRow(['Figure', 'SROI ratio']).font = { bold: true };
  for (const [name, value] of [
    ['Mean', mc.mean],
    ['Standard deviation', mc.standardDeviation],
    ['Lowest', mc.min],
    ...Object.entries(mc.percentiles).map(([p, v]) => [`${p.slice(1)}th percentile`, v] as const),
    ['Highest', mc.max],
    ['Share of draws below 1:1', mc.shareBelowOne],
  ] as const) {
    sheet.addRow([name, value]);
  }
  sheet.addRow([]);
  sheet.addRow(['Histogram: ratio from', 'to', 'draws']).font = { bold: true };
  for (const bin of mc.histogram) sheet.addRow([bin.from, bin.to, bin.count]);
}

// ---- helpers -----------------------------------------------------------------------------------

function formula(text: string, result: number | string): Formula {
  return { formula: text, result };
}

function header(sheet: ExcelJS.Worksheet, names: string[]) {
  const row = sheet.addRow(names);
  row.font = { bold: true };
  row.alignment = { wrapText: true, vertical: 'top' };
}

function formatColumns(sheet: ExcelJS.Worksheet, formats: Record<number, string>) {
  for (const [column, format] of Object.entries(formats)) sheet.getColumn(Number(column)).numFmt = format;
  sheet.getRow(1).numFmt = 'General';
}

/** 1 → A, 27 → AA. */
export function columnLetter(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
