/** The few statistics the bench needs, and how its figures are written. */

/** The p-th percentile (0–100) by linear interpolation between closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** A measured figure: the median of the runs, and the runs themselves so the reader sees the noise. */
export type Figure = { median: number; min: number; max: number; runs: number[] };

export function figure(runs: readonly number[]): Figure {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: [...runs] };
}

export type Target = { op: '<=' | '>='; value: number };

export type Row = {
  area: string;
  measure: string;
  unit: Unit;
  figure: Figure;
  target?: Target;
  note?: string;
};

export type Unit = 'ms' | 'KB' | 'MB' | 'x' | 'req/s' | 'responses/s' | 'bytes' | 'calls' | 'units' | 'USD';

export function passes(row: Row): boolean | undefined {
  if (!row.target) return undefined;
  return row.target.op === '<=' ? row.figure.median <= row.target.value : row.figure.median >= row.target.value;
}

/** KB are 1,000 bytes throughout. */
export const kb = (bytes: number) => bytes / 1000;

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return '–';
  const digits = unit === 'USD' ? 3 : unit === 'x' ? 2 : unit === 'calls' ? 0 : unit === 'KB' || Math.abs(value) < 10 ? 1 : 0;
  const text = value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit === 'bytes' ? `${text} B` : `${text} ${unit}`;
}

export function formatRow(row: Row): string[] {
  const { figure: f, unit } = row;
  const spread = f.runs.length > 1 ? `${formatValue(f.min, unit)} – ${formatValue(f.max, unit)}` : '–';
  const target = row.target ? `${row.target.op === '<=' ? '≤' : '≥'} ${formatValue(row.target.value, unit)}` : '';
  const verdict = passes(row);
  return [row.area, row.measure, formatValue(f.median, unit), spread, target, verdict === undefined ? '' : verdict ? 'pass' : '**FAIL**'];
}

export function markdownTable(header: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}

/** Lets queued microtasks and I/O run, so a long synchronous loop doesn't distort what it measures. */
export const yieldToEventLoop = () => new Promise<void>((done) => setImmediate(done));
