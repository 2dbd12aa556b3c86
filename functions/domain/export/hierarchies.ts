/**
 * Generalisation hierarchies of quasi-identifiers: the coarser values an
 * export may release instead of an exact one (local authority → region →
 * Wales; age band → 16–20 / 21–25), as a study declares them or, where it
 * declares none, a default. k-anonymity.ts chooses a level per
 * quasi-identifier along them.
 *
 * Every hierarchy has level 0 (the exact value) below its declared levels and
 * "withheld" above them: at the top every value, "prefer not to say"
 * included, goes out as the suppressed code, so a column at the top carries
 * nothing. Below the top, the codes that are not answers ("prefer not to say",
 * "not applicable") stay themselves at every level: they are never grouped
 * with a real category.
 */
import type { LocalisedText } from '../../contracts/common.js';
import { AGE_BANDS } from './privacy.js';
import { SPECIAL_CODES } from './variable-model.js';

/** A level as a study declares it: groups of the exact values, every value in exactly one group. */
export type HierarchyLevel = {
  id: string;
  label: LocalisedText;
  groups: { value: string; label: LocalisedText; members: string[] }[];
};

type ResolvedLevel = {
  id: string;
  label: LocalisedText;
  groupOf: ReadonlyMap<string, string>;
  /** How many exact values each group holds: the information a value at this level loses. */
  sizeOf: ReadonlyMap<string, number>;
  labels: ReadonlyMap<string, LocalisedText>;
};

export type Hierarchy = {
  /** The real (not special) exact values. */
  values: readonly string[];
  /** Declared (or default) levels, finest first; level 0 (exact) and the withheld top are not in this list. */
  levels: readonly ResolvedLevel[];
};

/** What a value at the top of its hierarchy (or suppressed) is: the export writes the suppressed code. */
export const WITHHELD = Symbol('withheld');

const NOT_ANSWERS: ReadonlySet<string | number> = new Set([
  SPECIAL_CODES.preferNotToSay.string,
  SPECIAL_CODES.preferNotToSay.numeric,
  SPECIAL_CODES.notApplicable.string,
  SPECIAL_CODES.notApplicable.numeric,
  SPECIAL_CODES.suppressed.string,
  SPECIAL_CODES.suppressed.numeric,
]);

export function isNotAnAnswer(value: string | number): boolean {
  return NOT_ANSWERS.has(value);
}

/** A hierarchy from a study's declared levels, or the default one for these values when it declares none. */
export function buildHierarchy(values: readonly string[], declared?: readonly HierarchyLevel[]): Hierarchy {
  const real = values.filter((v) => !isNotAnAnswer(v));
  const levels = declared && declared.length > 0 ? declared : defaultLevels(real);
  return {
    values: real,
    levels: levels.map((level) => {
      const groupOf = new Map<string, string>();
      const sizeOf = new Map<string, number>();
      const labels = new Map<string, LocalisedText>();
      for (const group of level.groups) {
        for (const member of group.members) groupOf.set(member, group.value);
        sizeOf.set(group.value, group.members.length);
        labels.set(group.value, group.label);
      }
      return { id: level.id, label: level.label, groupOf, sizeOf, labels };
    }),
  };
}

/** The withheld level: one above the last declared level. */
export function topLevel(hierarchy: Hierarchy): number {
  return hierarchy.levels.length + 1;
}

export function levelName(hierarchy: Hierarchy, level: number): string {
  if (level === 0) return 'exact';
  if (level >= topLevel(hierarchy)) return 'withheld';
  return hierarchy.levels[level - 1]!.id;
}

/**
 * A value at a level: itself at level 0; its group at a declared level (a
 * value the level does not name, such as a choice added by a later instrument
 * version, stays itself: k-anonymity still counts it); withheld at the top.
 */
export function recode(hierarchy: Hierarchy, level: number, value: string | number): string | number | typeof WITHHELD {
  if (level >= topLevel(hierarchy)) return WITHHELD;
  if (level === 0 || isNotAnAnswer(value)) return value;
  return hierarchy.levels[level - 1]!.groupOf.get(String(value)) ?? value;
}

/**
 * The information a value loses at a level (Iyengar's loss metric): 0 when
 * exact, (exact values in its group − 1) / (exact values − 1) when grouped, 1
 * when withheld. "Prefer not to say" loses nothing until it is withheld.
 */
export function informationLoss(hierarchy: Hierarchy, level: number, value: string | number): number {
  if (level >= topLevel(hierarchy)) return 1;
  if (level === 0 || isNotAnAnswer(value) || hierarchy.values.length < 2) return 0;
  const resolved = hierarchy.levels[level - 1]!;
  const group = resolved.groupOf.get(String(value));
  const size = group === undefined ? 1 : (resolved.sizeOf.get(group) ?? 1);
  return (size - 1) / (hierarchy.values.length - 1);
}

/** Every group value a column may hold besides the exact values, with its label, for the codebook. */
export function groupLabels(hierarchy: Hierarchy): { value: string; label: LocalisedText }[] {
  const seen = new Map<string, LocalisedText>();
  for (const level of hierarchy.levels) {
    for (const [value, label] of level.labels) if (!hierarchy.values.includes(value) && !seen.has(value)) seen.set(value, label);
  }
  return [...seen].map(([value, label]) => ({ value, label }));
}

