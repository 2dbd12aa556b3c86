/**
 * Small-cell protection: every combination of quasi-identifier values an
 * export shows is shared by at least k participants (k-anonymity), so that
 * nobody who knows a care leaver's local authority, age band and placement
 * type can pick out their row. Two steps, both reported:
 *
 *  1. Generalise: a category held by fewer than k participants in one
 *     quasi-identifier is merged into "other" (global recoding), where the
 *     variable is categorical.
 *  2. Suppress: while some participants share their combination with fewer
 *     than k, blank one quasi-identifier for all of them: the one with the
 *     most distinct values among them (it splits them most finely). A blanked
 *     value counts as a value of its own ("suppressed") when grouping, which
 *     is stricter than treating it as matching anything.
 *
 * A participant whose every quasi-identifier is blanked reveals none, so a
 * small group of such participants is left as it is (and reported).
 * No UK authority sets k; 5 is this project's documented default.
 */
import { GENERALISED_VALUE, SPECIAL_CODES } from './variables.js';

export const DEFAULT_K = 5;

export type QuasiIdentifier = {
  /** Stable id, e.g. the column name it protects. */
  id: string;
  /** Categorical string codes can merge into "other"; numeric codes can only be suppressed. */
  canGeneralise: boolean;
};

export type QuasiValue = string | number | null;

export type ProtectionReport = {
  k: number;
  participants: number;
  quasiIdentifiers: string[];
  generalised: { quasiIdentifier: string; values: (string | number)[]; participants: number }[];
  suppressed: { quasiIdentifier: string; participants: number }[];
  /** Participants left with every quasi-identifier blanked, in groups smaller than k. */
  fullySuppressedBelowK: number;
  /** Equivalence classes after protection, and the smallest of them that still shows any value. */
  classes: number;
  smallestClass: number | null;
};

export type Protection = {
  report: ProtectionReport;
  /** The value to export for a participant's quasi-identifier (generalised, suppressed or unchanged). */
  protectedValue(participant: string, quasiIdentifier: string, value: QuasiValue): QuasiValue;
};

const SUPPRESSED = Symbol('suppressed');
type Cell = QuasiValue | typeof SUPPRESSED;

export function protectQuasiIdentifiers(
  quasiIdentifiers: readonly QuasiIdentifier[],
  participants: ReadonlyMap<string, readonly QuasiValue[]>,
  k: number = DEFAULT_K,
): Protection {
  if (!Number.isInteger(k) || k < 2) throw new Error('k must be a whole number of at least 2');
  const ids = quasiIdentifiers.map((q) => q.id);
  const rows = new Map<string, Cell[]>([...participants].map(([participant, values]) => [participant, [...values]]));

  const generalised = generaliseRareCategories(quasiIdentifiers, rows, k);
  const suppressedCount = new Array<number>(ids.length).fill(0);
  const suppressedCells = new Map<string, Set<number>>();

  for (;;) {
    const small = participantsInSmallClasses(rows, k);
    if (small.length === 0) break;
    const dimension = mostDiscriminating(small.map((p) => rows.get(p)!), ids.length);
    for (const participant of small) {
      const row = rows.get(participant)!;
      if (row[dimension] === SUPPRESSED) continue;
      row[dimension] = SUPPRESSED;
      suppressedCount[dimension]! += 1;
      let cells = suppressedCells.get(participant);
      if (!cells) suppressedCells.set(participant, (cells = new Set()));
      cells.add(dimension);
    }
  }

  const classes = classSizes(rows);
  const shown = [...classes].filter(([key]) => !isFullySuppressed(key, ids.length)).map(([, size]) => size);
  const fullySuppressedBelowK = [...classes].filter(([key, size]) => isFullySuppressed(key, ids.length) && size < k).reduce((total, [, size]) => total + size, 0);
  const generalisedValues = new Map(generalised.map((g) => [g.index, new Set(g.values)]));

  return {
    report: {
      k,
      participants: rows.size,
      quasiIdentifiers: ids,
      generalised: generalised.map(({ index, values, participants: count }) => ({ quasiIdentifier: ids[index]!, values, participants: count })),
      suppressed: suppressedCount.map((count, index) => ({ quasiIdentifier: ids[index]!, participants: count })).filter((s) => s.participants > 0),
      fullySuppressedBelowK,
      classes: classes.size,
      smallestClass: shown.length > 0 ? Math.min(...shown) : null,
    },
    protectedValue(participant, quasiIdentifier, value) {
      const index = ids.indexOf(quasiIdentifier);
      if (index < 0) return value;
      if (suppressedCells.get(participant)?.has(index)) return typeof value === 'number' ? SPECIAL_CODES.suppressed.numeric : SPECIAL_CODES.suppressed.string;
      if (value !== null && generalisedValues.get(index)?.has(value)) return GENERALISED_VALUE;
      return value;
    },
  };
}

function generaliseRareCategories(quasiIdentifiers: readonly QuasiIdentifier[], rows: Map<string, Cell[]>, k: number) {
  const result: { index: number; values: (string | number)[]; participants: number }[] = [];
  quasiIdentifiers.forEach((quasiIdentifier, index) => {
    if (!quasiIdentifier.canGeneralise) return;
    const counts = new Map<string | number, number>();
    for (const row of rows.values()) {
      const value = row[index];
      if (value !== null && value !== undefined && value !== SUPPRESSED) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const rare = [...counts].filter(([, count]) => count < k).map(([value]) => value);
    if (rare.length === 0) return;
    const rareSet = new Set(rare);
    let participants = 0;
    for (const row of rows.values()) {
      const value = row[index];
      if (value !== null && value !== undefined && value !== SUPPRESSED && rareSet.has(value)) {
        row[index] = GENERALISED_VALUE;
        participants += 1;
      }
    }
    result.push({ index, values: rare.sort(), participants });
  });
  return result;
}

function classKey(row: readonly Cell[]): string {
  return JSON.stringify(row.map((cell) => (cell === SUPPRESSED ? { s: 1 } : cell)));
}

function isFullySuppressed(key: string, dimensions: number): boolean {
  return key === JSON.stringify(new Array(dimensions).fill({ s: 1 }));
}

function classSizes(rows: Map<string, Cell[]>): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const row of rows.values()) {
    const key = classKey(row);
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  return sizes;
}

/** Participants whose combination fewer than k share, leaving out those with nothing left to blank. */
function participantsInSmallClasses(rows: Map<string, Cell[]>, k: number): string[] {
  const sizes = classSizes(rows);
  const small: string[] = [];
  for (const [participant, row] of rows) {
    if (sizes.get(classKey(row))! < k && row.some((cell) => cell !== SUPPRESSED)) small.push(participant);
  }
  return small.sort();
}

/** The quasi-identifier with the most distinct (unblanked) values among these rows; the first on a tie. */
function mostDiscriminating(rows: readonly Cell[][], dimensions: number): number {
  let best = -1;
  let bestDistinct = -1;
  for (let index = 0; index < dimensions; index++) {
    const distinct = new Set(rows.map((row) => row[index]).filter((cell) => cell !== SUPPRESSED)).size;
    const anyLeft = rows.some((row) => row[index] !== SUPPRESSED);
    if (anyLeft && distinct > bestDistinct) {
      best = index;
      bestDistinct = distinct;
    }
  }
  return best;
}
