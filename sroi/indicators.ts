/**
 * Indicators recomputed from a dataset export (issue #6): scores.csv and
 * codebook.json, given as text, so the same code runs in the CLI, a server
 * route and a browser. The analysis cites the export and the instrument
 * versions each indicator used.
 *
 * Every change is taken from the export's own columns (change, direction,
 * meaningful_change, band), never recomputed from the scores: the export
 * already applies each instrument's scoring rules, its meaningful-change
 * threshold, and leaves the change empty where two versions of an
 * instrument do not score a scale comparably.
 */
import { z } from 'zod';
import { parseCsvRecords } from '../functions/domain/participant-csv.js';
import type { DatasetIndicator, ModelProblem, SroiModel } from './model.js';

export type DatasetFiles = {
  /** scores.csv as text (a byte-order mark is fine). */
  scoresCsv: string;
  /** codebook.json as text. */
  codebookJson: string;
};

export type ScoreRow = {
  pid: string;
  wave: string;
  instrument: string;
  instrumentVersion: string;
  scale: string;
  score: number | null;
  band: string | null;
  change: number | null;
  meaningfulChange: boolean | null;
  direction: 'improved' | 'worsened' | 'unchanged' | null;
};

/** The parts of codebook.json the analysis relies on (see functions/domain/export/codebook.ts). */
const Codebook = z.object({
  studyId: z.string(),
  synthetic: z.boolean(),
  exportId: z.string(),
  exportedAt: z.string(),
  waves: z.array(
    z.object({
      waveId: z.string(),
      ordinal: z.number(),
      instruments: z.array(z.object({ id: z.string(), version: z.string(), contentHash: z.string() })),
    }),
  ),
  variables: z.array(
    z.object({
      name: z.string(),
      valueLabels: z.array(z.object({ value: z.union([z.string(), z.number()]) })),
      source: z.object({ instrumentId: z.string().optional(), scaleId: z.string().optional(), waveId: z.string().optional() }).optional(),
    }),
  ),
});

export type Dataset = {
  studyId: string;
  exportId: string;
  exportedAt: string;
  synthetic: boolean;
  waves: { waveId: string; ordinal: number; instruments: { id: string; version: string; contentHash: string }[] }[];
  /** `${instrument}/${scale}/${wave}` for every scale the export scores at a wave (from the wide file's score columns). */
  scaleAtWave: Set<string>;
  /** Every band id the export knows. */
  bands: Set<string>;
  rows: ScoreRow[];
};

export type DatasetRead = { ok: true; dataset: Dataset } | { ok: false; problems: ModelProblem[] };

const SCORE_COLUMNS = ['pid', 'wave', 'instrument', 'instrument_version', 'scale', 'score', 'band', 'change', 'meaningful_change', 'direction'] as const;

