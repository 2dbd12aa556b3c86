/**
 * The report and the spreadsheet. The spreadsheet's formulas are evaluated
 * here with a small evaluator of the few functions they use (SUM, MIN,
 * COUNT, IF, AND and arithmetic), cell by cell from the values the sheet
 * holds: each must give the cached result written with it, and the results
 * must be the engine's figures to the penny. Changing an assumption in the
 * sheet must move the figures as the engine does.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSroi, type SroiResult } from '../../sroi/analysis.js';
import { sroiReportHtml } from '../../sroi/report-html.js';
import { sroiWorkbook } from '../../sroi/workbook.js';

type Json = Record<string, any>;

/**
 * Two outcomes: a WELLBY change scaled to a cohort (from the little dataset
 * below), and a manual count valued in 2019 prices starting in year 2; one
 * input in 2023 prices. Index 2019 = 80, 2023 = 90, 2025 = 100.
 */
function model(change: (m: Json) => void = () => {}): Json {
  const m: Json = {
    id: 'outputs-model',
    version: '1.2.0',
    title: 'Outputs <test> & co',
    settings: {
      priceYear: 2025,
      priceIndex: { source: 'test index', values: { '2019': 80, '2023': 90, '2025': 100 } },
      analysisPeriodYears: 4,
      monteCarlo: { iterations: 500, seed: 3 },
    },
    stakeholders: [{ id: 'young-people', name: 'Young people' }],
    inputs: [{ description: 'Grant', value: 30_000, priceYear: 2023, source: 'budget' }],
    outcomes: [
      {
        id: 'life-satisfaction',
        stakeholder: 'young-people',
        description: 'More satisfied with life',
        indicator: { kind: 'wellby', fromWave: 'baseline', toWave: 'follow-up' },
        scaling: { cohortSize: 10, source: 'records' },
        proxy: { kind: 'wellby' },
        durationYears: 2,
        dropOffPercent: 50,
        deadweightPercent: 30,
        attributionPercent: 40,
        displacementPercent: 5,
      },
      {
        id: 'housing',
        stakeholder: 'young-people',
        description: 'Kept their tenancy',
        indicator: { kind: 'manual', quantity: 3, source: 'tenancy records' },
        proxy: { kind: 'entered', value: 2000, source: 'a 2019 study', priceYear: 2019 },
        startYear: 2,
        durationYears: 3,
        dropOffPercent: 20,
        deadweightPercent: 25,
        attributionPercent: 10,
        displacementPercent: 0,
      },
    ],
  };
  change(m);
  return m;
}

/** Three participants: life satisfaction 4 → 6, 5 → 8, 6 → 5: net +4 points. */
const DATASET = {
  scoresCsv: [
    'pid,wave,wave_ordinal,days_since_baseline,instrument,instrument_version,scale,answered,raw,score,band,baseline_score,change,meaningful_change,direction',
    ...[
      ['a', 4, 6],
      ['b', 5, 8],
      ['c', 6, 5],
    ].flatMap(([pid, before, after]) => [
      `${pid},baseline,0,0,ons4,1.0.0,life_satisfaction,1,${before},${before},,,,,`,
      `${pid},follow-up,1,365,ons4,1.0.0,life_satisfaction,1,${after},${after},,${before},${Number(after) - Number(before)},,`,
    ]),
  ].join('\r\n'),
  codebookJson: JSON.stringify({
    studyId: 'study-1',
    synthetic: true,
    exportId: '01OUTPUTS',
    exportedAt: '2026-03-02T10:00:00.000Z',
    waves: ['baseline', 'follow-up'].map((waveId, ordinal) => ({ waveId, ordinal, prefix: ordinal ? 'f1' : 'b', instruments: [{ id: 'ons4', version: '1.0.0', contentHash: 'h' }] })),
    variables: ['baseline', 'follow-up'].map((waveId) => ({ name: `${waveId}_ls`, valueLabels: [], source: { instrumentId: 'ons4', scaleId: 'life_satisfaction', waveId } })),
  }),
};

function analyse(m: Json): SroiResult {
  const run = runSroi({ model: m, dataset: DATASET });
  if (!run.ok) throw new Error(JSON.stringify(run.problems));
  return run.result;
}