/** The hierarchy in words for README.txt: "region (4 groups), wales (1 group)". */
export function hierarchyInWords(hierarchy: Hierarchy): string {
  const levels = hierarchy.levels.map((level) => `${level.label.en.toLowerCase()} (${level.sizeOf.size} group${level.sizeOf.size === 1 ? '' : 's'})`);
  return ['exact', ...levels, 'withheld'].join(' → ');
}

// ---- defaults -----------------------------------------------------------------------------------

/**
 * Levels for a quasi-identifier a study declares none for. Age bands are
 * ordered, so neighbours can merge (16–17 with 18–20 makes 16–20; an odd one
 * out stays as it is); other categories have no order to merge along, so they
 * are exact or withheld.
 */
export function defaultLevels(values: readonly string[]): HierarchyLevel[] {
  const bands = values.map((value) => AGE_BANDS.findIndex((band) => band.code === value));
  if (values.length < 3 || bands.some((index) => index < 0)) return [];
  const ordered = [...new Set(bands)].sort((a, b) => a - b).map((index) => AGE_BANDS[index]!);
  const groups: HierarchyLevel['groups'] = [];
  for (let i = 0; i < ordered.length; i += 2) {
    const pair = ordered.slice(i, i + 2);
    const [first, last] = [pair[0]!, pair.at(-1)!];
    if (pair.length === 1) {
      groups.push({ value: first.code, label: first.label, members: [first.code] });
      continue;
    }
    const { code, label } = ageGroup(first.min, last.max);
    groups.push({ value: code, label, members: pair.map((band) => band.code) });
  }
  return [{ id: 'age_bands_merged', label: { en: 'Neighbouring age bands merged', cy: "Bandiau oedran cyfagos wedi'u cyfuno" }, groups }];
}

function ageGroup(min: number, max: number): { code: string; label: LocalisedText } {
  if (min === -Infinity) return { code: `age_under_${max + 1}`, label: { en: `Under ${max + 1}`, cy: `O dan ${max + 1}` } };
  if (max === Infinity) return { code: `age_${min}_plus`, label: { en: `${min} or over`, cy: `${min} neu hŷn` } };
  return { code: `age_${min}_${max}`, label: { en: `${min} to ${max}`, cy: `${min} i ${max}` } };
}

// ---- checking a declaration -----------------------------------------------------------------------

export type HierarchyProblem = { path: string; message: string };

/**
 * What is wrong with declared levels for a quasi-identifier whose exact
 * values are these: every real value in exactly one group of every level,
 * nothing else named, "prefer not to say" and the like left to themselves,
 * and each level coarser than the one before (values grouped together stay
 * together), so that a level never reveals more than a finer one.
 */
export function hierarchyProblems(values: readonly string[], levels: readonly HierarchyLevel[], path: string): HierarchyProblem[] {
  const problems: HierarchyProblem[] = [];
  const real = values.filter((v) => !isNotAnAnswer(v));
  const known = new Set(real);
  const levelIds = new Set<string>();
  const groupings: Map<string, string>[] = [];
  levels.forEach((level, l) => {
    const at = `${path}.levels[${l}]`;
    if (levelIds.has(level.id)) problems.push({ path: `${at}.id`, message: `the level "${level.id}" is declared twice` });
    levelIds.add(level.id);
    const groupOf = new Map<string, string>();
    const groupValues = new Set<string>();
    level.groups.forEach((group, g) => {
      const groupAt = `${at}.groups[${g}]`;
      if (groupValues.has(group.value)) problems.push({ path: `${groupAt}.value`, message: `the group "${group.value}" is declared twice in level ${level.id}` });
      groupValues.add(group.value);
      if (isNotAnAnswer(group.value)) problems.push({ path: `${groupAt}.value`, message: `"${group.value}" is kept for values that are not answers: give the group another code` });
      else if (known.has(group.value) && !(group.members.length === 1 && group.members[0] === group.value)) {
        problems.push({ path: `${groupAt}.value`, message: `"${group.value}" is an exact value: a group may take a value's code only when it holds that value alone` });
      }
      group.members.forEach((member, m) => {
        const memberAt = `${groupAt}.members[${m}]`;
        if (isNotAnAnswer(member)) problems.push({ path: memberAt, message: `"${member}" stays its own value at every level: leave it out of the groups` });
        else if (!known.has(member)) problems.push({ path: memberAt, message: `"${member}" is not a value of this quasi-identifier (its values: ${real.join(', ')})` });
        else if (groupOf.has(member)) problems.push({ path: memberAt, message: `"${member}" is in two groups of level ${level.id}` });
        else groupOf.set(member, group.value);
      });
    });
    const unmapped = real.filter((value) => !groupOf.has(value));
    if (unmapped.length > 0) problems.push({ path: `${at}.groups`, message: `level ${level.id} leaves ${unmapped.map((v) => `"${v}"`).join(', ')} unmapped: put every value in a group` });
    groupings.push(groupOf);
  });
  for (let l = 1; l < groupings.length; l++) {
    const [finer, coarser] = [groupings[l - 1]!, groupings[l]!];
    const coarserOfFinerGroup = new Map<string, string>();
    for (const [value, group] of finer) {
      const above = coarser.get(value);
      if (above === undefined) continue;
      const seen = coarserOfFinerGroup.get(group);
      if (seen !== undefined && seen !== above) {
        problems.push({ path: `${path}.levels[${l}]`, message: `level ${levels[l]!.id} splits the group "${group}" of level ${levels[l - 1]!.id}: each level must join whole groups of the one before` });
        break;
      }
      coarserOfFinerGroup.set(group, above);
    }
  }
  return problems;
}
