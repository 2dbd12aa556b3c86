/**
 * The one scoring module: every scale score, for the API, the exports and the
 * SROI analysis alike. Rules (docs/instruments.md states them for researchers):
 *  - an item counts as answered when its value is a number within the scale's
 *    itemValues; anything else ("prefer not to say", missing) is unanswered;
 *  - reverse items score itemValues.min + itemValues.max − value;
 *  - fewer than minimumAnswered answered items: no score;
 *  - sum: the sum, prorated (mean × item count) when some items are missing;
 *  - mean: the mean of the answered items;
 *  - conversion: the raw sum of all items looked up in the table.
 */
import type { Answers } from '../contracts/respondent.js';
import type { InstrumentFile, Scale } from './instrument.js';

export type ScaleScore = {
  scaleId: string;
  status: 'scored' | 'too_few_answers';
  /** Items answered with a value the scale can score. */
  answered: number;
  /** Sum (possibly prorated) or mean before any conversion; null when not scored. */
  raw: number | null;
  score: number | null;
  /** The id of the band the score falls in, or null. */
  band: string | null;
};

export type ScoreChange = {
  scaleId: string;
  /** Follow-up score minus baseline score; null when either is missing. */
  change: number | null;
  /** Whether |change| reaches the scale's meaningful-change threshold; null when there is no threshold or no change to judge. */
  meaningful: boolean | null;
  /** Which way the change goes, taking the scale's direction into account. */
  direction: 'improved' | 'worsened' | 'unchanged' | null;
};

// Scores are sums and means of small integers: compare with a tolerance, never exactly.
const EPSILON = 1e-9;

export function itemValue(scale: Scale, value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (value < scale.itemValues.min || value > scale.itemValues.max) return undefined;
  return value;
}

export function scoreScale(scale: Scale, answers: Answers): ScaleScore {
  const reverse = new Set(scale.reverseItems ?? []);
  const values: number[] = [];
  for (const item of scale.items) {
    const value = itemValue(scale, answers[item]);
    if (value === undefined) continue;
    values.push(reverse.has(item) ? scale.itemValues.min + scale.itemValues.max - value : value);
  }
  const answered = values.length;
  const unscored: ScaleScore = { scaleId: scale.id, status: 'too_few_answers', answered, raw: null, score: null, band: null };
  if (answered < scale.minimumAnswered || answered === 0) return unscored;

  const sum = values.reduce((total, v) => total + v, 0);
  const mean = sum / answered;
  let raw: number;
  let score: number;
  switch (scale.method.kind) {
    case 'sum':
      raw = answered === scale.items.length ? sum : mean * scale.items.length;
      score = raw;
      break;
    case 'mean':
      raw = mean;
      score = mean;
      break;
    case 'conversion': {
      if (answered < scale.items.length) return unscored;
      raw = sum;
      const row = scale.method.table.find((r) => Math.abs(r.raw - sum) < EPSILON);
      if (!row) throw new Error(`Scale ${scale.id}: the conversion table has no row for raw sum ${sum}`);
      score = row.score;
      break;
    }
  }
  return { scaleId: scale.id, status: 'scored', answered, raw, score, band: bandOf(scale, score) };
}

export function bandOf(scale: Scale, score: number): string | null {
  const band = (scale.bands ?? []).find((b) => score >= b.min - EPSILON && score <= b.max + EPSILON);
  return band?.id ?? null;
}

export function scoreInstrument(instrument: Pick<InstrumentFile, 'scales'>, answers: Answers): ScaleScore[] {
  return (instrument.scales ?? []).map((scale) => scoreScale(scale, answers));
}

export function scoreChange(scale: Scale, baseline: ScaleScore, followUp: ScaleScore): ScoreChange {
  if (baseline.score === null || followUp.score === null) {
    return { scaleId: scale.id, change: null, meaningful: null, direction: null };
  }
  const change = followUp.score - baseline.score;
  const threshold = scale.meaningfulChange?.threshold;
  const meaningful = threshold === undefined ? null : Math.abs(change) >= threshold - EPSILON;
  const better = scale.direction === 'higher-is-better' ? change > EPSILON : change < -EPSILON;
  const worse = scale.direction === 'higher-is-better' ? change < -EPSILON : change > EPSILON;
  return { scaleId: scale.id, change, meaningful, direction: better ? 'improved' : worse ? 'worsened' : 'unchanged' };
}