describe('the engine on this model (the figures the outputs must show)', () => {
  it('matches the hand computation', () => {
    const result = analyse(model());
    // WELLBYs: 4 net points over 3 respondents × cohort 10 = 13.333333; proxy £13,000 × 100/80 = £16,250
    // impact = 40/3 × 16,250 × 0.7 × 0.95 × 0.6 = 86,450 (exactly); years 1–2: 86,450, 43,225
    expect(result.outcomes[0]).toMatchObject({ quantity: 13.333333, impact: 86450, values: [86450, 43225, 0, 0] });
    // housing: 3 × £2,000 × 1.25 × 0.75 × 0.9 = 5,062.50 from year 2, then × 0.8: 5,062.50, 4,050, 3,240
    expect(result.outcomes[1]).toMatchObject({ impact: 5062.5, values: [0, 5062.5, 4050, 3240] });
    // investment £30,000 × 100/90 = £33,333.33; PV = 86,450/1.035 + 48,287.5/1.035² + 4,050/1.035³ + 3,240/1.035⁴
    //   = 83,526.57005 + 45,076.89794 + 3,652.86796 + 2,823.47282 = 135,079.80877; ratio 135,079.80877 ÷ 33,333.3… = 4.052394
    expect(result.totals).toMatchObject({ investment: 33333.33, presentValue: 135079.81, ratio: 4.052394 });
    // Simple payback over the value in year 1 (86,450: housing starts in year 2), not the total impact 86,450 + 5,062.50 = 91,512.50:
    // (100,000/3) ÷ (86,450 ÷ 12) = 400,000/86,450 = 4.626952 months (over the total impact it would be 4.370988)
    expect(result.totals.totalImpact).toBe(91512.5);
    expect(result.payback).toMatchObject({ firstYearValue: 86450, simpleMonths: 4.626952 });
  });
});

describe('the HTML report', () => {
  let html: string;
  let result: SroiResult;
  beforeAll(() => {
    result = analyse(model());
    html = sroiReportHtml(result);
  });

  it('is one self-contained document: no scripts, no external requests', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)=/i);
  });

  it('shows the headline ratio with its ranges, the totals, and cites the export', () => {
    expect(html).toContain('SROI ratio <strong>£4.05 : £1</strong>');
    expect(html).toContain(`Monte Carlo 90% range £${result.headline.monteCarloP5.toFixed(2)} to £${result.headline.monteCarloP95.toFixed(2)}`);
    expect(html).toContain('£135,079.81');
    expect(html).toContain('£33,333.33');
    expect(html).toContain('<code>01OUTPUTS</code>');
    expect(html).toContain('ons4 1.0.0 at baseline');
    expect(html).toMatch(/Synthetic data/);
  });

  it('has the impact map, the year-by-year table, and both charts as accessible inline SVG with tables beside them', () => {
    expect(html).toContain('id="impact-map"');
    expect(html).toContain('<th scope="col" class="num">Year 4</th>');
    expect(html).toContain('£86,450.00');
    expect(html.match(/<svg [^>]*role="img"/g)).toHaveLength(2);
    expect(html).toContain('aria-labelledby="tornado-title tornado-desc"');
    expect(html).toContain('aria-labelledby="histogram-title histogram-desc"');
    expect(html).toContain('One assumption at a time');
    expect(html).toContain('@media print');
  });

  it('labels the simple payback with the value in year 1 it divides by', () => {
    expect(html).toContain('<tr><th scope="row">Value in year 1 (undiscounted)</th><td>£86,450.00</td></tr>');
    expect(html).toContain('<tr><th scope="row">Simple payback: investment ÷ (value in year 1 ÷ 12)</th><td>4.63 months</td></tr>');
    const late = sroiReportHtml(analyse(model((m) => (m.outcomes[0].startYear = 2))));
    expect(late).toContain('<tr><th scope="row">Simple payback: investment ÷ (value in year 1 ÷ 12)</th><td>no value in year 1</td></tr>');
  });

  it('says "none in range" for a switching value outside the range, with where the ratio would be 1:1', () => {
    // deadweight of the WELLBY outcome: 1:1 at 87.49%, outside the default 20–40%
    expect(result.sensitivity.find((s) => s.id === 'outcomes[0].deadweight')!.switching).toBe('none in range (1:1 at 87.49%, outside the stated 20–40%)');
    expect(html).toContain('<td>none in range (1:1 at 87.49%, outside the stated 20–40%)</td></tr>');
  });

  it('escapes text from the model', () => {
    expect(html).toContain('SROI: Outputs &lt;test&gt; &amp; co');
    expect(html).not.toContain('<test>');
  });
});

