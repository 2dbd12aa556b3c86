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

type ScoredResponse = ExportedResponse & {
  ordinal: number;
  /** The instrument's place in its wave. */
  order: number;
  instrument: InstrumentVersion;
  scales: ScaleResult[];
  /** The response's answers as its long row codes them (before protection), by the long file's item variable: the wide row reuses them. */
  items?: Cell[];
};

/** One column's cell, read from the participant, and the row's own response and scale in the long and scores files. */
type CellOf = (participant: ParticipantCells, response: ScoredResponse | undefined, scale: ScaleResult | undefined) => Cell;

/**
 * What a participant's cells are read from, worked out once per participant:
 * their scored responses, by wave, the latest of each wave, and the values
 * their attributes are released as.
 */
class ParticipantCells {
  private readonly waves = new Map<string, { responses: ScoredResponse[]; latest?: ScoredResponse | undefined; days?: number | null }>();
  private readonly attributes = new Map<string, Cell>();

  constructor(
    readonly responses: ParticipantResponses,
    readonly scored: readonly ScoredResponse[],
  ) {
    for (const response of scored) {
      const wave = this.waves.get(response.waveId);
      if (wave) wave.responses.push(response);
      else this.waves.set(response.waveId, { responses: [response] });
    }
  }

  get pseudonym(): string {
    return this.responses.pseudonym;
  }

  /** The wide file names a wave; the long and scores files use the row's own response. */
  responsesOf(response: ScoredResponse | undefined, waveId: string | undefined): readonly ScoredResponse[] {
    if (!waveId) return response ? [response] : [];
    return this.waves.get(waveId)?.responses ?? [];
  }

  /** The latest of the row's own response or of a wave's responses. */
  latest(response: ScoredResponse | undefined, waveId: string | undefined): ScoredResponse | undefined {
    if (!waveId) return response;
    const wave = this.waves.get(waveId);
    if (!wave) return undefined;
    if (!('latest' in wave)) wave.latest = latest(wave.responses);
    return wave.latest;
  }

  /** Days from the baseline to the wave's last response (or the row's own, where no wave is named). */
  daysSinceBaseline(response: ScoredResponse | undefined, waveId: string | undefined): number | null {
    const wave = waveId ? this.waves.get(waveId) : undefined;
    if (!wave) return daysSinceBaseline(this.responses.baselineCompletedAt, this.responsesOf(response, waveId));
    if (wave.days === undefined) wave.days = daysSinceBaseline(this.responses.baselineCompletedAt, wave.responses);
    return wave.days;
  }

  /** An attribute's released value: the same in every row. */
  attribute(attributeId: string, release: (pseudonym: string, value: Cell) => Cell): Cell {
    let value = this.attributes.get(attributeId);
    if (value === undefined && !this.attributes.has(attributeId)) this.attributes.set(attributeId, (value = release(this.pseudonym, this.responses.attributes[attributeId] ?? null)));
    return value!;
  }
}

export class ParticipantRowBuilder {
  private readonly waves: Map<string, WaveInDesign>;
  private readonly baselineWaveId: string | undefined;
  private readonly comparability = new Map<string, boolean>();
  private readonly cells: { long: CellOf[]; wide: CellOf[]; scores: CellOf[] };
  /** By instrument, the long file's cells its responses can fill. */
  private readonly longCells = new Map<string, number[]>();

  /**
   * `protect` is asked about every attribute and item cell, or, given
   * `protectedIds`, about the cells of those quasi-identifiers only (it must
   * then return every other value as it is).
   */
  constructor(
    private readonly variables: DatasetVariables,
    waves: readonly WaveInDesign[],
    private readonly protect: ProtectValue,
    private readonly protectedIds?: ReadonlySet<string>,
  ) {
    this.waves = new Map(waves.map((wave) => [wave.waveId, wave]));
    this.baselineWaveId = waves.find((wave) => wave.ordinal === 0)?.waveId;
    // Each answer is coded once: a wide column that codes it as the long file's column of the same question does takes the long row's value.
    const longItems = variables.long.filter((v) => v.value.from === 'item');
    const codedAlike = (wide: Variable) => {
      const slot = longItems.findIndex((long) => sameCoding(long, wide));
      return slot < 0 ? undefined : slot;
    };
    this.cells = {
      long: variables.long.map((v) => this.cellOf(v, { stores: longItems.indexOf(v) })),
      wide: variables.wide.map((v) => this.cellOf(v, v.value.from === 'item' ? { reads: codedAlike(v) } : {})),
      scores: variables.scores.map((v) => this.cellOf(v, {})),
    };
  }

  build(responses: ParticipantResponses): ParticipantRows {
    const scored = this.score(responses.responses);
    if (scored.length === 0) return { long: [], wide: null, scores: [] };
    const participant = new ParticipantCells(responses, scored);
    const row = (cells: readonly CellOf[], response: ScoredResponse | undefined, scale: ScaleResult | undefined) => {
      const row = new Array<Cell>(cells.length);
      for (let i = 0; i < cells.length; i++) row[i] = cells[i]!(participant, response, scale);
      return row;
    };
    const long = scored.map((response) => {
      // A long row holds one response: the other instruments' item cells are blank.
      const cells = this.cells.long;
      const row = new Array<Cell>(cells.length).fill(null);
      for (const i of this.longCellsOf(response.instrumentId)) row[i] = cells[i]!(participant, response, undefined);
      return row;
    });
    const wide = row(this.cells.wide, undefined, undefined);
    const scores: Cell[][] = [];
    for (const response of scored) {
      for (const scale of response.scales) scores.push(row(this.cells.scores, response, scale));
    }
    return { long, wide, scores };
  }

