/**
 * Small-cell protection: every combination of quasi-identifier values an
 * export shows, together with which waves a participant answered, is shared
 * by at least k participants (k-anonymity), so that nobody who knows a care
 * leaver's local authority, age band, gender and that they answered the
 * baseline and the second follow-up can pick out their row.
 *
 * What an intruder is assumed to see (the risk model):
 *  - each quasi-identifier once, however many waves ask it: a question asked
 *    at three waves is one value where the answers given agree (a blank or
 *    "prefer not to say" at some wave does not count against it: an intruder
 *    knows facts about a person, not which waves they declined a question);
 *    where they differ, the sequence of answers is the value (a move between
 *    councils is itself identifying);
 *  - which waves the participant answered (the wide file shows it by its
 *    blank columns), which nothing can generalise;
 *  - a blank (never answered) as a value of its own, and a row that shows no
 *    quasi-identifier value at all as revealing none (it is left as it is).
 *
 * How: coarsening along each quasi-identifier's hierarchy (hierarchies.ts)
 * before suppressing anything, choosing the release that loses least
 * information, a value of a study's first priority weighing ten times one of
 * its second, and so on (see compareLoss). Two kinds of release compete,
 * each finished by local suppression:
 *  1a. global recoding (as ARX and sdcMicro do): one level per
 *      quasi-identifier for everyone. Every combination of levels is tried (a
 *      few hundred; beyond 4,096 a climb from all exact instead), estimated
 *      with the participants it leaves in groups smaller than k fully
 *      suppressed, and the best few are finished;
 *  1b. release by priority (local recoding, top-down as in Fung, Wang and
 *      Yu's specialisation): starting from everything withheld, detail is
 *      released group by group, the first priority down to exact values
 *      before the next, wherever the groups it splits keep k. Where the waves
 *      people answered split a local authority into small groups, global
 *      recoding can only coarsen it for everyone; this keeps it exact for the
 *      many and coarsens it for the few.
 *  2. local suppression: a participant still in a group smaller than k has
 *     one quasi-identifier at a time withheld, the least important first
 *     (preferring one that puts them in a group of k), until no such group
 *     is left.
 *
 * No UK authority sets k; 5 is this project's documented default.
 */
import { informationLoss, isNotAnAnswer, levelName, recode, topLevel, WITHHELD, type Hierarchy } from './hierarchies.js';
import { SPECIAL_CODES } from './variable-model.js';

export const DEFAULT_K = 5;

export type QuasiValue = string | number | null;

export type QuasiIdentifier = {
  /** Stable id, e.g. attribute:local_authority or item:ctx_gender. */
  id: string;
  /** The columns it is released in, in wave order: an attribute's one column, a question's column in each wave that asks it. */
  columns: readonly string[];
  hierarchy: Hierarchy;
  /** 1 is kept exact first, then 2 …; none: after every quasi-identifier with a priority. */
  priority?: number;
};

export type QuasiRecord = {
  /** Which waves the participant answered, one character a wave ("1101"): part of what every row shows. */
  pattern: string;
  /** Per quasi-identifier (in the order given), its value in each of its columns; null where not answered. */
  values: readonly (readonly QuasiValue[])[];
};

/**
 * The participants' records in a compact form: those who show the same values
 * and answered waves can share one record (a cohort has far fewer distinct
 * records than participants), so that an export's memory grows by a few bytes
 * a participant rather than by a record each.
 */
export type QuasiRecords = {
  /** The participants' ids (export pseudonyms), each once. */
  ids: readonly string[];
  /** Each participant's record, as an index into records. */
  recordOf: Int32Array;
  records: readonly QuasiRecord[];
};

export type ColumnLoss = {
  column: string;
  quasiIdentifier: string;
  /** Cells holding a value before protection; blanks (not answered) are never counted. */
  values: number;
  exact: number;
  /** Released as a coarser group, by level. */
  generalised: Record<string, number>;
  /** Withheld because the whole quasi-identifier went to the top of its hierarchy. */
  withheld: number;
  /** Withheld for this participant alone (local suppression). */
  suppressed: number;
};