describe('the spreadsheet', () => {
  let result: SroiResult;
  let book: Book;
  beforeAll(async () => {
    result = analyse(model());
    book = await loadBook(await sroiWorkbook(result));
  });

  it('has the value map’s sheets', () => {
    expect(book.sheetNames).toEqual(['About', 'Settings', 'Inputs', 'Impact map', 'Years', 'Results', 'Sensitivity', 'Monte Carlo']);
  });

  it('holds live formulas whose values are their cached results, to the penny', () => {
    const formulas = book.formulaCells();
    expect(formulas.length).toBeGreaterThan(50);
    for (const cell of formulas) {
      const value = book.evaluate(cell.sheet, cell.address);
      const where = `${cell.sheet}!${cell.address}: ${cell.formula}`;
      if (typeof cell.cached === 'number') expect(Math.abs((value as number) - cell.cached), where).toBeLessThan(0.005);
      // exceljs reads a cached 0 or "" back as no result at all (the file holds <v>0</v>).
      else if (cell.cached === undefined) expect([0, ''], where).toContain(value);
      else expect(value, where).toBe(cell.cached);
    }
  });

  it('reproduces the engine’s figures', () => {
    const at = (sheet: string, address: string) => book.evaluate(sheet, address) as number;
    expect(at('Results', 'B2')).toBeCloseTo(result.totals.presentValue, 2);
    expect(at('Results', 'B3')).toBeCloseTo(result.totals.investment, 2);
    expect(at('Results', 'B4')).toBeCloseTo(result.totals.netPresentValue, 2);
    expect(at('Results', 'B5')).toBeCloseTo(result.totals.ratio, 6);
    expect(at('Results', 'B6')).toBeCloseTo(result.totals.netRatio, 6);
    expect(at('Results', 'B7')).toBeCloseTo(result.payback.firstYearValue, 2);
    expect(at('Results', 'B8')).toBeCloseTo(result.payback.simpleMonths!, 2);
    expect(at('Results', 'B9')).toBeCloseTo(result.payback.cumulativeMonths!, 2);
    expect(at('Results', 'B10')).toBeCloseTo(result.payback.discountedCumulativeMonths!, 2);
    expect(at('Impact map', 'G2')).toBeCloseTo(40 / 3, 9);
  });

  it('follows a changed assumption as the engine does: deadweight 30% → 60% on the first outcome', () => {
    book.set('Impact map', 'M2', 0.6);
    const engine = analyse(model((m) => (m.outcomes[0].deadweightPercent = 60)));

    expect(book.evaluate('Results', 'B2') as number).toBeCloseTo(engine.totals.presentValue, 2);
    expect(book.evaluate('Results', 'B5') as number).toBeCloseTo(engine.totals.ratio, 6);
    expect(book.evaluate('Results', 'B10') as number).toBeCloseTo(engine.payback.discountedCumulativeMonths!, 2);
    // Year 1: 86,450 × 0.4/0.7 = 49,400; simple payback (100,000/3) ÷ (49,400 ÷ 12) = 8.097166
    expect(engine.payback.simpleMonths).toBe(8.097166);
    expect(book.evaluate('Results', 'B8') as number).toBeCloseTo(engine.payback.simpleMonths!, 2);
  });

  it('reads the simple payback from the year-1 value: an outcome moved to start in year 2 leaves none', () => {
    book.set('Impact map', 'M2', 0.3);
    book.set('Impact map', 'Q2', 2);
    const engine = analyse(model((m) => (m.outcomes[0].startYear = 2)));

    expect(engine.payback).toMatchObject({ firstYearValue: 0, simpleMonths: null, inWords: { simple: 'no value in year 1' } });
    expect(book.evaluate('Results', 'B7')).toBe(0);
    expect(book.evaluate('Results', 'B8')).toBe('no value in year 1');
    expect(book.evaluate('Results', 'B2') as number).toBeCloseTo(engine.totals.presentValue, 2);
  });

  it('writes the switching values as Pont gives them: "none in range" and the 1:1 point outside it', () => {
    const sheet = book.rows('Sensitivity');
    const deadweight = sheet.find((row) => row[0] === 'life-satisfaction: deadweight')!;
    // Switching value, 1:1 outside the range at, in words
    expect(deadweight.slice(7)).toEqual(['none in range', 87.494293, 'none in range (1:1 at 87.49%, outside the stated 20–40%)']);
  });
});

// ---- a small evaluator for the formulas the workbook uses -------------------------------------------

type Value = number | string | boolean | Value[];
type FormulaCell = { sheet: string; address: string; formula: string; cached: number | string | undefined };
type Book = {
  sheetNames: string[];
  /** A sheet's plain values, row by row (columns A on). */
  rows(sheet: string): (number | string | undefined)[][];
  formulaCells(): FormulaCell[];
  evaluate(sheet: string, address: string): Value;
  set(sheet: string, address: string, value: number): void;
};

