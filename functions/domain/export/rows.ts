/**
 * Rows of the dataset files for one participant: their responses across waves,
 * scored, turned into cells by the variable plan. Pure: the export pipeline
 * gathers each participant's responses and writes what this returns.
 */
import type { Answers } from '../../contracts/respondent.js';
import type { Language } from '../../contracts/common.js';
import { canonicalJson } from '../canonical-json.js';
import type { InstrumentVersion, Scale } from '../instrument.js';
import { scoreChange, scoreScale, type ScaleScore, type ScoreChange } from '../scoring.js';
import type { QuasiValue } from './k-anonymity.js';
import { encodeItemValue, type DatasetVariables, type Variable } from './variables.js';
import { ExportNotPossible } from './export-not-possible.js';

export type Cell = string | number | null;

export type ExportedResponse = {
  waveId: string;
  instrumentId: string;
  instrumentVersion: string;
  status: 'partial' | 'complete';
  language: Language;
  answers: Answers;
  savedAt: string;
  completedAt?: string;
};

export type ParticipantResponses = {
  pseudonym: string;
  /** Declared attribute values, by attribute id. */
  attributes: Record<string, string | undefined>;
  /** When they completed the baseline: days since baseline count from it. */
  baselineCompletedAt?: string;
  responses: ExportedResponse[];
};

export type WaveInDesign = { waveId: string; ordinal: number; instruments: InstrumentVersion[] };

/** Applies small-cell protection to a quasi-identifier's value; identity when none applies. */
export type ProtectValue = (pseudonym: string, quasiIdentifier: string, value: QuasiValue) => QuasiValue;

/** A question asked at several waves is one quasi-identifier: it is protected for the participant as a whole, in every wave's column alike. */
export const quasiIdentifierIds = {
  attribute: (attributeId: string) => `attribute:${attributeId}`,
  item: (itemName: string) => `item:${itemName}`,
};

export type ParticipantRows = { long: Cell[][]; wide: Cell[] | null; scores: Cell[][] };

const DAY_MS = 86_400_000;

/** A scale's score in one response, with the baseline it is compared with and the change. */
type ScaleResult = { score: ScaleScore; baseline: ScaleScore | null; change: ScoreChange | null };

type ScoredResponse = ExportedResponse & { ordinal: number; instrument: InstrumentVersion; scales: ScaleResult[] };

/** Everything the cells of one row are read from. */
type RowContext = {
  participant: ParticipantResponses;
  /** Long and scores rows: the row's own response. */
  response?: ScoredResponse;
  /** Scores rows: the row's own scale. */
  scale?: ScaleResult;
};

export class ParticipantRowBuilder {
  private readonly waves: Map<string, WaveInDesign>;
  private readonly baselineWaveId: string | undefined;
  private readonly comparability = new Map<string, boolean>();

  constructor(
    private readonly variables: DatasetVariables,
    waves: readonly WaveInDesign[],
    private readonly protect: ProtectValue,
  ) {
    this.waves = new Map(waves.map((wave) => [wave.waveId, wave]));
    this.baselineWaveId = waves.find((wave) => wave.ordinal === 0)?.waveId;
  }

  build(participant: ParticipantResponses): ParticipantRows {
    const scored = this.score(participant.responses);
    if (scored.length === 0) return { long: [], wide: null, scores: [] };
    const long = scored.map((response) => this.variables.long.map((variable) => this.cell(variable, { participant, response }, scored)));
    const wide = this.variables.wide.map((variable) => this.cell(variable, { participant }, scored));
    const scores: Cell[][] = [];
    for (const response of scored) {
      for (const scale of response.scales) scores.push(this.variables.scores.map((variable) => this.cell(variable, { participant, response, scale }, scored)));
    }
    return { long, wide, scores };
  }

  /** Scores every scale of every complete response once, then compares follow-ups with the baseline. */
  private score(responses: readonly ExportedResponse[]): ScoredResponse[] {
    const scored: ScoredResponse[] = [];
    for (const response of responses) {
      const wave = this.waves.get(response.waveId);
      const instrument = wave?.instruments.find((i) => i.id === response.instrumentId && i.version === response.instrumentVersion);
      // A response to a wave or version the study no longer pins cannot be placed in the columns.
      if (!wave || !instrument) throw new ExportNotPossible(`A response names ${response.instrumentId}@${response.instrumentVersion} in wave ${response.waveId}, which the study does not pin`);
      const scales = response.status === 'complete' ? (instrument.scales ?? []).map((scale) => ({ score: scoreScale(scale, response.answers), baseline: null, change: null })) : [];
      scored.push({ ...response, ordinal: wave.ordinal, instrument, scales });
    }
    for (const response of scored) {
      if (response.waveId === this.baselineWaveId) continue;
      const baseline = scored.find((r) => r.waveId === this.baselineWaveId && r.instrumentId === response.instrumentId);
      if (!baseline) continue;
      for (const result of response.scales) {
        const scale = scaleOf(response.instrument, result.score.scaleId);
        if (!this.comparable(baseline.instrument, response.instrument, scale)) continue;
        result.baseline = baseline.scales.find((s) => s.score.scaleId === scale.id)?.score ?? null;
        result.change = result.baseline ? scoreChange(scale, result.baseline, result.score) : null;
      }
    }
    return scored.sort((a, b) => a.ordinal - b.ordinal || this.instrumentOrder(a) - this.instrumentOrder(b));
  }

  private instrumentOrder(response: ScoredResponse): number {
    return this.waves.get(response.waveId)!.instruments.findIndex((i) => i.id === response.instrumentId);
  }