export function readDataset(files: DatasetFiles): DatasetRead {
  let codebookValue: unknown;
  try {
    codebookValue = JSON.parse(files.codebookJson.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, problems: [{ path: 'codebook.json', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const codebook = Codebook.safeParse(codebookValue);
  if (!codebook.success) {
    const issue = codebook.error.issues[0]!;
    return { ok: false, problems: [{ path: 'codebook.json', message: `not a Pont dataset codebook: ${issue.path.join('.')}: ${issue.message}` }] };
  }

  let records: { line: number; fields: string[] }[];
  try {
    records = parseCsvRecords(files.scoresCsv);
  } catch (error) {
    return { ok: false, problems: [{ path: 'scores.csv', message: (error as Error).message }] };
  }
  const [header, ...body] = records;
  const columns = new Map((header?.fields ?? []).map((name, i) => [name, i]));
  const missing = SCORE_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length > 0) return { ok: false, problems: [{ path: 'scores.csv', message: `not a Pont scores file: no column ${missing.join(', ')}` }] };

  const problems: ModelProblem[] = [];
  const rows: ScoreRow[] = [];
  for (const { line, fields } of body) {
    const cell = (name: (typeof SCORE_COLUMNS)[number]) => fields[columns.get(name)!] ?? '';
    const number = (name: (typeof SCORE_COLUMNS)[number]) => {
      const text = cell(name);
      if (text === '') return null;
      const value = Number(text);
      if (!Number.isFinite(value)) problems.push({ path: `scores.csv line ${line}`, message: `${name} "${text}" is not a number` });
      return value;
    };
    const direction = cell('direction');
    rows.push({
      pid: cell('pid'),
      wave: cell('wave'),
      instrument: cell('instrument'),
      instrumentVersion: cell('instrument_version'),
      scale: cell('scale'),
      score: number('score'),
      band: cell('band') || null,
      change: number('change'),
      meaningfulChange: cell('meaningful_change') === '' ? null : cell('meaningful_change') === '1',
      direction: direction === 'improved' || direction === 'worsened' || direction === 'unchanged' ? direction : null,
    });
  }
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, 10) };

  const { studyId, exportId, exportedAt, synthetic, waves, variables } = codebook.data;
  const scaleAtWave = new Set(
    variables.flatMap(({ source }) => (source?.instrumentId && source.scaleId && source.waveId ? [`${source.instrumentId}/${source.scaleId}/${source.waveId}`] : [])),
  );
  const bands = new Set(variables.filter((v) => v.name === 'band').flatMap((v) => v.valueLabels.map((label) => String(label.value))));
  return { ok: true, dataset: { studyId, exportId, exportedAt, synthetic, waves: [...waves].sort((a, b) => a.ordinal - b.ordinal), scaleAtWave, bands, rows } };
}

export type IndicatorResult = {
  /** Participants scored at both waves (the denominator). */
  respondents: number;
  /** Participants meeting the indicator; for a wellby indicator, the net life-satisfaction points (may be fractional or negative). */
  count: number;
  /** How the respondents' scores moved between the two waves (rose, stayed, fell), for the report. */
  movement: { rose: number; same: number; fell: number };
  /** The instrument version each wave ran, as the dataset says. */
  versions: { waveId: string; version: string; contentHash: string }[];
  warnings: string[];
};

/**
 * Checks an indicator against the dataset; every problem names the field
 * (under `path`, e.g. outcomes[0].indicator) that the dataset cannot meet.
 */
export function indicatorProblems(dataset: Dataset, indicator: DatasetIndicator, path: string): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const waveIds = dataset.waves.map((w) => w.waveId);
  for (const field of ['fromWave', 'toWave'] as const) {
    const waveId = indicator[field];
    const wave = dataset.waves.find((w) => w.waveId === waveId);
    if (!wave) {
      problems.push({ path: `${path}.${field}`, message: `the dataset has no wave "${waveId}" (waves: ${waveIds.join(', ')})` });
      continue;
    }
    if (!wave.instruments.some((i) => i.id === indicator.instrument)) {
      problems.push({
        path: `${path}.instrument`,
        message: `wave "${waveId}" of the dataset did not run "${indicator.instrument}" (it ran ${wave.instruments.map((i) => i.id).join(', ') || 'nothing'})`,
      });
    } else if (!dataset.scaleAtWave.has(`${indicator.instrument}/${indicator.scale}/${waveId}`)) {
      const scales = [...dataset.scaleAtWave].filter((key) => key.startsWith(`${indicator.instrument}/`) && key.endsWith(`/${waveId}`)).map((key) => key.split('/')[1]);
      problems.push({ path: `${path}.scale`, message: `the dataset has no score "${indicator.scale}" of ${indicator.instrument} at wave "${waveId}" (scales: ${scales.join(', ') || 'none'})` });
    }
  }
  if (indicator.kind === 'score-change' && problems.length === 0) {
    const baseline = dataset.waves[0]!;
    if (indicator.fromWave !== baseline.waveId) {
      problems.push({
        path: `${path}.fromWave`,
        message: `must be the baseline, "${baseline.waveId}": the export measures change (and meaningful change) from each participant's baseline. To compare two follow-ups, use a band-exit indicator`,
      });
    }
  }
  if (indicator.kind === 'band-exit') {
    indicator.fromBands.forEach((band, i) => {
      if (!dataset.bands.has(band)) problems.push({ path: `${path}.fromBands[${i}]`, message: `the dataset has no band "${band}" (bands: ${[...dataset.bands].join(', ') || 'none'})` });
    });
  }
  return problems;
}

