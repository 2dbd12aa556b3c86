/**
 * k-anonymity measured on released values alone, as an intruder holding the
 * files would group rows, written apart from functions/domain/export so that
 * a test does not take the module's word for it. The model is the one the
 * export's README states:
 *  - a row's group is its answered-wave pattern and each quasi-identifier's value;
 *  - a quasi-identifier with several columns (a question asked at several waves)
 *    is one value where the values given agree (blanks, "prefer not to say" and
 *    "not applicable" not counting against it), otherwise the whole sequence;
 *  - a row showing no quasi-identifier value (all blank or suppressed) reveals
 *    none and is left out of the check.
 */
export type ReleasedRow = { pattern: string; values: readonly (readonly (string | number | null)[])[] };

const SUPPRESSED = new Set<string | number>(['suppressed', -7]);
const NOT_ANSWERS = new Set<string | number>(['prefer_not_to_say', -9, 'not_applicable', -8]);

/** One quasi-identifier's value as a grouping key; '' when blank, 'withheld' when every value is suppressed. */
export function releasedKey(cells: readonly (string | number | null)[]): string {
  const present = cells.filter((cell): cell is string | number => cell !== null && cell !== '');
  if (present.length === 0) return '';
  if (present.every((cell) => SUPPRESSED.has(cell))) return 'withheld';
  const given = present.filter((cell) => !NOT_ANSWERS.has(cell) && !SUPPRESSED.has(cell));
  const deciding = given.length > 0 ? given : present;
  if (deciding.every((cell) => cell === deciding[0])) return `=${String(deciding[0])}`;
  return cells.map((cell) => (cell === null || cell === '' ? '·' : String(cell))).join('|');
}

export type KCheck = {
  /** Rows that show some quasi-identifier value, and the groups they fall in. */
  revealing: number;
  groups: number;
  /** The smallest group showing any value (null when none does). */
  smallest: number | null;
  /** Rows in groups smaller than k that show some value: must be none. */
  violations: number;
};

export function checkKAnonymity(rows: readonly ReleasedRow[], k: number): KCheck {
  const keyed = rows.map((row) => {
    const keys = row.values.map(releasedKey);
    return { key: JSON.stringify([row.pattern, keys]), revealing: keys.some((key) => key !== '' && key !== 'withheld') };
  });
  const sizes = new Map<string, number>();
  for (const { key } of keyed) sizes.set(key, (sizes.get(key) ?? 0) + 1);
  const shown = keyed.filter((row) => row.revealing);
  const shownSizes = new Map(shown.map((row) => [row.key, sizes.get(row.key)!]));
  return {
    revealing: shown.length,
    groups: shownSizes.size,
    smallest: shownSizes.size > 0 ? Math.min(...shownSizes.values()) : null,
    violations: shown.filter((row) => sizes.get(row.key)! < k).length,
  };
}