export type ProtectionReport = {
  k: number;
  participants: number;
  /**
   * How the release was made: one level per quasi-identifier for everyone
   * (global recoding), or detail released group by group in order of priority
   * (local recoding); whichever lost less, local suppression after either.
   */
  method: 'global' | 'specialised';
  quasiIdentifiers: { id: string; columns: string[]; priority: number | null; hierarchy: string[] }[];
  /** Distinct answered-wave patterns among the participants. */
  answeredWavePatterns: number;
  columns: ColumnLoss[];
  cells: { values: number; exact: number; generalised: number; withheld: number; suppressed: number };
  /** Participants whose row shows no quasi-identifier value (every one blank or withheld). */
  revealingNone: number;
  /** Of those, the ones in a group (by answered waves) smaller than k: they reveal no value, so they are left as they are. */
  revealingNoneBelowK: number;
  /** Groups of participants showing the same values and answered waves, and the smallest that shows any value. */
  classes: number;
  smallestClass: number | null;
  /** Combinations of levels tried, and finished with local suppression. */
  search: { combinations: number; finished: number };
};

export type Protection = {
  report: ProtectionReport;
  /** The value to export in any of a quasi-identifier's columns for a participant: exact, generalised or suppressed; blank stays blank. */
  protectedValue(participant: string, quasiIdentifier: string, value: QuasiValue): QuasiValue;
};

/** Combinations of levels finished with local suppression, best estimates first. */
const CANDIDATES_FINISHED = 6;
/** Up to this many combinations of levels are all tried (a few hundred for a typical study); beyond, a climb through them. */
const MAX_COMBINATIONS = 4096;

const NULL_KEY = 0;
const WITHHELD_KEY = 1;

export function protectQuasiIdentifiers(quasiIdentifiers: readonly QuasiIdentifier[], participants: ReadonlyMap<string, QuasiRecord> | QuasiRecords, k: number = DEFAULT_K): Protection {
  if (!Number.isInteger(k) || k < 2) throw new Error('k must be a whole number of at least 2');
  const table = new QuasiTable(quasiIdentifiers, participants instanceof Map ? recordsOfMap(participants) : (participants as QuasiRecords));
  const search = searchRecodings(table, k);
  const state = search.best;
  const reportData = describe(table, state, k, search);
  const columnIndex = new Map(quasiIdentifiers.map((q, i) => [q.id, i]));
  const participantIndex = new Map(table.ids.map((id, i) => [id, i]));
  // The release keeps the chosen state and nothing else of the search: its tables go to the garbage collector while the files are written.
  const released = new Release(quasiIdentifiers, state);

  return {
    report: reportData,
    protectedValue(participant, quasiIdentifier, value) {
      const q = columnIndex.get(quasiIdentifier);
      const p = participantIndex.get(participant);
      if (q === undefined || p === undefined || value === null) return value;
      const cell = released.value(p, q, value);
      return cell === WITHHELD ? suppressedCode(value) : cell;
    },
  };
}

function recordsOfMap(participants: ReadonlyMap<string, QuasiRecord>): QuasiRecords {
  return { ids: [...participants.keys()], recordOf: Int32Array.from(participants.keys(), (_, i) => i), records: [...participants.values()] };
}

function suppressedCode(value: string | number): string | number {
  return typeof value === 'number' ? SPECIAL_CODES.suppressed.numeric : SPECIAL_CODES.suppressed.string;
}

// ---- the table: each participant's key for each quasi-identifier at each level, computed once ------

/** What the export releases: each participant's level of each quasi-identifier, and which were suppressed for them alone. */
type State = { levels: Uint8Array<ArrayBuffer>; suppressed: Uint8Array<ArrayBuffer> };

class QuasiTable {
  /** The participants, ordered by what they show, then by id. */
  readonly ids: string[];
  /** recordOf[p]: the participant's record, an index into records (one per distinct record). */
  private readonly recordOf: Int32Array;
  private readonly records: QuasiRecord[];
  readonly q: number;
  readonly n: number;
  readonly patterns: Int32Array;
  readonly patternCount: number;
  /** keys[q][level][p]: the participant's value of quasi-identifier q at that level, interned (0 blank, 1 withheld). */
  readonly keys: Int32Array[][];
  readonly keyCounts: number[];
  /** loss[q][level][p]: information lost over the participant's cells. */
  readonly loss: Float64Array[][];
  /** cells[q][p]: how many of the participant's cells hold a value. */
  readonly cells: Int32Array[];
  /** tierOf[q]: 0 for the quasi-identifiers ranked first, 1 for the next …, the last tier for those without a priority. */
  readonly tierOf: number[];
  readonly tiers: number;
  readonly tops: number[];
  private readonly radixFits: boolean;

