/**
 * The dataset export's variable model: the types every part of the plan shares
 * (the contract between the plan, codebook.ts, scripts.ts and rows.ts), the
 * plan's context, the export's own labels, and small helpers. variables.ts
 * makes the plan from the parts beside it.
 */
import type { LocalisedText } from '../../contracts/common.js';
import type { DisclosureControl, ParticipantAttribute } from '../../contracts/studies.js';
import type { InstrumentVersion } from '../instrument.js';

/** What the plan needs to know about the study. */
export type StudyDesign = {
  studyId: string;
  title: LocalisedText;
  attributes: ParticipantAttribute[];
  /** Ordered by ordinal; ordinal 0 is the baseline. */
  waves: {
    waveId: string;
    ordinal: number;
    name: LocalisedText;
    /** The versions this wave pins, in the wave's order. */
    instruments: InstrumentVersion[];
  }[];
};

export type PlanOptions = {
  /** Free-text questions (text, comment) are left out unless this is true. */
  includeFreeText: boolean;
  /** Pseudonyms come from the study-stable key rather than one made for this export (only changes the codebook's words). */
  studyStableKey?: boolean;
  /**
   * Questions the study names as quasi-identifiers. The export treats these,
   * and every question an instrument of the design marks (see studyPrivacy),
   * as quasi-identifiers: their codebook entries say so, and label the coarser groups they may be released as.
   */
  quasiIdentifierItems?: string[];
  /** The study's hierarchies and priorities of quasi-identifiers (defaults for the rest). */
  disclosureControl?: DisclosureControl;
  /** The k of k-anonymity, for the codebook's words (default 5). */
  k?: number;
};

/** The files a plan describes, by their key in DatasetVariables. */
export const DATASET_FILES = {
  long: 'responses_long.csv',
  wide: 'responses_wide.csv',
  scores: 'scores.csv',
} as const;

/**
 * Codes for values that are not answers. Negative numbers in numeric
 * variables, these strings in string variables. Declared as missing values in
 * load.sps and turned into NA (keeping the label) in load.R.
 */
export const SPECIAL_CODES = {
  /** The respondent chose "prefer not to say". */
  preferNotToSay: { numeric: -9, string: 'prefer_not_to_say' },
  /** The respondent chose "not applicable". */
  notApplicable: { numeric: -8, string: 'not_applicable' },
  /** Removed by the export's small-cell protection (k-anonymity). */
  suppressed: { numeric: -7, string: 'suppressed' },
  /** The respondent chose the question's "refuse to answer" item (SurveyJS showRefuseItem). */
  refused: { numeric: -6, string: 'refused' },
  /** The respondent chose the question's "don't know" item (SurveyJS showDontKnowItem). */
  dontKnow: { numeric: -5, string: 'dontknow' },
} as const;

export type ValueLabel = { value: number | string; label: LocalisedText };

export type VariableKind =
  /** The export pseudonym. */
  | 'pseudonym'
  /** Facts about the row: wave, days since baseline, status, language, instrument, version. */
  | 'design'
  /** A declared participant attribute (e.g. local authority). */
  | 'attribute'
  /** A question's coded answer. */
  | 'item'
  /** A derived score, band, change or flag. */
  | 'score';

export type Variable = {
  /** Column name: lower-case letters, digits and underscores, starting with a letter, at most 64 characters (SPSS). */
  name: string;
  kind: VariableKind;
  type: 'numeric' | 'string';
  label: LocalisedText;
  /** Question text for items (from the newest version that has the item). */
  itemText?: LocalisedText;
  valueLabels: ValueLabel[];
  /** Values that mean "no answer" (see SPECIAL_CODES). */
  missingValues: (number | string)[];
  /** String variables: the longest cell in UTF-8 bytes (load.sps declares the column this wide). */
  width?: number;
  /**
   * Where the variable comes from: instrument id and every version that has
   * it (items, scores), or the attribute, and in the wide file the wave.
   */
  source?: { instrumentId?: string; versions?: string[]; scaleId?: string; itemName?: string; attributeId?: string; waveId?: string };
  /** How it was derived, in words (scores, change, flags, pseudonyms, days since baseline). */
  derivation?: string;
  /** Where the row builder takes the cell's value from. */
  value: ValueSource;
};