async function loadBook(bytes: Uint8Array): Promise<Book> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  const cells = new Map<string, { formula?: string; value?: number | string; cached?: number | string }>();
  for (const sheet of workbook.worksheets) {
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        const v = cell.value as unknown;
        const key = `${sheet.name}!${cell.address}`;
        if (v && typeof v === 'object' && 'formula' in v) {
          const { formula, result } = v as { formula: string; result?: number | string };
          cells.set(key, { formula, cached: result });
        } else if (typeof v === 'number' || typeof v === 'string') cells.set(key, { value: v });
      }),
    );
  }
  let cache = new Map<string, Value>();
  const book: Book = {
    sheetNames: workbook.worksheets.map((s) => s.name),
    rows: (name) => {
      const rows: (number | string | undefined)[][] = [];
      workbook.getWorksheet(name)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (typeof v === 'number' || typeof v === 'string' ? v : undefined))));
      return rows;
    },
    formulaCells: () =>
      [...cells].filter(([, c]) => c.formula !== undefined).map(([key, c]) => ({ sheet: key.split('!')[0]!, address: key.split('!')[1]!, formula: c.formula!, cached: c.cached })),
    evaluate(sheet, address) {
      const key = `${sheet}!${address}`;
      if (cache.has(key)) return cache.get(key)!;
      const cell = cells.get(key);
      const value: Value = cell === undefined ? 0 : cell.formula !== undefined ? evaluateFormula(cell.formula, sheet, book) : cell.value!;
      cache.set(key, value);
      return value;
    },
    set(sheet, address, value) {
      cells.set(`${sheet}!${address}`, { value });
      cache = new Map();
    },
  };
  return book;
}

/** Arithmetic, comparisons, cell and range references (optionally on another sheet), SUM, MIN, COUNT, IF, AND. */
function evaluateFormula(formula: string, sheet: string, book: Book): Value {
  const tokens = formula.match(/'[^']+'!|[A-Za-z]+!|\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?|[A-Z]+(?=\()|\d+(?:\.\d+)?(?:E[+-]?\d+)?|"[^"]*"|<=|>=|<>|[-+*/^(),=<>]/g)!;
  expect(tokens.join(''), 'every character of the formula is understood').toBe(formula);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++]!;
  const num = (v: Value) => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : v === '' ? 0 : Number.NaN);

  const reference = (onSheet: string, ref: string): Value => {
    const plain = ref.replace(/\$/g, '');
    if (!plain.includes(':')) return book.evaluate(onSheet, plain);
    const [from, to] = plain.split(':') as [string, string];
    const [, c1, r1] = /([A-Z]+)(\d+)/.exec(from)!;
    const [, c2, r2] = /([A-Z]+)(\d+)/.exec(to)!;
    const values: Value[] = [];
    for (let r = Number(r1); r <= Number(r2); r++) for (let c = column(c1!); c <= column(c2!); c++) values.push(book.evaluate(onSheet, `${letters(c)}${r}`));
    return values;
  };
  const call = (name: string, args: Value[]): Value => {
    const numbers = args.flat(1).filter((v): v is number => typeof v === 'number');
    switch (name) {
      case 'SUM':
        return numbers.reduce((a, b) => a + b, 0);
      case 'MIN':
        return numbers.length ? Math.min(...numbers) : 0;
      case 'COUNT':
        return numbers.length;
      case 'AND':
        return args.every(Boolean);
      case 'IF':
        return args[0] ? args[1]! : args[2]!;
      default:
        throw new Error(`the evaluator does not know ${name}`);
    }
  };
  const primary = (): Value => {
    const token = next();
    if (token === '(') {
      const value = comparison();
      next();
      return value;
    }
    if (token === '-') return -num(power());
    if (/^\d/.test(token)) return Number(token);
    if (token.startsWith('"')) return token.slice(1, -1);
    if (token.endsWith('!')) return reference(token.slice(0, -1).replace(/^'|'$/g, ''), next());
    if (/^\$?[A-Z]+\$?\d/.test(token)) return reference(sheet, token);
    // A function: arguments up to the closing parenthesis.
    next();
    const args: Value[] = [];
    while (peek() !== ')') {
      args.push(comparison());
      if (peek() === ',') next();
    }
    next();
    return call(token, args);
  };
  const power = (): Value => {
    let value = primary();
    while (peek() === '^') {
      next();
      value = num(value) ** num(primary());
    }
    return value;
  };
  const product = (): Value => {
    let value = power();
    while (peek() === '*' || peek() === '/') value = next() === '*' ? num(value) * num(power()) : num(value) / num(power());
    return value;
  };
  const sum = (): Value => {
    let value = product();
    while (peek() === '+' || peek() === '-') value = next() === '+' ? num(value) + num(product()) : num(value) - num(product());
    return value;
  };
  const comparison = (): Value => {
    const left = sum();
    const op = peek();
    if (!op || !['=', '<>', '<', '>', '<=', '>='].includes(op)) return left;
    next();
    const [a, b] = [num(left), num(sum())];
    return op === '=' ? a === b : op === '<>' ? a !== b : op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  };
  const value = comparison();
  expect(i, `the whole formula is read: ${formula}`).toBe(tokens.length);
  return value;
}

function column(letters: string): number {
  return [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
}

function letters(column: number): string {
  let text = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) text = String.fromCharCode(65 + ((n - 1) % 26)) + text;
  return text;
}
