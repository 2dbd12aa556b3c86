/**
 * What instruments say about their identifying questions, and the rules every
 * export applies to them whatever the study or the analyst asks:
 *
 *  - a question an instrument marks as a quasi-identifier is protected by
 *    k-anonymity (k-anonymity.ts), in addition to the questions the study names;
 *  - a question it marks as an age goes out only as an age band (and is a
 *    quasi-identifier);
 *  - a date answer never goes out as a date: only its month.
 *
 * The marks are part of an instrument version's content (`privacy` in the
 * instrument file), so they are pinned with it like everything else.
 */
import type { LocalisedText } from '../../contracts/common.js';
import type { InstrumentVersion, Privacy } from '../instrument.js';

/**
 * Versions published before instruments could mark questions. A published
 * version never changes (its content hash is what answers are pinned to), so
 * its marks cannot be added to it; the next version carries them in its file,
 * and the export knows them for the earlier one here. Keyed by content hash
 * too, so only that exact text gets them. tests/unit/export-privacy.test.ts
 * checks each entry against the shipped files.
 */
export const MARKS_OF_EARLIER_VERSIONS: Readonly<Record<string, { contentHash: string; privacy: Privacy; sameAs: string }>> = {
  'context@1.0.0': {
    contentHash: '3ed7687f02b93f10750985732e5bcab4ca62464d06748ed775d217cd6e11005b',
    privacy: { quasiIdentifiers: ['ctx_age_band', 'ctx_gender', 'ctx_local_authority'] },
    sameAs: 'context@1.1.0',
  },
};

/** The marks of one instrument version: its own, or those the export holds for a version published before marks existed. */
export function privacyOf(instrument: InstrumentVersion): Privacy {
  if (instrument.privacy) return instrument.privacy;
  const earlier = MARKS_OF_EARLIER_VERSIONS[`${instrument.id}@${instrument.version}`];
  return earlier && earlier.contentHash === instrument.contentHash ? earlier.privacy : {};
}

// ---- ages ---------------------------------------------------------------------------------------

/**
 * Age bands, in whole years. The UK Data Service advises banding ages (see
 * ../shared/reference) but sets no bands, so these are the context
 * questionnaire's own (16–17, 18–20, 21–25, with the same codes), with 26 or
 * over above them and under 16 below for ages a study did not expect.
 */
export const AGE_BANDS: readonly { code: string; min: number; max: number; label: LocalisedText }[] = [
  { code: 'age_under_16', min: -Infinity, max: 15, label: { en: 'Under 16', cy: 'O dan 16' } },
  { code: 'age_16_17', min: 16, max: 17, label: { en: '16 to 17', cy: '16 i 17' } },
  { code: 'age_18_20', min: 18, max: 20, label: { en: '18 to 20', cy: '18 i 20' } },
  { code: 'age_21_25', min: 21, max: 25, label: { en: '21 to 25', cy: '21 i 25' } },
  { code: 'age_26_plus', min: 26, max: Infinity, label: { en: '26 or over', cy: '26 neu hŷn' } },
];

export const AGE_BANDS_IN_WORDS = 'under 16, 16–17, 18–20, 21–25, 26 or over';

/** The band of an age in years (a fraction counts as the whole years it has reached); null for anything that is not an age. */
export function ageBandOf(age: number): string | null {
  if (!Number.isFinite(age) || age < 0) return null;
  const years = Math.floor(age);
  return AGE_BANDS.find((band) => years >= band.min && years <= band.max)!.code;
}

// ---- dates --------------------------------------------------------------------------------------

/** Text inputs whose answer is a date (or names a day): exported as their month only. */
export const DATE_INPUT_TYPES: ReadonlySet<string> = new Set(['date', 'datetime-local', 'month', 'week']);

const YEAR_MONTH = /^(\d{4})-(0[1-9]|1[0-2])(?:$|-\d{2}(?:$|T))/;
const ISO_WEEK = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;

/**
 * The month (YYYY-MM) of a date answer as a browser's date, datetime-local,
 * month or week input stores it; null for anything else, so a value that is
 * not a date (free text sent in its place) never goes out.
 */
export function monthOf(value: string): string | null {
  const date = YEAR_MONTH.exec(value);
  if (date) return `${date[1]}-${date[2]}`;
  const week = ISO_WEEK.exec(value);
  if (week) {
    // An ISO week belongs to the month of its Thursday: 4 January is always in week 1.
    const year = Number(week[1]);
    const jan4 = Date.UTC(year, 0, 4);
    const mondayOfWeek1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
    const thursday = new Date(mondayOfWeek1 + ((Number(week[2]) - 1) * 7 + 3) * 86_400_000);
    return `${thursday.getUTCFullYear()}-${String(thursday.getUTCMonth() + 1).padStart(2, '0')}`;
  }
  return null;
}