/**
 * How a stored SurveyJS answer becomes one cell (see encodeItemValue).
 * One question can make several variables (a matrix's rows, a checkbox's
 * choices): the coding says which part of the answer this one takes.
 */
export type ItemCoding =
  /**
   * A single value (choice, rating, number): numbers stay numbers, special choices become SPECIAL_CODES in numeric variables.
   * `box`: the answer is an object (a multiple-text question's) and the cell is its box of that name; likewise for text and month.
   */
  | { kind: 'value'; box?: string }
  /** Free text, exported only when asked for. */
  | { kind: 'text'; box?: string }
  /** One row of a matrix: the answer is an object keyed by row value; the row's value is coded like a single value. */
  | { kind: 'matrixRow'; row: string }
  /** One choice of a checkbox (or tagbox): 1 when the answer's list holds it, 0 when the question was answered without it. */
  | { kind: 'checkboxChoice'; choice: string | number }
  /** A yes/no question: 1 for its true value, 0 for its false value. */
  | { kind: 'boolean'; valueTrue: string | number | boolean; valueFalse: string | number | boolean }
  /** A question an instrument marks as an age: only its band (privacy.ts AGE_BANDS) is exported. */
  | { kind: 'ageBand' }
  /** A date answer (date, datetime-local, month, week input): only its month, YYYY-MM, is exported; left out with free text unless asked for. */
  | { kind: 'month'; box?: string }
  /** One choice of a ranking: the answer is the choices in order; the cell is this choice's place, 1 for first. */
  | { kind: 'rank'; choice: string | number }
  /** A value the server computed (expression question, calculated value): numbers as they are, yes/no as 1/0, anything else empty. */
  | { kind: 'computed' };

/**
 * Where a cell's value comes from. In the long and scores files the wave (and
 * instrument, scale) is the row's own; in the wide file a variable names its
 * wave (and instrument) because one row holds every wave.
 */
export type ValueSource =
  | { from: 'pseudonym' }
  | { from: 'wave' }
  | { from: 'waveOrdinal' }
  | { from: 'instrument' }
  | { from: 'instrumentVersion'; waveId?: string; instrumentId?: string }
  | { from: 'daysSinceBaseline'; waveId?: string }
  | { from: 'status'; waveId?: string; instrumentId?: string }
  | { from: 'language'; waveId?: string }
  | { from: 'attribute'; attributeId: string }
  | {
      from: 'item';
      /** The key of the stored answer (the question's valueName or name). */
      itemName: string;
      waveId?: string;
      /** The instrument that asks it. */
      instrumentId?: string;
      /** Which part of the answer the cell holds and how it is coded; a single value when absent. */
      coding?: ItemCoding;
    }
  | { from: 'scale' }
  | {
      from: 'score';
      field: 'answered' | 'raw' | 'score' | 'band' | 'baselineScore' | 'change' | 'meaningfulChange' | 'direction';
      /** Wide file only: which wave, instrument and scale. */
      waveId?: string;
      instrumentId?: string;
      scaleId?: string;
    };

export type DatasetVariables = {
  /** responses_long.csv, one row per participant × wave × instrument. */
  long: Variable[];
  /** responses_wide.csv, one row per participant; wave-prefixed (b_, f1_, f2_ …). */
  wide: Variable[];
  /** scores.csv, one row per participant × wave × scale. */
  scores: Variable[];
};

/** The prefix a wave's wide columns carry: b for the baseline, f1, f2 … for follow-ups. */
export function wavePrefix(ordinal: number): string {
  return ordinal === 0 ? 'b' : `f${ordinal}`;
}

export type Wave = StudyDesign['waves'][number];