/** The indicator's count over the dataset; call indicatorProblems first. */
export function computeIndicator(dataset: Dataset, indicator: DatasetIndicator): IndicatorResult {
  const ofScale = (waveId: string) =>
    new Map(dataset.rows.filter((r) => r.wave === waveId && r.instrument === indicator.instrument && r.scale === indicator.scale).map((r) => [r.pid, r]));
  const from = ofScale(indicator.fromWave);
  const to = ofScale(indicator.toWave);
  const versions = [indicator.fromWave, indicator.toWave].map((waveId) => {
    const pinned = dataset.waves.find((w) => w.waveId === waveId)!.instruments.find((i) => i.id === indicator.instrument)!;
    return { waveId, version: pinned.version, contentHash: pinned.contentHash };
  });
  const warnings: string[] = [];
  if (versions[0]!.version !== versions[1]!.version) {
    warnings.push(
      `${indicator.instrument} is version ${versions[0]!.version} at ${indicator.fromWave} and ${versions[1]!.version} at ${indicator.toWave}: check that ${indicator.scale} is comparable (npm run pont -- instrument diff)`,
    );
  }

  const movement = { rose: 0, same: 0, fell: 0 };
  let respondents = 0;
  let count = 0;
  switch (indicator.kind) {
    case 'score-change': {
      // The toWave row carries the change from baseline; empty when either score is missing or not comparable.
      for (const row of to.values()) {
        if (row.change === null || row.direction === null) continue;
        respondents += 1;
        tally(movement, row.change);
        const improved = row.direction === 'improved';
        if (indicator.rule === 'meaningful-improvement' ? improved && row.meaningfulChange === true : improved && Math.abs(row.change) >= indicator.threshold! - 1e-9) count += 1;
      }
      if (indicator.rule === 'meaningful-improvement' && respondents > 0 && [...to.values()].every((r) => r.change === null || r.meaningfulChange === null)) {
        warnings.push(`${indicator.instrument} ${indicator.scale} has no meaningful-change threshold in this dataset, so no one can meet meaningful-improvement: use rule improved-by-at-least`);
      }
      break;
    }
    case 'band-exit': {
      const leaving = new Set(indicator.fromBands);
      for (const [pid, later] of to) {
        const earlier = from.get(pid);
        if (!earlier?.band || !later.band || earlier.score === null || later.score === null) continue;
        respondents += 1;
        tally(movement, later.score - earlier.score);
        if (leaving.has(earlier.band) && !leaving.has(later.band)) count += 1;
      }
      break;
    }
    case 'wellby': {
      // Net points: declines count against improvements, so the WELLBYs are the cohort's net gain.
      let points = 0;
      for (const [pid, later] of to) {
        const earlier = from.get(pid);
        if (earlier?.score == null || later.score === null) continue;
        respondents += 1;
        tally(movement, later.score - earlier.score);
        points += later.score - earlier.score;
      }
      // Scores have at most four decimals (the export rounds them): keep the sum free of float noise.
      count = Math.round(points * 10_000) / 10_000;
      if (count < 0) warnings.push(`life satisfaction fell on average between ${indicator.fromWave} and ${indicator.toWave}: the WELLBY outcome is negative`);
      break;
    }
  }
  if (respondents === 0) warnings.push(`no participant has comparable ${indicator.instrument} ${indicator.scale} scores at ${indicator.fromWave} and ${indicator.toWave}: the quantity is 0`);
  return { respondents, count, movement, versions, warnings };
}

function tally(movement: IndicatorResult['movement'], difference: number) {
  if (Math.abs(difference) < 1e-9) movement.same += 1;
  else if (difference > 0) movement.rose += 1;
  else movement.fell += 1;
}

/** The indicators of a model that need a dataset, with their paths. */
export function datasetIndicators(model: SroiModel): { path: string; indicator: DatasetIndicator }[] {
  return model.outcomes.flatMap((outcome, i) => (outcome.indicator.kind === 'manual' ? [] : [{ path: `outcomes[${i}].indicator`, indicator: outcome.indicator }]));
}