  /** The long file's cells a response of this instrument can fill: all but other instruments' items. */
  private longCellsOf(instrumentId: string): number[] {
    let cells = this.longCells.get(instrumentId);
    if (!cells) {
      cells = [];
      for (const [i, variable] of this.variables.long.entries()) {
        const source = variable.value;
        if (source.from !== 'item' || !source.instrumentId || source.instrumentId === instrumentId) cells.push(i);
      }
      this.longCells.set(instrumentId, cells);
    }
    return cells;
  }

  /**
   * How a variable's cell is read, decided once for the export. A long item
   * cell `stores` its coded answer in the response's items at that slot; a
   * wide one `reads` it back from there.
   */
  private cellOf(variable: Variable, items: { stores?: number; reads?: number | undefined }): CellOf {
    const source = variable.value;
    switch (source.from) {
      case 'pseudonym':
        return (participant) => participant.pseudonym;
      case 'wave':
        return (_participant, response) => response?.waveId ?? null;
      case 'waveOrdinal':
        return (_participant, response) => response?.ordinal ?? null;
      case 'instrument':
        return (_participant, response) => response?.instrumentId ?? null;
      case 'instrumentVersion':
        return (participant, response) => pick(participant.responsesOf(response, source.waveId), source.instrumentId)?.instrumentVersion ?? null;
      case 'status':
        return (participant, response) => pick(participant.responsesOf(response, source.waveId), source.instrumentId)?.status ?? null;
      case 'language':
        return (participant, response) => participant.latest(response, source.waveId)?.language ?? null;
      case 'daysSinceBaseline':
        // The wave's, in every file: a long or scores row of one instrument counts to the wave's last response, as the wide file does.
        return (participant, response) => participant.daysSinceBaseline(response, source.waveId ?? response?.waveId);
      case 'attribute': {
        const release = this.releaser(quasiIdentifierIds.attribute(source.attributeId));
        return (participant) => participant.attribute(source.attributeId, release);
      }
      case 'item': {
        const { itemName, instrumentId, waveId } = source;
        const release = this.releaser(quasiIdentifierIds.item(itemName));
        const holds = (r: ScoredResponse) => (!instrumentId || r.instrumentId === instrumentId) && Object.hasOwn(r.answers, itemName);
        const coded = (holder: ScoredResponse) => encodeItemValue(variable, holder.answers[itemName]);
        // By instrument too: two instruments of a wave may store answers under the same name (column-names.ts).
        if (waveId) {
          const { reads } = items;
          return (participant) => {
            const holder = participant.responsesOf(undefined, waveId).find(holds);
            if (!holder) return null;
            const stored = reads === undefined ? undefined : holder.items?.[reads];
            return release(participant.pseudonym, stored !== undefined ? stored : coded(holder));
          };
        }
        const { stores } = items;
        return (participant, response) => {
          if (!response || !holds(response)) return null;
          const value = coded(response);
          if (stores !== undefined && stores >= 0) (response.items ??= [])[stores] = value;
          return release(participant.pseudonym, value);
        };
      }
      case 'scale':
        return (_participant, _response, scale) => scale?.score.scaleId ?? null;
      case 'score':
        return (participant, _response, scale) => this.scoreCell(source, participant.scored, scale);
    }
  }

  /** Small-cell protection of one quasi-identifier's cells; none for a value that is not one. */
  private releaser(quasiIdentifier: string): (pseudonym: string, value: Cell) => Cell {
    if (this.protectedIds && !this.protectedIds.has(quasiIdentifier)) return (_pseudonym, value) => value;
    return (pseudonym, value) => this.protect(pseudonym, quasiIdentifier, value);
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
      const { waveId, instrumentId, instrumentVersion, status, language, answers, savedAt, completedAt } = response;
      const order = wave.instruments.findIndex((i) => i.id === instrumentId);
      scored.push({ waveId, instrumentId, instrumentVersion, status, language, answers, savedAt, completedAt, ordinal: wave.ordinal, order, instrument, scales });
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
    return scored.sort((a, b) => a.ordinal - b.ordinal || a.order - b.order);
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

  private scoreCell(source: Extract<Variable['value'], { from: 'score' }>, scored: readonly ScoredResponse[], rowScale: ScaleResult | undefined): Cell {
    // Wide file: the named wave's response and scale; long and scores files: the row's own.
    const scale = source.waveId
      ? scored.find((r) => r.waveId === source.waveId && r.instrumentId === source.instrumentId)?.scales.find((s) => s.score.scaleId === source.scaleId)
      : rowScale;
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

/**
 * Whether two item variables code every answer alike: the same question of
 * the same instrument, the same coding, type and values (encodeItemValue reads
 * nothing else). A wave pinning another version than the long file merges may
 * code differently, and is then coded on its own.
 */
function sameCoding(a: Variable, b: Variable): boolean {
  if (a.value.from !== 'item' || b.value.from !== 'item') return false;
  if (a.value.itemName !== b.value.itemName || a.value.instrumentId !== b.value.instrumentId || a.type !== b.type) return false;
  if (JSON.stringify(a.value.coding ?? null) !== JSON.stringify(b.value.coding ?? null)) return false;
  const values = (v: Variable) => new Set(v.valueLabels.map((label) => label.value));
  const [x, y] = [values(a), values(b)];
  return x.size === y.size && [...x].every((value) => y.has(value));
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