/** What the codebook says of a quasi-identifier's hierarchy: the group values it may hold, and its levels in words. */
export type QuasiIdentifierLabels = { groups: ValueLabel[]; levels: string };

export type PlanContext = {
  options: PlanOptions;
  /** Score column stem of each instrument's scale: `${instrumentId}/${scaleId}` → name. */
  scaleNames: Map<string, string>;
  /** Every quasi-identifier question; those marked by an instrument; those marked as ages. */
  quasiItems: Set<string>;
  /** Each quasi-identifier question's coarser groups (labelled) and its hierarchy in words, by stored answer name. */
  quasiHierarchies: ReadonlyMap<string, QuasiIdentifierLabels>;
  markedItems: Set<string>;
  ageItems: Set<string>;
};

/** Welsh labels written by the project for the export's own variables: drafts until a translator reviews them. */
export const TEXT = {
  pid: { en: 'Export pseudonym', cy: 'Ffugenw allforio' },
  wave: { en: 'Wave', cy: 'Ton' },
  waveOrdinal: { en: 'Wave number (0 = baseline)', cy: 'Rhif y don (0 = llinell sylfaen)' },
  daysSinceBaseline: { en: 'Days since baseline', cy: 'Dyddiau ers y llinell sylfaen' },
  instrument: { en: 'Instrument', cy: 'Offeryn' },
  instrumentVersion: { en: 'Instrument version', cy: 'Fersiwn yr offeryn' },
  status: { en: 'Response status', cy: 'Statws yr ymateb' },
  language: { en: 'Language answered in', cy: "Iaith yr atebion" },
  scale: { en: 'Scale', cy: 'Graddfa' },
  answered: { en: 'Items answered', cy: 'Eitemau a atebwyd' },
  raw: { en: 'Raw score', cy: 'Sgôr crai' },
  score: { en: 'Score', cy: 'Sgôr' },
  band: { en: 'Band', cy: 'Band' },
  baselineScore: { en: 'Baseline score', cy: 'Sgôr y llinell sylfaen' },
  change: { en: 'Change from baseline', cy: 'Newid ers y llinell sylfaen' },
  meaningful: { en: 'Meaningful change', cy: 'Newid ystyrlon' },
  direction: { en: 'Direction of change', cy: "Cyfeiriad y newid" },
  yes: { en: 'Yes', cy: 'Ie' },
  no: { en: 'No', cy: 'Na' },
  selected: { en: 'Selected', cy: "Wedi'i ddewis" },
  notSelected: { en: 'Not selected', cy: 'Heb ei ddewis' },
  other: { en: 'Other', cy: 'Arall' },
  theirWords: { en: 'in their own words', cy: 'yn eu geiriau eu hunain' },
  comment: { en: 'Comment', cy: 'Sylw' },
  suppressed: { en: 'Suppressed (small-cell protection)', cy: "Wedi'i atal (diogelu celloedd bach)" },
} satisfies Record<string, LocalisedText>;

// ---- small helpers ----------------------------------------------------------------------------

/** Instrument ids use hyphens; column names cannot. */
export function columnStem(instrumentId: string): string {
  return instrumentId.replace(/-/g, '_');
}

export function prefixed(prefix: string | undefined, name: string): string {
  return prefix ? `${prefix}_${name}` : name;
}

export function inWave(waveName: LocalisedText | undefined, label: LocalisedText): LocalisedText {
  return waveName ? { en: `${waveName.en}: ${label.en}`, cy: `${waveName.cy}: ${label.cy}` } : label;
}

export function about(subject: LocalisedText, what: LocalisedText, separator = ' – '): LocalisedText {
  return { en: `${subject.en}${separator}${what.en}`, cy: `${subject.cy}${separator}${what.cy}` };
}

export function maxBytes(values: readonly string[]): number {
  return Math.max(1, ...values.map((value) => Buffer.byteLength(value, 'utf8')));
}

export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** Semantic versions compared number by number (1.10.0 is newer than 1.9.0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function newest(versions: readonly string[]): string {
  return [...versions].sort(compareVersions).at(-1)!;
}