  constructor(
    readonly quasiIdentifiers: readonly QuasiIdentifier[],
    participants: QuasiRecords,
  ) {
    // One record per distinct content: everything below that depends on a record alone is worked out once per record.
    const byContent = new Map<string, number>();
    const contents: string[] = [];
    this.records = [];
    const canonical = Int32Array.from(participants.records, (record) => {
      const content = JSON.stringify([record.pattern, record.values]);
      let id = byContent.get(content);
      if (id === undefined) {
        byContent.set(content, (id = this.records.length));
        this.records.push(record);
        contents.push(content);
      }
      return id;
    });
    const rank = new Int32Array(contents.length);
    [...contents.keys()].sort((a, b) => (contents[a]! < contents[b]! ? -1 : contents[a]! > contents[b]! ? 1 : 0)).forEach((record, i) => (rank[record] = i));
    // Ordered by what they hold, then by id: every tie below is broken by content, so the same data gives the same release whatever the export's pseudonyms.
    const ids = participants.ids;
    const recordOf = (i: number) => canonical[participants.recordOf[i]!]!;
    const order = Array.from(ids, (_, i) => i).sort((a, b) => rank[recordOf(a)]! - rank[recordOf(b)]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    this.ids = order.map((i) => ids[i]!);
    this.recordOf = Int32Array.from(order, recordOf);
    this.q = quasiIdentifiers.length;
    this.n = this.ids.length;
    const patternIds = new Map<string, number>();
    this.patterns = Int32Array.from(this.recordOf, (r) => intern(patternIds, this.records[r]!.pattern));
    this.patternCount = patternIds.size;
    const ranks = [...new Set(quasiIdentifiers.flatMap((q) => (q.priority === undefined ? [] : [q.priority])))].sort((a, b) => a - b);
    this.tierOf = quasiIdentifiers.map((q) => (q.priority === undefined ? ranks.length : ranks.indexOf(q.priority)));
    this.tiers = ranks.length + 1;
    this.tops = quasiIdentifiers.map((qi) => topLevel(qi.hierarchy));
    this.keys = [];
    this.loss = [];
    this.cells = [];
    this.keyCounts = [];
    quasiIdentifiers.forEach((qi, q) => {
      const interned = new Map<string, number>([['', NULL_KEY], ['\u0000withheld', WITHHELD_KEY]]);
      const recordCells = this.records.map((r) => (r.values[q] ?? []).filter((v) => v !== null).length);
      this.cells.push(Int32Array.from(this.recordOf, (r) => recordCells[r]!));
      const keysByLevel: Int32Array[] = [];
      const lossByLevel: Float64Array[] = [];
      for (let level = 0; level <= this.tops[q]!; level++) {
        const keys = new Int32Array(this.n);
        const loss = new Float64Array(this.n);
        // Keys numbered in participant order, as they always were: the same data gives the same numbers.
        const recordKeys = new Int32Array(this.records.length).fill(-1);
        const recordLoss = new Float64Array(this.records.length);
        for (let p = 0; p < this.n; p++) {
          const r = this.recordOf[p]!;
          if (recordKeys[r] === -1) {
            const values = this.records[r]!.values[q] ?? [];
            recordKeys[r] = intern(interned, keyOf(qi.hierarchy, level, values));
            let lost = 0;
            for (const value of values) if (value !== null) lost += informationLoss(qi.hierarchy, level, value);
            recordLoss[r] = lost;
          }
          keys[p] = recordKeys[r]!;
          loss[p] = recordLoss[r]!;
        }
        keysByLevel.push(keys);
        lossByLevel.push(loss);
      }
      this.keys.push(keysByLevel);
      this.loss.push(lossByLevel);
      this.keyCounts.push(interned.size);
    });
    this.radixFits = this.keyCounts.reduce((product, count) => product * count, Math.max(1, this.patternCount)) < Number.MAX_SAFE_INTEGER;
  }

  /** The record participant p was given. */
  recordAt(p: number): QuasiRecord {
    return this.records[this.recordOf[p]!]!;
  }

  uniform(levels: readonly number[]): State {
    const state = { levels: new Uint8Array(this.n * this.q), suppressed: new Uint8Array(this.n * this.q) };
    for (let p = 0; p < this.n; p++) for (let q = 0; q < this.q; q++) state.levels[p * this.q + q] = levels[q]!;
    return state;
  }

  key(state: State, p: number, q: number): number {
    const at = p * this.q + q;
    if (state.suppressed[at]) return this.cells[q]![p]! > 0 ? WITHHELD_KEY : NULL_KEY;
    return this.keys[q]![state.levels[at]!]![p]!;
  }

  /** Each quasi-identifier's released keys, one column each. */
  columns(state: State): Int32Array[] {
    const columns: Int32Array[] = [];
    for (let q = 0; q < this.q; q++) {
      // this.key(state, p, q) for every participant, inlined: it is asked for at every step of the search.
      const column = new Int32Array(this.n);
      const keys = this.keys[q]!;
      const cells = this.cells[q]!;
      for (let p = 0, at = q; p < this.n; p++, at += this.q) column[p] = state.suppressed[at] ? (cells[p]! > 0 ? WITHHELD_KEY : NULL_KEY) : keys[state.levels[at]!]![p]!;
      columns.push(column);
    }
    return columns;
  }

  /** Group of every participant: same answered waves and same released keys. */
  classes(columns: readonly Int32Array[]): { classOf: Int32Array; sizes: Int32Array } {
    if (this.radixFits) return this.classesByNumber(columns);
    const classOf = Int32Array.from(this.patterns);
    let count = this.patternCount;
    const step = new Map<number, number>();
    for (let q = 0; q < this.q; q++) {
      // Refines the groups by one quasi-identifier: a group id (below n) and a key id (below keyCounts[q]) make one exact number.
      step.clear();
      const width = this.keyCounts[q]!;
      const column = columns[q]!;
      for (let p = 0; p < this.n; p++) {
        const composite = classOf[p]! * width + column[p]!;
        let id = step.get(composite);
        if (id === undefined) step.set(composite, (id = step.size));
        classOf[p] = id;
      }
      count = step.size;
    }
    const sizes = new Int32Array(count);
    for (let p = 0; p < this.n; p++) sizes[classOf[p]!]! += 1;
    return { classOf, sizes };
  }

  /**
   * The same groups, faster: each participant's keys read as the digits of
   * one number (answered waves first), when every such number fits a double
   * exactly, and one lookup per participant instead of one per key.
   */
  private classesByNumber(columns: readonly Int32Array[]): { classOf: Int32Array; sizes: Int32Array } {
    const classOf = new Int32Array(this.n);
    const ids = new Map<number, number>();
    const counts: number[] = [];
    for (let p = 0; p < this.n; p++) {
      let composite = this.patterns[p]!;
      for (let q = 0; q < this.q; q++) composite = composite * this.keyCounts[q]! + columns[q]![p]!;
      let id = ids.get(composite);
      if (id === undefined) {
        ids.set(composite, (id = counts.length));
        counts.push(0);
      }
      counts[id]! += 1;
      classOf[p] = id;
    }
    return { classOf, sizes: Int32Array.from(counts) };
  }

  revealsNone(columns: readonly Int32Array[], p: number): boolean {
    for (let q = 0; q < this.q; q++) if (columns[q]![p]! > WITHHELD_KEY) return false;
    return true;
  }

  /** Participants in a group smaller than k that shows some value. */
  outliers(columns: readonly Int32Array[], k: number): number[] {
    const { classOf, sizes } = this.classes(columns);
    const small: number[] = [];
    for (let p = 0; p < this.n; p++) if (sizes[classOf[p]!]! < k && !this.revealsNone(columns, p)) small.push(p);
    return small;
  }

  /** The information a state loses, tier by tier: generalised cells by their loss, withheld and suppressed cells in full. */
  lossOf(state: State): Loss {
    const total = new Array<number>(this.tiers).fill(0);
    for (let p = 0; p < this.n; p++) {
      for (let q = 0; q < this.q; q++) {
        const at = p * this.q + q;
        total[this.tierOf[q]!]! += state.suppressed[at] ? this.cells[q]![p]! : this.loss[q]![state.levels[at]!]![p]!;
      }
    }
    return total;
  }

  /** The information one quasi-identifier loses in a state. */
  lossOfOne(state: State, q: number): number {
    let total = 0;
    for (let p = 0; p < this.n; p++) {
      const at = p * this.q + q;
      total += state.suppressed[at] ? this.cells[q]![p]! : this.loss[q]![state.levels[at]!]![p]!;
    }
    return total;
  }

}

/** A state's value for a participant's cell: recoded to their level of the quasi-identifier, or withheld. */
class Release {
  private readonly q: number;