  /**
   * Whether a follow-up's scale can be compared with the baseline's: only
   * where both versions define the scale the same way (a changed scale gets
   * no change). Decided once per pair of versions.
   */
  private comparable(baseline: InstrumentVersion, followUp: InstrumentVersion, scale: Scale): boolean {
    const key = `${baseline.id}@${baseline.version}|${followUp.version}|${scale.id}`;
    let result = this.comparability.get(key);
    if (result === undefined) {
      const baselineScale = (baseline.scales ?? []).find((s) => s.id === scale.id);
      result = baselineScale !== undefined && canonicalJson(baselineScale) === canonicalJson(scale);
      this.comparability.set(key, result);
    }
    return result;
  }

  private cell(variable: Variable, context: RowContext, scored: readonly ScoredResponse[]): Cell {
    const { participant, response } = context;
    const source = variable.value;
    switch (source.from) {
      case 'pseudonym':
        return participant.pseudonym;
      case 'wave':
        return response?.waveId ?? null;
      case 'waveOrdinal':
        return response?.ordinal ?? null;
      case 'instrument':
        return response?.instrumentId ?? null;
      case 'instrumentVersion':
        return pick(responsesOf(scored, response, source.waveId), source.instrumentId)?.instrumentVersion ?? null;
      case 'status':
        return pick(responsesOf(scored, response, source.waveId), source.instrumentId)?.status ?? null;
      case 'language':
        return latest(responsesOf(scored, response, source.waveId))?.language ?? null;
      case 'daysSinceBaseline':
        // The wave's, in every file: a long or scores row of one instrument counts to the wave's last response, as the wide file does.
        return daysSinceBaseline(participant.baselineCompletedAt, responsesOf(scored, response, source.waveId ?? response?.waveId));
      case 'attribute': {
        const value = participant.attributes[source.attributeId] ?? null;
        return this.protect(participant.pseudonym, quasiIdentifierIds.attribute(source.attributeId), value);
      }
      case 'item': {
        // By instrument too: two instruments of a wave may store answers under the same name (column-names.ts).
        const holder = responsesOf(scored, response, source.waveId).find((r) => (!source.instrumentId || r.instrumentId === source.instrumentId) && Object.hasOwn(r.answers, source.itemName));
        if (!holder) return null;
        const value = encodeItemValue(variable, holder.answers[source.itemName]);
        return this.protect(participant.pseudonym, quasiIdentifierIds.item(source.itemName), value);
      }
      case 'scale':
        return context.scale?.score.scaleId ?? null;
      case 'score':
        return this.scoreCell(source, context, scored);
    }
  }

  private scoreCell(source: Extract<Variable['value'], { from: 'score' }>, context: RowContext, scored: readonly ScoredResponse[]): Cell {
    // Wide file: the named wave's response and scale; long and scores files: the row's own.
    const scale = source.waveId
      ? scored.find((r) => r.waveId === source.waveId && r.instrumentId === source.instrumentId)?.scales.find((s) => s.score.scaleId === source.scaleId)
      : context.scale;
    if (!scale) return null;
    switch (source.field) {
      case 'answered':
        return scale.score.answered;
      case 'raw':
        return roundScore(scale.score.raw);
      case 'score':
        return roundScore(scale.score.score);
      case 'band':
        return scale.score.band;
      case 'baselineScore':
        return roundScore(scale.baseline?.score ?? null);
      case 'change':
        return roundScore(scale.change?.change ?? null);
      case 'meaningfulChange':
        return scale.change?.meaningful == null ? null : scale.change.meaningful ? 1 : 0;
      case 'direction':
        return scale.change?.direction ?? null;
    }
  }
}

/** The wide file names a wave; the long and scores files use the row's own response. */
function responsesOf(scored: readonly ScoredResponse[], response: ScoredResponse | undefined, waveId: string | undefined): readonly ScoredResponse[] {
  if (!waveId) return response ? [response] : [];
  const inWave: ScoredResponse[] = [];
  for (const r of scored) if (r.waveId === waveId) inWave.push(r);
  return inWave;
}

function scaleOf(instrument: InstrumentVersion, scaleId: string): Scale {
  const scale = (instrument.scales ?? []).find((s) => s.id === scaleId);
  if (!scale) throw new Error(`${instrument.id}@${instrument.version} has no scale ${scaleId}`);
  return scale;
}

function pick(responses: readonly ScoredResponse[], instrumentId: string | undefined): ScoredResponse | undefined {
  return instrumentId ? responses.find((r) => r.instrumentId === instrumentId) : responses[0];
}

function finishedAt(response: ExportedResponse): string {
  return response.completedAt ?? response.savedAt;
}

function latest(responses: readonly ScoredResponse[]): ScoredResponse | undefined {
  return [...responses].sort((a, b) => finishedAt(b).localeCompare(finishedAt(a)))[0];
}

/**
 * Whole days from the participant's baseline completion to when they finished
 * this wave (its last response). Calendar dates never leave the platform.
 */
function daysSinceBaseline(baselineCompletedAt: string | undefined, responses: readonly ScoredResponse[]): number | null {
  const last = latest(responses);
  if (!baselineCompletedAt || !last) return null;
  return Math.max(0, Math.floor((Date.parse(finishedAt(last)) - Date.parse(baselineCompletedAt)) / DAY_MS));
}

/** Means and prorated sums carry float noise: four decimals is more than any scale resolves. */
function roundScore(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}