  constructor(
    private readonly quasiIdentifiers: readonly QuasiIdentifier[],
    private readonly state: State,
  ) {
    this.q = quasiIdentifiers.length;
  }

  value(p: number, q: number, value: string | number): string | number | typeof WITHHELD {
    const at = p * this.q + q;
    if (this.state.suppressed[at]) return WITHHELD;
    return recode(this.quasiIdentifiers[q]!.hierarchy, this.state.levels[at]!, value);
  }
}

function intern(ids: Map<string, number>, key: string): number {
  let id = ids.get(key);
  if (id === undefined) ids.set(key, (id = ids.size));
  return id;
}

/**
 * A participant's value of a quasi-identifier as the risk model sees it: the
 * one value they gave wherever they gave one (a blank, "prefer not to say" or
 * "not applicable" at some wave does not contradict it: an intruder knows
 * facts about a person, not which waves they declined a question); the
 * sequence, blanks included, where the values they gave differ; only "prefer
 * not to say" and the like where they gave nothing else.
 */
function quasiKey(values: readonly (string | number | typeof WITHHELD | null)[]): string {
  const answered = values.filter((value) => value !== null);
  if (answered.length === 0) return '';
  if (answered.includes(WITHHELD)) return '\u0000withheld';
  const text = (value: (typeof values)[number]) => (value === null ? '·' : `${typeof value === 'number' ? 'n' : 's'}${String(value)}`);
  const given = answered.filter((value) => !isNotAnAnswer(value as string | number));
  const deciding = given.length > 0 ? given : answered;
  if (deciding.every((value) => value === deciding[0])) return text(deciding[0]!);
  return values.map(text).join('|');
}

function keyOf(hierarchy: Hierarchy, level: number, values: readonly QuasiValue[]): string {
  return quasiKey(values.map((value) => (value === null ? null : recode(hierarchy, level, value))));
}

/**
 * Loss per priority tier. A value of one tier weighs PRIORITY_WEIGHT times
 * one of the next, so a study's first priority is kept exact first, yet a
 * handful more exact values of it never outweighs withholding most of
 * everything else (comparing tier by tier did exactly that when a study's
 * four councils were all large).
 */
type Loss = number[];

const PRIORITY_WEIGHT = 10;

function compareLoss(a: Loss, b: Loss): number {
  let difference = 0;
  for (let tier = 0; tier < a.length; tier++) difference += (a[tier]! - b[tier]!) * PRIORITY_WEIGHT ** (a.length - 1 - tier);
  return Math.abs(difference) > 1e-9 ? difference : 0;
}

// ---- choosing: candidates finished with local suppression, the least loss kept ----------------------

type Search = { best: State; method: 'global' | 'specialised'; combinations: number; finished: number };

function searchRecodings(table: QuasiTable, k: number): Search {
  const finished: { state: State; method: Search['method'] }[] = [];
  const global = globalRecodings(table, k);
  for (const levels of global.best) finished.push({ state: suppressLocally(table, table.uniform(levels), k), method: 'global' });
  finished.push({ state: suppressLocally(table, specialiseByPriority(table, k), k), method: 'specialised' });
  let best = finished[0]!;
  let bestLoss = table.lossOf(best.state);
  for (const candidate of finished.slice(1)) {
    const loss = table.lossOf(candidate.state);
    if (compareLoss(loss, bestLoss) < 0) [best, bestLoss] = [candidate, loss];
  }
  return { best: best.state, method: best.method, combinations: global.combinations, finished: finished.length };
}

// ---- 1a. global recoding: every combination of levels ------------------------------------------------

function globalRecodings(table: QuasiTable, k: number): { best: number[][]; combinations: number } {
  const candidates: { levels: number[]; estimate: Loss }[] = [];
  const tryLevels = (levels: number[]) => {
    const candidate = { levels: [...levels], estimate: estimate(table, levels, k) };
    candidates.push(candidate);
    return candidate;
  };
  const levels = new Array<number>(table.q).fill(0);
  if (table.tops.reduce((product, top) => product * (top + 1), 1) <= MAX_COMBINATIONS) {
    for (;;) {
      tryLevels(levels);
      // The next combination, counting up like an odometer.
      let q = 0;
      while (q < table.q && levels[q] === table.tops[q]) levels[q++] = 0;
      if (q === table.q) break;
      levels[q]! += 1;
    }
  } else {
    // Too many to try them all (a study with many quasi-identifiers): climb from all exact, one level at a time, each time where the estimate is best.
    let here = tryLevels(levels);
    while (here.levels.some((level, q) => level < table.tops[q]!)) {
      let next: (typeof candidates)[number] | undefined;
      for (let q = 0; q < table.q; q++) {
        if (here.levels[q] === table.tops[q]) continue;
        const step = tryLevels(here.levels.map((level, i) => (i === q ? level + 1 : level)));
        if (!next || compareLoss(step.estimate, next.estimate) < 0) next = step;
      }
      here = next!;
    }
  }
  candidates.sort((a, b) => compareLoss(a.estimate, b.estimate) || byPriority(table, a.levels, b.levels));
  return { best: candidates.slice(0, CANDIDATES_FINISHED).map((c) => c.levels), combinations: candidates.length };
}

/**
 * A combination's loss before local suppression, with each participant left
 * in a group smaller than k charged as if every value they show were
 * suppressed: the most it could cost (ARX's record suppression). Finishing
 * the best few with real local suppression then finds what it does cost.
 */
function estimate(table: QuasiTable, levels: readonly number[], k: number): Loss {
  const columns = levels.map((level, q) => table.keys[q]![level]!);
  const total = new Array<number>(table.tiers).fill(0);
  for (let q = 0; q < table.q; q++) {
    const loss = table.loss[q]![levels[q]!]!;
    let sum = 0;
    for (let p = 0; p < table.n; p++) sum += loss[p]!;
    total[table.tierOf[q]!]! += sum;
  }
  for (const p of table.outliers(columns, k)) {
    for (let q = 0; q < table.q; q++) total[table.tierOf[q]!]! += table.cells[q]![p]! - table.loss[q]![levels[q]!]![p]!;
  }
  return total;
}

/** On a tie, the combination keeping higher priorities at finer levels. */
function byPriority(table: QuasiTable, a: readonly number[], b: readonly number[]): number {
  const order = [...Array(table.q).keys()].sort((x, y) => table.tierOf[x]! - table.tierOf[y]! || x - y);
  for (const q of order) if (a[q] !== b[q]) return a[q]! - b[q]!;
  return 0;
}

// ---- 1b. specialising by priority: local recoding from the top ----------------------------------------

/**
 * Starts with everything withheld and releases detail group by group, tier
 * by tier of priority (the quasi-identifiers a study ranks first all the way
 * down to exact values before the next tier), and within a tier the step
 * that gives back the most information first. A group of participants
 * showing the same values is split by a finer level only into parts of at
 * least k; a part too small keeps the coarser value, with enough of the
 * others to keep k (a group that shows nothing yet may leave any number
 * behind, since they still show nothing). Every step keeps k, so the result
 * does.
 *
 * Where global recoding must coarsen a value for everyone because a few
 * combinations are rare (the answered waves split every local authority),
 * this keeps it exact for the many and coarsens it for the few.
 */
function specialiseByPriority(table: QuasiTable, k: number): State {
  let state = table.uniform(table.tops);
  let settled = new Uint8Array(table.n * table.q);
  for (let tier = 0; tier < table.tiers; tier++) {
    const inTier = [...Array(table.q).keys()].filter((q) => table.tierOf[q] === tier);
    for (;;) {
      const grouping = groupingOf(table, state);
      let best: { state: State; settled: Uint8Array<ArrayBuffer>; score: number } | undefined;
      for (const q of inTier) {
        const level = highestOpenLevel(table, state, settled, q);
        if (level === 0) continue;
        const trial = { state: { levels: state.levels.slice(), suppressed: state.suppressed }, settled: settled.slice() };
        specialise(table, trial.state, trial.settled, q, level, k, grouping);
        // Information given back per group split off (as Fung, Wang and Yu's top-down specialisation weighs it): a step that splits few groups leaves room for the next.
        const gain = table.lossOfOne(state, q) - table.lossOfOne(trial.state, q);
        const score = gain / (1 + table.classes(table.columns(trial.state)).sizes.length - grouping.sizes.length);
        if (!best || score > best.score) best = { ...trial, score };
      }
      if (!best) break;
      ({ state, settled } = best);
    }
  }
  return { levels: state.levels, suppressed: state.suppressed.slice() };
}

type Grouping = { columns: Int32Array[]; sizes: Int32Array; members: Map<number, number[]> };

function groupingOf(table: QuasiTable, state: State): Grouping {
  const columns = table.columns(state);
  const { classOf, sizes } = table.classes(columns);
  const members = new Map<number, number[]>();
  for (let p = 0; p < table.n; p++) {
    const list = members.get(classOf[p]!);
    if (list) list.push(p);
    else members.set(classOf[p]!, [p]);
  }
  return { columns, sizes, members };
}

/** The coarsest level at which some participant could still have quasi-identifier q made finer; 0 when none can. */
function highestOpenLevel(table: QuasiTable, state: State, settled: Uint8Array<ArrayBuffer>, q: number): number {
  let highest = 0;
  for (let p = 0; p < table.n; p++) {
    const at = p * table.q + q;
    if (!settled[at] && table.cells[q]![p]! > 0) highest = Math.max(highest, state.levels[at]!);
  }
  return highest;
}

/**
 * One step down for quasi-identifier q, from `level` to the one below, in
 * every group where it keeps k. Those it cannot move are settled at `level`:
 * groups only get smaller from here, so trying again could not move them.
 */
function specialise(table: QuasiTable, state: State, settled: Uint8Array<ArrayBuffer>, q: number, level: number, k: number, grouping: Grouping): void {
  const { columns, sizes, members } = grouping;
  const finer = table.keys[q]![level - 1]!;
  const current = columns[q]!;
  for (const [group, people] of members) {
    const eligible = people.filter((p) => state.levels[p * table.q + q] === level && !settled[p * table.q + q] && !state.suppressed[p * table.q + q]);
    if (eligible.length === 0) continue;
    const parts = new Map<number, number[]>();
    for (const p of eligible) {
      const part = parts.get(finer[p]!);
      if (part) part.push(p);
      else parts.set(finer[p]!, [p]);
    }
    // A part whose value is the same one level down (blank, "prefer not to say", a group of one) shows nothing new.
    const same = (key: number) => key === current[eligible[0]!] || key <= WITHHELD_KEY;
    const unchanged = [...parts].filter(([key]) => same(key)).flatMap(([, part]) => part);
    const moving = [...parts].filter(([key]) => !same(key)).map(([, part]) => part);
    const released = moving.filter((part) => part.length >= k).sort((a, b) => b.length - a.length);
    let remaining = sizes[group]! - released.reduce((total, part) => total + part.length, 0);
    if (!table.revealsNone(columns, people[0]!)) {
      // Those left at the coarser value still show something, so they too must be k: the largest part spares members if it can, else the smallest goes back whole.
      while (remaining > 0 && remaining < k && released.length > 0) {
        const needed = k - remaining;
        if (released[0]!.length - needed >= k) {
          released[0]!.sort((a, b) => table.cells[q]![a]! - table.cells[q]![b]! || a - b).splice(0, needed);
          remaining = k;
        } else remaining += released.pop()!.length;
      }
    }
    for (const part of [...released, unchanged]) for (const p of part) state.levels[p * table.q + q] = level - 1;
    const moved = new Set([...released.flat(), ...unchanged]);
    for (const p of eligible) if (!moved.has(p)) settled[p * table.q + q] = 1;
  }
}

// ---- 2. local suppression ----------------------------------------------------------------------------

/**
 * Withholds one quasi-identifier at a time for participants still in groups
 * smaller than k: for each such group, the least weighty one whose
 * withholding puts them in a group that reaches k, or else the least weighty
 * one they still show. Each round withholds a value in every such group, so
 * it ends.
 */
function suppressLocally(table: QuasiTable, state: State, k: number): State {
  for (;;) {
    const columns = table.columns(state);
    const { classOf, sizes } = table.classes(columns);
    const smallGroups = new Map<number, number[]>();
    for (let p = 0; p < table.n; p++) {
      if (sizes[classOf[p]!]! >= k || table.revealsNone(columns, p)) continue;
      const list = smallGroups.get(classOf[p]!);
      if (list) list.push(p);
      else smallGroups.set(classOf[p]!, [p]);
    }
    if (smallGroups.size === 0) return state;
    const keyText = (p: number, without: number) => {
      let text = String(table.patterns[p]);
      for (let q = 0; q < table.q; q++) text += `,${q === without ? (table.cells[q]![p]! > 0 ? WITHHELD_KEY : NULL_KEY) : columns[q]![p]}`;
      return text;
    };
    const sizeByKey = new Map<string, number>();
    for (let p = 0; p < table.n; p++) {
      const text = keyText(p, -1);
      sizeByKey.set(text, (sizeByKey.get(text) ?? 0) + 1);
    }
    for (const people of smallGroups.values()) {
      const first = people[0]!;
      const shown = [...Array(table.q).keys()].filter((q) => columns[q]![first]! > WITHHELD_KEY).sort((a, b) => table.tierOf[b]! - table.tierOf[a]! || table.cells[a]![first]! - table.cells[b]![first]! || a - b);
      const q = shown.find((candidate) => (sizeByKey.get(keyText(first, candidate)) ?? 0) + people.length >= k) ?? shown[0]!;
      for (const p of people) state.suppressed[p * table.q + q] = 1;
    }
  }
}

// ---- the report ------------------------------------------------------------------------------------

function describe(table: QuasiTable, state: State, k: number, search: Search): ProtectionReport {
  const columns: ColumnLoss[] = [];
  const cells = { values: 0, exact: 0, generalised: 0, withheld: 0, suppressed: 0 };
  const release = new Release(table.quasiIdentifiers, state);
  table.quasiIdentifiers.forEach((qi, q) => {
    qi.columns.forEach((column, c) => {
      const loss: ColumnLoss = { column, quasiIdentifier: qi.id, values: 0, exact: 0, generalised: {}, withheld: 0, suppressed: 0 };
      for (let p = 0; p < table.n; p++) {
        const value = table.recordAt(p).values[q]?.[c] ?? null;
        if (value === null) continue;
        loss.values += 1;
        const released = release.value(p, q, value);
        if (state.suppressed[p * table.q + q]) loss.suppressed += 1;
        else if (released === WITHHELD) loss.withheld += 1;
        else if (released === value) loss.exact += 1;
        else {
          const level = levelName(qi.hierarchy, state.levels[p * table.q + q]!);
          loss.generalised[level] = (loss.generalised[level] ?? 0) + 1;
        }
      }
      const generalised = Object.values(loss.generalised).reduce((a, b) => a + b, 0);
      cells.values += loss.values;
      cells.exact += loss.exact;
      cells.generalised += generalised;
      cells.withheld += loss.withheld;
      cells.suppressed += loss.suppressed;
      columns.push(loss);
    });
  });
  const released = table.columns(state);
  const { classOf, sizes } = table.classes(released);
  const shownSizes = new Set<number>();
  let revealingNone = 0;
  let revealingNoneBelowK = 0;
  for (let p = 0; p < table.n; p++) {
    const size = sizes[classOf[p]!]!;
    if (table.revealsNone(released, p)) {
      revealingNone += 1;
      if (size < k) revealingNoneBelowK += 1;
    } else shownSizes.add(size);
  }
  return {
    k,
    participants: table.n,
    method: search.method,
    quasiIdentifiers: table.quasiIdentifiers.map((qi) => ({
      id: qi.id,
      columns: [...qi.columns],
      priority: qi.priority ?? null,
      hierarchy: Array.from({ length: topLevel(qi.hierarchy) + 1 }, (_, level) => levelName(qi.hierarchy, level)),
    })),
    answeredWavePatterns: table.patternCount,
    columns,
    cells,
    revealingNone,
    revealingNoneBelowK,
    classes: sizes.length,
    smallestClass: shownSizes.size > 0 ? Math.min(...shownSizes) : null,
    search: { combinations: search.combinations, finished: search.finished },
  };
}
