/**
 * The variables of a dataset export: which columns each CSV has, in which
 * order, and everything the codebook, load.R and load.sps say about them.
 *
 * Columns come from the study's design (its declared attributes, its waves and
 * the instrument versions they pin), never from the data, so the same study
 * exported twice has the same columns in the same order whatever the newest
 * response contains. Items are matched across instrument versions by their
 * stable question names.
 *
 * The types are the contract between the variable plan (this file,
 * codebook.ts, scripts.ts) and the row builder (rows.ts).
 */
import type { LocalisedText } from '../../contracts/common.js';
import type { ParticipantAttribute } from '../../contracts/studies.js';
import type { InstrumentVersion, Scale } from '../instrument.js';
import { AGE_BANDS, AGE_BANDS_IN_WORDS, ageBandOf, DATE_INPUT_TYPES, monthOf, privacyOf } from './privacy.js';
import { questionsOf, type QuestionJson } from '../instrument-questions.js';

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
   * as quasi-identifiers: their codebook entries say so, and string ones get the "other" label.
   */
  quasiIdentifierItems?: string[];
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
} as const;

/** Attribute values held by fewer than k participants are recoded to this before any suppression. */
export const GENERALISED_VALUE = 'other';

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
  /** A single value (choice, rating, number): numbers stay numbers, special choices become SPECIAL_CODES in numeric variables. */
  | { kind: 'value' }
  /** Free text, exported only when asked for. */
  | { kind: 'text' }
  /** One row of a matrix: the answer is an object keyed by row value; the row's value is coded like a single value. */
  | { kind: 'matrixRow'; row: string }
  /** One choice of a checkbox (or tagbox): 1 when the answer's list holds it, 0 when the question was answered without it. */
  | { kind: 'checkboxChoice'; choice: string | number }
  /** A yes/no question: 1 for its true value, 0 for its false value. */
  | { kind: 'boolean'; valueTrue: string | number | boolean; valueFalse: string | number | boolean }
  /** A question an instrument marks as an age: only its band (privacy.ts AGE_BANDS) is exported. */
  | { kind: 'ageBand' }
  /** A date answer (date, datetime-local, month, week input): only its month, YYYY-MM, is exported; left out with free text unless asked for. */
  | { kind: 'month' };

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

// ---- the plan ---------------------------------------------------------------------------------

type Wave = StudyDesign['waves'][number];

/** Which questions of a design are quasi-identifiers, and why; which are ages. By stored answer name. */
export type StudyPrivacy = {
  /** Every quasi-identifier question: the study's, then those the instruments mark (ages included). */
  quasiIdentifierItems: string[];
  /** Marked by an instrument of the design (ages included). */
  markedByInstruments: string[];
  /** Named by the study (quasiIdentifierItems) and asked by the design. */
  namedByStudy: string[];
  /** Marked as ages by an instrument: exported as bands. */
  ageItems: string[];
};

/**
 * The privacy marks of every instrument version the design pins, applied by
 * stored answer name: a question marked in one version is treated so in every
 * version and wave that asks it (names are stable across versions), so a
 * follow-up pinning an unmarked version is protected like the baseline.
 */
export function studyPrivacy(design: StudyDesign, studyItems: readonly string[] = []): StudyPrivacy {
  const marked: string[] = [];
  const ages: string[] = [];
  const asked = new Set<string>();
  for (const instrument of design.waves.flatMap((wave) => wave.instruments)) {
    const privacy = privacyOf(instrument);
    const quasiNames = new Set([...(privacy.quasiIdentifiers ?? []), ...(privacy.ages ?? [])]);
    const ageNames = new Set(privacy.ages ?? []);
    for (const question of questionsOf(instrument)) {
      if (NO_ANSWER.has(String(question.type))) continue;
      const itemName = String(question.valueName ?? question.name);
      asked.add(itemName);
      const named = (names: Set<string>) => names.has(itemName) || names.has(String(question.name));
      if (named(quasiNames) && !marked.includes(itemName)) marked.push(itemName);
      if (named(ageNames) && !ages.includes(itemName)) ages.push(itemName);
    }
  }
  const namedByStudy = [...new Set(studyItems)].filter((name) => asked.has(name));
  return {
    quasiIdentifierItems: [...new Set([...namedByStudy, ...marked])],
    markedByInstruments: marked,
    namedByStudy,
    ageItems: ages,
  };
}

/**
 * Every column of the three files, from the design alone. Throws one error
 * listing every problem when a column name would be invalid in SPSS or taken
 * twice, or when a question cannot be laid out in fixed columns.
 */
export function planVariables(design: StudyDesign, options: PlanOptions): DatasetVariables {
  const waves = [...design.waves].sort((a, b) => a.ordinal - b.ordinal);
  const privacy = studyPrivacy(design, options.quasiIdentifierItems);
  const context: PlanContext = {
    options,
    scaleNames: scaleColumnNames(waves),
    quasiItems: new Set(privacy.quasiIdentifierItems),
    markedItems: new Set(privacy.markedByInstruments),
    ageItems: new Set(privacy.ageItems),
  };
  const attributes = design.attributes.map((attribute) => attributeVariable(attribute, options));

  const long: Variable[] = [
    pseudonymVariable(options),
    ...rowDesignVariables(waves),
    statusVariable({}),
    languageVariable({}),
    ...attributes,
    ...mergeAcrossVersions(waves.flatMap((wave) => wave.instruments.flatMap((instrument) => itemColumnsOf(instrument, options, context.ageItems)))).map((column) =>
      itemVariable(column, context),
    ),
  ];

  const wide: Variable[] = [pseudonymVariable(options), ...attributes];
  const baseline = waves.find((wave) => wave.ordinal === 0);
  for (const wave of waves) wide.push(...wideWaveVariables(wave, baseline, context));

  const scores: Variable[] = [pseudonymVariable(options), ...rowDesignVariables(waves), ...scoreFileVariables(waves)];

  const problems = [...columnNameProblems(DATASET_FILES.long, long), ...columnNameProblems(DATASET_FILES.wide, wide), ...columnNameProblems(DATASET_FILES.scores, scores)];
  if (problems.length > 0) throw new Error(`The study's columns cannot be exported:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { long, wide, scores };
}

type PlanContext = {
  options: PlanOptions;
  /** Score column stem of each instrument's scale: `${instrumentId}/${scaleId}` → name. */
  scaleNames: Map<string, string>;
  /** Every quasi-identifier question; those marked by an instrument; those marked as ages. */
  quasiItems: Set<string>;
  markedItems: Set<string>;
  ageItems: Set<string>;
};

// ---- design and attribute variables -----------------------------------------------------------

/** Welsh labels written by the project for the export's own variables: drafts until a translator reviews them. */
const TEXT = {
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
  suppressed: { en: 'Suppressed (small-cell protection)', cy: "Wedi'i atal (diogelu celloedd bach)" },
  generalised: { en: 'Other (grouped to protect anonymity)', cy: "Arall (wedi'i grwpio i ddiogelu anhysbysrwydd)" },
} satisfies Record<string, LocalisedText>;

/** Pseudonyms are "p" and 16 hex digits (pseudonyms.ts); 64 leaves room should that grow. */
const PSEUDONYM_WIDTH = 64;

function pseudonymVariable(options: PlanOptions): Variable {
  const key = options.studyStableKey
    ? "the study's stable key, kept by the platform so that this study's exports can be joined (its use is audited)"
    : 'a key made for this export and then discarded, so this export cannot be joined with any other';
  return {
    name: 'pid',
    kind: 'pseudonym',
    type: 'string',
    label: TEXT.pid,
    valueLabels: [],
    missingValues: [],
    width: PSEUDONYM_WIDTH,
    derivation: `Export pseudonym: HMAC-SHA-256 of the participant code under ${key}. Participant codes never leave the platform.`,
    value: { from: 'pseudonym' },
  };
}

/** wave, wave_ordinal, days_since_baseline, instrument, instrument_version: the first columns of the long and scores files. */
function rowDesignVariables(waves: readonly Wave[]): Variable[] {
  const instruments = uniqueBy(
    waves.flatMap((wave) => wave.instruments),
    (instrument) => instrument.id,
  );
  const versions = [...new Set(waves.flatMap((wave) => wave.instruments.map((i) => i.version)))];
  return [
    {
      name: 'wave',
      kind: 'design',
      type: 'string',
      label: TEXT.wave,
      valueLabels: waves.map((wave) => ({ value: wave.waveId, label: wave.name })),
      missingValues: [],
      width: maxBytes(waves.map((wave) => wave.waveId)),
      value: { from: 'wave' },
    },
    {
      name: 'wave_ordinal',
      kind: 'design',
      type: 'numeric',
      label: TEXT.waveOrdinal,
      valueLabels: waves.map((wave) => ({ value: wave.ordinal, label: wave.name })),
      missingValues: [],
      derivation: "The wave's place in the study: 0 for the baseline, 1, 2 … for the follow-ups in order.",
      value: { from: 'waveOrdinal' },
    },
    daysSinceBaselineVariable({}),
    {
      name: 'instrument',
      kind: 'design',
      type: 'string',
      label: TEXT.instrument,
      valueLabels: instruments.map((instrument) => ({ value: instrument.id, label: instrument.title })),
      missingValues: [],
      width: maxBytes(instruments.map((instrument) => instrument.id)),
      value: { from: 'instrument' },
    },
    instrumentVersionVariable({}, versions),
  ];
}

function daysSinceBaselineVariable(where: { waveId?: string; prefix?: string; waveName?: LocalisedText }): Variable {
  return {
    name: prefixed(where.prefix, 'days_since_baseline'),
    kind: 'design',
    type: 'numeric',
    label: inWave(where.waveName, TEXT.daysSinceBaseline),
    valueLabels: [],
    missingValues: [],
    ...(where.waveId && { source: { waveId: where.waveId } }),
    derivation:
      "Whole days between this participant's baseline completion and their completion of this wave (0 at baseline). Calendar dates are not exported.",
    value: { from: 'daysSinceBaseline', ...(where.waveId && { waveId: where.waveId }) },
  };
}

function instrumentVersionVariable(where: { waveId?: string; instrumentId?: string; prefix?: string; waveName?: LocalisedText; title?: LocalisedText }, versions: string[]): Variable {
  const stem = where.instrumentId ? `${columnStem(where.instrumentId)}_version` : 'instrument_version';
  return {
    name: prefixed(where.prefix, stem),
    kind: 'design',
    type: 'string',
    label: inWave(where.waveName, where.title ? about(where.title, TEXT.instrumentVersion) : TEXT.instrumentVersion),
    valueLabels: [],
    missingValues: [],
    width: maxBytes(versions),
    ...(where.instrumentId && { source: { instrumentId: where.instrumentId, versions, waveId: where.waveId } }),
    value: { from: 'instrumentVersion', ...(where.waveId && { waveId: where.waveId }), ...(where.instrumentId && { instrumentId: where.instrumentId }) },
  };
}

function statusVariable(where: { waveId?: string; instrumentId?: string; prefix?: string; waveName?: LocalisedText; title?: LocalisedText }): Variable {
  const stem = where.instrumentId ? `${columnStem(where.instrumentId)}_status` : 'status';
  return {
    name: prefixed(where.prefix, stem),
    kind: 'design',
    type: 'string',
    label: inWave(where.waveName, where.title ? about(where.title, TEXT.status) : TEXT.status),
    valueLabels: [
      { value: 'complete', label: { en: 'Complete (submitted)', cy: "Cyflawn (wedi'i gyflwyno)" } },
      { value: 'partial', label: { en: 'Partial (saved, not submitted)', cy: "Rhannol (wedi'i gadw, heb ei gyflwyno)" } },
    ],
    missingValues: [],
    width: 'complete'.length,
    ...(where.instrumentId && { source: { instrumentId: where.instrumentId, waveId: where.waveId } }),
    derivation: 'complete: the participant submitted it; partial: saved but not submitted (exported only when partial responses are asked for).',
    value: { from: 'status', ...(where.waveId && { waveId: where.waveId }), ...(where.instrumentId && { instrumentId: where.instrumentId }) },
  };
}

function languageVariable(where: { waveId?: string; prefix?: string; waveName?: LocalisedText }): Variable {
  return {
    name: prefixed(where.prefix, 'language'),
    kind: 'design',
    type: 'string',
    label: inWave(where.waveName, TEXT.language),
    valueLabels: [
      { value: 'en', label: { en: 'English', cy: 'Saesneg' } },
      { value: 'cy', label: { en: 'Welsh', cy: 'Cymraeg' } },
    ],
    missingValues: [],
    width: 2,
    ...(where.waveId && { source: { waveId: where.waveId } }),
    value: { from: 'language', ...(where.waveId && { waveId: where.waveId }) },
  };
}

function attributeVariable(attribute: ParticipantAttribute, options: PlanOptions): Variable {
  const declaresOther = attribute.values.some((v) => v.value === GENERALISED_VALUE);
  return {
    name: attribute.id,
    kind: 'attribute',
    type: 'string',
    label: attribute.label,
    valueLabels: [
      ...attribute.values.map((v) => ({ value: v.value, label: v.label })),
      ...(declaresOther ? [] : [{ value: GENERALISED_VALUE, label: TEXT.generalised }]),
      { value: SPECIAL_CODES.suppressed.string, label: TEXT.suppressed },
    ],
    missingValues: [SPECIAL_CODES.suppressed.string],
    width: maxBytes([...attribute.values.map((v) => v.value), GENERALISED_VALUE, SPECIAL_CODES.suppressed.string]),
    source: { attributeId: attribute.id },
    derivation: attribute.quasiIdentifier
      ? `Declared by the study for each participant. A quasi-identifier: values held by fewer than ${options.k ?? 5} participants are merged into "${GENERALISED_VALUE}", and values are "${SPECIAL_CODES.suppressed.string}" where a combination of quasi-identifiers would still single out fewer than ${options.k ?? 5}.`
      : 'Declared by the study for each participant.',
    value: { from: 'attribute', attributeId: attribute.id },
  };
}

// ---- items: what questions an instrument version has -------------------------------------------

type RawValue = string | number;
type Choice = { value: RawValue; text: LocalisedText };

/** One column an instrument version's question makes, before versions are merged. */
type ItemColumn = {
  name: string;
  itemName: string;
  instrumentId: string;
  versions: string[];
  coding: ItemCoding;
  /** The question's title, and the matrix row's or checkbox choice's text. */
  title: LocalisedText;
  partText?: LocalisedText;
  /** The values a single-value column takes; empty for numbers and free text. */
  choices: Choice[];
  /** Whether every non-special value is a number (choices, ratings, number inputs). */
  numeric: boolean;
  /** Free text: the longest answer in characters. */
  maxLength?: number;
};

/** Elements that show something but take no answer. */
const NO_ANSWER = new Set(['html', 'expression', 'image']);
/** survey-core's limit on text answers when a question sets none (answer-validation.ts). */
const DEFAULT_TEXT_LIMIT = 10_000;
const SPSS_MAX_STRING = 32_767;

/** Question types whose one answer can be an age in years. */
const AGE_HOLDERS = new Set(['text', 'rating', 'radiogroup', 'dropdown']);

/** The columns one instrument version makes, in survey order. `ages`: questions marked as ages in the design, by answer name. */
function itemColumnsOf(instrument: InstrumentVersion, options: PlanOptions, ages: ReadonlySet<string>): ItemColumn[] {
  const columns: ItemColumn[] = [];
  for (const question of questionsOf(instrument)) {
    const type = String(question.type);
    if (NO_ANSWER.has(type)) continue;
    const itemName = String(question.valueName ?? question.name);
    const base = {
      itemName,
      instrumentId: instrument.id,
      versions: [instrument.version],
      title: localised(question.title, itemName),
    };
    const single = (coding: ItemCoding, choices: Choice[], numeric: boolean): ItemColumn => ({ ...base, name: itemName, coding, choices, numeric });

    if (ages.has(itemName)) {
      if (!AGE_HOLDERS.has(type)) {
        throw new Error(`${instrument.id}@${instrument.version}: question "${itemName}" is marked as an age but is a ${type}, which cannot hold one; the export cannot band it`);
      }
      // Only the band leaves: the bands are the column's values, with the question's own "prefer not to say" and the like.
      const bands = AGE_BANDS.map((band) => ({ value: band.code, text: band.label }));
      columns.push(single({ kind: 'ageBand' }, [...bands, ...choicesOf(question).filter((c) => isSpecial(c.value))], false));
      continue;
    }

    switch (type) {
      case 'radiogroup':
      case 'dropdown':
        columns.push(single({ kind: 'value' }, choicesOf(question), allNumeric(choicesOf(question))));
        break;
      case 'imagepicker':
        if (question.multiSelect === true) columns.push(...checkboxColumns(base, choicesOf(question)));
        else columns.push(single({ kind: 'value' }, choicesOf(question), allNumeric(choicesOf(question))));
        break;
      case 'rating': {
        const choices = ratingChoices(question);
        columns.push(single({ kind: 'value' }, choices, allNumeric(choices)));
        break;
      }
      case 'boolean':
        columns.push(
          single(
            { kind: 'boolean', valueTrue: jsonScalar(question.valueTrue, true), valueFalse: jsonScalar(question.valueFalse, false) },
            [
              { value: 1, text: question.labelTrue ? localised(question.labelTrue, 'Yes') : TEXT.yes },
              { value: 0, text: question.labelFalse ? localised(question.labelFalse, 'No') : TEXT.no },
            ],
            true,
          ),
        );
        break;
      case 'checkbox':
      case 'tagbox':
        columns.push(...checkboxColumns(base, choicesOf(question)));
        break;
      case 'matrix': {
        const values = listOf(question.columns).map(toChoice);
        for (const row of listOf(question.rows).map(toChoice)) {
          columns.push({
            ...base,
            name: `${itemName}_${nameSafe(row.value)}`,
            coding: { kind: 'matrixRow', row: String(row.value) },
            partText: row.text,
            choices: values,
            numeric: allNumeric(values),
          });
        }
        break;
      }
      case 'text':
      case 'comment':
        if (type === 'text' && (question.inputType === 'number' || question.inputType === 'range')) {
          columns.push(single({ kind: 'value' }, [], true));
        } else if (type === 'text' && DATE_INPUT_TYPES.has(String(question.inputType))) {
          // A date is never exported whole, even with free text: only its month, and only when free text is asked for.
          if (options.includeFreeText) columns.push(single({ kind: 'month' }, [], false));
        } else if (options.includeFreeText) {
          // Any other text input (email, tel, time…) is free text too: it may name people or places.
          columns.push({ ...single({ kind: 'text' }, [], false), maxLength: typeof question.maxLength === 'number' && question.maxLength > 0 ? question.maxLength : DEFAULT_TEXT_LIMIT });
        }
        break;
      default:
        // Nothing is dropped silently: a question the export cannot lay out stops the plan.
        throw new Error(
          `${instrument.id}@${instrument.version}: question "${itemName}" is a ${type}, which the export cannot lay out in fixed columns (supported: radiogroup, dropdown, rating, boolean, checkbox, tagbox, imagepicker, matrix, text, comment)`,
        );
    }
  }
  return columns;
}

function checkboxColumns(base: Pick<ItemColumn, 'itemName' | 'instrumentId' | 'versions' | 'title'>, choices: Choice[]): ItemColumn[] {
  return choices.map((choice) => ({
    ...base,
    name: `${base.itemName}_${nameSafe(choice.value)}`,
    coding: { kind: 'checkboxChoice', choice: choice.value },
    partText: choice.text,
    choices: [
      { value: 1, text: TEXT.selected },
      { value: 0, text: TEXT.notSelected },
    ],
    numeric: true,
  }));
}

/** A question's choices, with the extra items SurveyJS adds when asked (other, none, refuse, don't know). */
function choicesOf(question: QuestionJson): Choice[] {
  const choices = listOf(question.choices).map(toChoice);
  const extra = (flag: unknown, value: string, text: unknown, fallback: LocalisedText) => {
    if (flag === true) choices.push({ value, text: text ? localised(text, fallback.en) : fallback });
  };
  extra(question.showNoneItem, 'none', question.noneText, { en: 'None', cy: 'Dim' });
  extra(question.showOtherItem, 'other', question.otherText, { en: 'Other', cy: 'Arall' });
  extra(question.showRefuseItem, 'refused', question.refuseText, { en: 'Refuse to answer', cy: 'Gwrthod ateb' });
  extra(question.showDontKnowItem, 'dontknow', question.dontKnowText, { en: "Don't know", cy: 'Ddim yn gwybod' });
  return choices;
}

/**
 * A rating's labelled values: its rateValues, or else the ends of
 * rateMin..rateMax where the instrument describes them (0 "Not at all", 10
 * "Completely"); the numbers between need no label.
 */
function ratingChoices(question: QuestionJson): Choice[] {
  const rateValues = listOf(question.rateValues);
  if (rateValues.length > 0) return rateValues.map(toChoice);
  const min = typeof question.rateMin === 'number' ? question.rateMin : 1;
  const max = typeof question.rateMax === 'number' ? question.rateMax : 5;
  const ends: Choice[] = [];
  if (question.minRateDescription) ends.push({ value: min, text: localised(question.minRateDescription, String(min)) });
  if (question.maxRateDescription) ends.push({ value: max, text: localised(question.maxRateDescription, String(max)) });
  return ends;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function toChoice(item: unknown): Choice {
  if (item !== null && typeof item === 'object') {
    const { value, text } = item as { value?: unknown; text?: unknown };
    const raw = jsonScalar(value, '') as RawValue;
    return { value: raw, text: localised(text, String(raw)) };
  }
  const raw = jsonScalar(item, '') as RawValue;
  return { value: raw, text: { en: String(raw), cy: String(raw) } };
}

function jsonScalar(value: unknown, fallback: string | number | boolean): string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : fallback;
}

function localised(text: unknown, fallback: string): LocalisedText {
  if (typeof text === 'string') return { en: text, cy: text };
  if (text !== null && typeof text === 'object') {
    const t = text as Record<string, unknown>;
    const en = typeof t.en === 'string' ? t.en : typeof t.default === 'string' ? t.default : fallback;
    return { en, cy: typeof t.cy === 'string' ? t.cy : en };
  }
  return { en: fallback, cy: fallback };
}

/** Choices that are not answers, and their codes in numeric variables (their labels are the instrument's own texts). */
const SPECIAL_CHOICES: Record<string, number> = {
  [SPECIAL_CODES.preferNotToSay.string]: SPECIAL_CODES.preferNotToSay.numeric,
  [SPECIAL_CODES.notApplicable.string]: SPECIAL_CODES.notApplicable.numeric,
};

function isSpecial(value: RawValue): boolean {
  return typeof value === 'string' && Object.hasOwn(SPECIAL_CHOICES, value);
}

function allNumeric(choices: readonly Choice[]): boolean {
  return choices.every((choice) => typeof choice.value === 'number' || isSpecial(choice.value));
}

/** Choice and row values become part of a column name: lower-case letters, digits and underscores. */
function nameSafe(value: RawValue): string {
  return String(value)
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
}

// ---- items: one column per name across versions -------------------------------------------------

/**
 * The long file's item columns: the same name in every version is one column
 * (in order of first appearance); its choices are the union of the versions'
 * and its texts the newest version's.
 */
function mergeAcrossVersions(columns: readonly ItemColumn[]): ItemColumn[] {
  const merged = new Map<string, ItemColumn>();
  for (const column of columns) {
    const seen = merged.get(column.name);
    if (!seen) {
      merged.set(column.name, { ...column, versions: [...column.versions], choices: [...column.choices] });
      continue;
    }
    const where = `${column.instrumentId}@${column.versions.join(', ')}`;
    if (seen.instrumentId !== column.instrumentId) {
      throw new Error(
        `Question names are dataset columns: "${column.name}" is asked by both ${seen.instrumentId} and ${column.instrumentId}; give one of them another name (prefix it with its instrument)`,
      );
    }
    if (seen.itemName !== column.itemName || !compatibleCodings(seen.coding, column.coding)) {
      throw new Error(
        `${where}: column "${column.name}" (from question ${column.itemName}) is made differently in ${seen.instrumentId}@${seen.versions.join(', ')} (from question ${seen.itemName}, another type or part); a question whose type changes needs a new name`,
      );
    }
    const newer = compareVersions(column.versions[0]!, newest(seen.versions)) > 0;
    for (const version of column.versions) if (!seen.versions.includes(version)) seen.versions.push(version);
    for (const choice of column.choices) {
      const index = seen.choices.findIndex((c) => c.value === choice.value);
      if (index < 0) seen.choices.push(choice);
      else if (newer) seen.choices[index] = choice;
    }
    if (newer) {
      seen.title = column.title;
      if (column.partText) seen.partText = column.partText;
    }
    // A number input in one version and choices in another stay numeric only if every value is a number.
    seen.numeric = seen.numeric && column.numeric;
    // A date in any version keeps the column to months: a whole date never slips out through a free-text version.
    if (column.coding.kind === 'month' || (column.coding.kind === 'text' && seen.coding.kind !== 'month')) seen.coding = column.coding;
    if (column.maxLength !== undefined) seen.maxLength = Math.max(seen.maxLength ?? 0, column.maxLength);
  }
  return [...merged.values()];
}

/** Whether two versions' columns of one name can share a column: the same part of the answer, free text and single values mixing. */
function compatibleCodings(a: ItemCoding, b: ItemCoding): boolean {
  const single = (c: ItemCoding) => c.kind === 'value' || c.kind === 'text';
  const textual = (c: ItemCoding) => c.kind === 'text' || c.kind === 'month';
  if (single(a) && single(b)) return true;
  if (textual(a) && textual(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

function itemVariable(column: ItemColumn, context: PlanContext, wave?: { prefix: string; waveId: string; name: LocalisedText }): Variable {
  const free = column.coding.kind === 'text';
  const month = column.coding.kind === 'month';
  const age = column.coding.kind === 'ageBand';
  const numeric = !free && !month && !age && column.numeric;
  const quasi = context.quasiItems.has(column.itemName);
  const k = context.options.k ?? 5;
  const valueLabels: ValueLabel[] = [];
  const missingValues: (number | string)[] = [];
  for (const choice of column.choices) {
    if (isSpecial(choice.value)) {
      const code = numeric ? SPECIAL_CHOICES[choice.value]! : choice.value;
      valueLabels.push({ value: code, label: choice.text });
      missingValues.push(code);
    } else {
      const taken = Object.values(SPECIAL_CODES).some((code) => code.numeric === choice.value);
      if (numeric && taken) {
        throw new Error(`${column.instrumentId}: question ${column.itemName} has a choice valued ${choice.value}, a code the export keeps for values that are not answers`);
      }
      valueLabels.push({ value: numeric ? choice.value : String(choice.value), label: choice.text });
    }
  }
  if (quasi && !numeric && !valueLabels.some((l) => l.value === GENERALISED_VALUE)) valueLabels.push({ value: GENERALISED_VALUE, label: TEXT.generalised });
  const suppressed = numeric ? SPECIAL_CODES.suppressed.numeric : SPECIAL_CODES.suppressed.string;
  valueLabels.push({ value: suppressed, label: TEXT.suppressed });
  missingValues.push(suppressed);

  const itemText = column.partText ? about(column.title, column.partText, ': ') : column.title;
  const derivation = [
    free && "The respondent's own words; line breaks are written as spaces.",
    column.coding.kind === 'checkboxChoice' && `1 when "${column.partText?.en}" was among the answers to ${column.itemName}, 0 when the question was answered without it; empty when not answered.`,
    column.coding.kind === 'boolean' && '1 for yes, 0 for no.',
    column.coding.kind === 'matrixRow' && `The answer given in row "${column.partText?.en}" of ${column.itemName}.`,
    age && `An age in years, marked so by its instrument: exported only as its band (${AGE_BANDS_IN_WORDS}; whole years). The age itself is not exported.`,
    month && 'A date answer, exported as its month only (YYYY-MM; a week as the month of its Thursday). The day is not exported; anything that is not a date is left empty.',
    quasi &&
      `A quasi-identifier (${context.markedItems.has(column.itemName) ? 'marked so by its instrument' : 'named so by the study'}): ${numeric ? '' : `categories held by fewer than ${k} participants are merged into "${GENERALISED_VALUE}", and `}values are coded as suppressed where a combination of quasi-identifiers would still single out fewer than ${k}.`,
  ]
    .filter(Boolean)
    .join(' ');
  return {
    name: prefixed(wave?.prefix, column.name),
    kind: 'item',
    type: numeric ? 'numeric' : 'string',
    label: inWave(wave?.name, itemText),
    itemText,
    valueLabels,
    missingValues,
    ...(!numeric && {
      width: free
        ? Math.min(SPSS_MAX_STRING, (column.maxLength ?? DEFAULT_TEXT_LIMIT) * 4 + 1) // up to 4 bytes a character, and the ' a formula-like text gets
        : maxBytes(valueLabels.map((l) => String(l.value))),
    }),
    source: {
      instrumentId: column.instrumentId,
      versions: [...column.versions].sort(compareVersions),
      itemName: column.itemName,
      ...(wave && { waveId: wave.waveId }),
    },
    ...(derivation && { derivation }),
    value: { from: 'item', itemName: column.itemName, instrumentId: column.instrumentId, ...(wave && { waveId: wave.waveId }), coding: column.coding },
  };
}

// ---- the wide file ------------------------------------------------------------------------------

function wideWaveVariables(wave: Wave, baseline: Wave | undefined, context: PlanContext): Variable[] {
  const where = { waveId: wave.waveId, prefix: wavePrefix(wave.ordinal), waveName: wave.name };
  const variables: Variable[] = [daysSinceBaselineVariable(where), languageVariable(where)];
  for (const instrument of wave.instruments) {
    const ofInstrument = { ...where, instrumentId: instrument.id, title: instrument.title };
    variables.push(statusVariable(ofInstrument), instrumentVersionVariable(ofInstrument, [instrument.version]));
    // One version: two questions making the same column are caught by the name check.
    for (const column of itemColumnsOf(instrument, context.options, context.ageItems)) {
      variables.push(itemVariable(column, context, { prefix: where.prefix, waveId: wave.waveId, name: wave.name }));
    }
    for (const scale of instrument.scales ?? []) {
      const baselineScale = wave === baseline ? undefined : baselineScaleOf(baseline, instrument.id, scale.id);
      variables.push(...wideScaleVariables(wave, instrument, scale, baselineScale, context));
    }
  }
  return variables;
}

function baselineScaleOf(baseline: Wave | undefined, instrumentId: string, scaleId: string): { instrument: InstrumentVersion; scale: Scale } | undefined {
  const instrument = baseline?.instruments.find((i) => i.id === instrumentId);
  const scale = instrument?.scales?.find((s) => s.id === scaleId);
  return instrument && scale ? { instrument, scale } : undefined;
}

function wideScaleVariables(
  wave: Wave,
  instrument: InstrumentVersion,
  scale: Scale,
  baseline: { instrument: InstrumentVersion; scale: Scale } | undefined,
  context: PlanContext,
): Variable[] {
  const stem = `${wavePrefix(wave.ordinal)}_${context.scaleNames.get(scaleKey(instrument.id, scale.id))}`;
  const source = { instrumentId: instrument.id, versions: [instrument.version], scaleId: scale.id, waveId: wave.waveId };
  const value = { waveId: wave.waveId, instrumentId: instrument.id, scaleId: scale.id };
  // rows.ts compares a follow-up only with a baseline whose version defines the scale identically.
  const comparable = baseline !== undefined && JSON.stringify(baseline.scale) === JSON.stringify(scale);
  const notCompared = baseline && !comparable
    ? ` No change from baseline: the baseline used ${instrument.id} ${baseline.instrument.version}, which defines this scale differently from ${instrument.version}.`
    : '';
  const variables: Variable[] = [
    {
      name: `${stem}_score`,
      kind: 'score',
      type: 'numeric',
      label: inWave(wave.name, scale.title),
      valueLabels: [],
      missingValues: [],
      source,
      derivation: scoringRule(instrument, scale) + notCompared,
      value: { from: 'score', field: 'score', ...value },
    },
  ];
  if (scale.bands && scale.bands.length > 0) {
    variables.push({
      name: `${stem}_band`,
      kind: 'score',
      type: 'string',
      label: inWave(wave.name, about(scale.title, TEXT.band)),
      valueLabels: bandLabels(scale),
      missingValues: [],
      width: maxBytes(scale.bands.map((band) => band.id)),
      source,
      derivation: `The band the score falls in (inclusive ranges): ${scale.bands.map((b) => `${b.id} ${b.min}–${b.max}`).join(', ')}.`,
      value: { from: 'score', field: 'band', ...value },
    });
  }
  if (baseline && comparable) {
    variables.push({
      name: `${stem}_change`,
      kind: 'score',
      type: 'numeric',
      label: inWave(wave.name, about(scale.title, TEXT.change)),
      valueLabels: [],
      missingValues: [],
      source,
      derivation: changeRule(wave, instrument, baseline),
      value: { from: 'score', field: 'change', ...value },
    });
    if (scale.meaningfulChange) {
      variables.push({
        name: `${stem}_meaningful`,
        kind: 'score',
        type: 'numeric',
        label: inWave(wave.name, about(scale.title, TEXT.meaningful)),
        valueLabels: yesNo(),
        missingValues: [],
        source,
        derivation: `1 when the change from baseline is at least ${scale.meaningfulChange.threshold} points either way (${scale.meaningfulChange.source}), 0 when it is smaller; empty when there is no change to judge.`,
        value: { from: 'score', field: 'meaningfulChange', ...value },
      });
    }
  }
  return variables;
}

/**
 * The stem of each scale's score columns: its id, unless two instruments of
 * the design share a scale id, when both are prefixed with their instrument.
 */
function scaleColumnNames(waves: readonly Wave[]): Map<string, string> {
  const owners = new Map<string, Set<string>>();
  for (const instrument of waves.flatMap((wave) => wave.instruments)) {
    for (const scale of instrument.scales ?? []) {
      const set = owners.get(scale.id) ?? new Set<string>();
      set.add(instrument.id);
      owners.set(scale.id, set);
    }
  }
  const names = new Map<string, string>();
  for (const [scaleId, instrumentIds] of owners) {
    for (const instrumentId of instrumentIds) {
      names.set(scaleKey(instrumentId, scaleId), instrumentIds.size > 1 ? `${columnStem(instrumentId)}_${scaleId}` : scaleId);
    }
  }
  return names;
}

function scaleKey(instrumentId: string, scaleId: string): string {
  return `${instrumentId}/${scaleId}`;
}

// ---- scores.csv -------------------------------------------------------------------------------

function scoreFileVariables(waves: readonly Wave[]): Variable[] {
  const scales = uniqueBy(
    waves.flatMap((wave) => wave.instruments.flatMap((instrument) => (instrument.scales ?? []).map((scale) => ({ instrument, scale })))),
    ({ instrument, scale }) => `${instrument.id}@${instrument.version}/${scale.id}`,
  );
  const scaleLabels = uniqueBy(
    scales.map(({ scale }) => ({ value: scale.id, label: scale.title })),
    (label) => label.value,
  );
  const bands = uniqueBy(
    scales.flatMap(({ scale }) => (scale.bands ?? []).map((band) => ({ value: band.id, label: band.label }))),
    (band) => band.value,
  );
  const rules = uniqueBy(
    scales.map(({ instrument, scale }) => `${instrument.id}@${instrument.version} ${scale.id}: ${scoringRule(instrument, scale)}`),
    (rule) => rule,
  );
  const withThreshold = scales.filter(({ scale }) => scale.meaningfulChange);
  const score = (name: string, field: Extract<ValueSource, { from: 'score' }>['field'], label: LocalisedText, rest: Partial<Variable>): Variable => ({
    name,
    kind: 'score',
    type: 'numeric',
    label,
    valueLabels: [],
    missingValues: [],
    value: { from: 'score', field },
    ...rest,
  });
  return [
    {
      name: 'scale',
      kind: 'design',
      type: 'string',
      label: TEXT.scale,
      valueLabels: scaleLabels,
      missingValues: [],
      width: maxBytes(scaleLabels.map((l) => String(l.value))),
      value: { from: 'scale' },
    },
    score('answered', 'answered', TEXT.answered, {
      derivation: 'Items of the scale answered with a value the scale can score; "prefer not to say", "not applicable" and unanswered items do not count.',
    }),
    score('raw', 'raw', TEXT.raw, {
      derivation: 'The sum (prorated as mean × item count when some items are missing) or the mean of the items before any conversion table, reverse items reversed; empty when too few items were answered.',
    }),
    score('score', 'score', TEXT.score, { derivation: `The scale's score by its instrument's rules. ${rules.join(' ')}` }),
    {
      name: 'band',
      kind: 'score',
      type: 'string',
      label: TEXT.band,
      valueLabels: bands,
      missingValues: [],
      width: maxBytes(bands.map((b) => String(b.value))),
      derivation: `The band the score falls in (inclusive ranges): ${scales
        .filter(({ scale }) => scale.bands?.length)
        .map(({ scale }) => `${scale.id}: ${scale.bands!.map((b) => `${b.id} ${b.min}–${b.max}`).join(', ')}`)
        .join('; ')}.`,
      value: { from: 'score', field: 'band' },
    },
    score('baseline_score', 'baselineScore', TEXT.baselineScore, {
      derivation:
        "The same scale's score at this participant's baseline, where the baseline's version of the instrument defines the scale identically; empty at baseline and otherwise.",
    }),
    score('change', 'change', TEXT.change, { derivation: 'score minus baseline_score; empty when either is missing.' }),
    score('meaningful_change', 'meaningfulChange', TEXT.meaningful, {
      valueLabels: yesNo(),
      derivation: `1 when the change reaches the scale's meaningful-change threshold either way, 0 when it does not; empty when the scale has no threshold or there is no change. ${withThreshold
        .map(({ scale }) => `${scale.id}: ${scale.meaningfulChange!.threshold} (${scale.meaningfulChange!.source})`)
        .join('; ')}`.trim(),
    }),
    {
      name: 'direction',
      kind: 'score',
      type: 'string',
      label: TEXT.direction,
      valueLabels: [
        { value: 'improved', label: { en: 'Improved', cy: 'Wedi gwella' } },
        { value: 'worsened', label: { en: 'Worsened', cy: 'Wedi gwaethygu' } },
        { value: 'unchanged', label: { en: 'Unchanged', cy: 'Heb newid' } },
      ],
      missingValues: [],
      width: 'unchanged'.length,
      derivation: "Which way the score moved from baseline, given whether higher or lower is better on the scale; empty when there is no change to judge.",
      value: { from: 'score', field: 'direction' },
    },
  ];
}

/** The scoring rule of a scale, in words, for the codebook. */
function scoringRule(instrument: InstrumentVersion, scale: Scale): string {
  const n = scale.items.length;
  const reverse = scale.reverseItems?.length
    ? `, with ${scale.reverseItems.join(', ')} reversed (${scale.itemValues.min} + ${scale.itemValues.max} − value)`
    : '';
  const method = scale.method;
  let rule: string;
  switch (method.kind) {
    case 'sum':
      rule = `sum of the ${n} items${reverse}, prorated (mean of the answered items × ${n}) when some are missing; scored when at least ${scale.minimumAnswered} of ${n} are answered`;
      break;
    case 'mean':
      rule = `mean of the answered items${reverse}; scored when at least ${scale.minimumAnswered} of ${n} are answered`;
      break;
    case 'conversion':
      rule = `raw sum of the ${n} items${reverse} converted with the table published in: ${method.source}; scored only when all ${n} items are answered`;
      break;
  }
  return `${scale.title.en}: ${rule}. Items: ${scale.items.join(', ')} (${instrument.id} ${instrument.version}); "prefer not to say" and "not applicable" count as unanswered. Range ${scale.scoreRange.min}–${scale.scoreRange.max}, ${scale.direction === 'higher-is-better' ? 'higher is better' : 'lower is better'}.`;
}

function changeRule(wave: Wave, instrument: InstrumentVersion, baseline: { instrument: InstrumentVersion }): string {
  const rule = `${wave.name.en} score minus baseline score; empty when either is missing.`;
  return baseline.instrument.version === instrument.version
    ? rule
    : `${rule} The baseline used ${instrument.id} ${baseline.instrument.version} and this wave ${instrument.version}, which define the scale identically.`;
}

function bandLabels(scale: Scale): ValueLabel[] {
  return (scale.bands ?? []).map((band) => ({
    value: band.id,
    label: { en: `${band.label.en} (${band.min}–${band.max})`, cy: `${band.label.cy} (${band.min}–${band.max})` },
  }));
}

function yesNo(): ValueLabel[] {
  return [
    { value: 1, label: TEXT.yes },
    { value: 0, label: TEXT.no },
  ];
}

// ---- column names -----------------------------------------------------------------------------

/** SPSS's reserved words cannot be variable names. */
const SPSS_RESERVED = new Set(['all', 'and', 'by', 'eq', 'ge', 'gt', 'le', 'lt', 'ne', 'not', 'or', 'to', 'with']);
const SPSS_NAME = /^[a-z][a-z0-9_]*$/;
const SPSS_NAME_MAX = 64;

/** Why each column name of a file is unusable, naming where it came from. */
export function columnNameProblems(file: string, variables: readonly Variable[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, Variable>();
  for (const variable of variables) {
    const { name } = variable;
    const from = origin(variable);
    if (name.length > SPSS_NAME_MAX) problems.push(`${file}: "${name}" (${from}) is ${name.length} characters long; SPSS allows ${SPSS_NAME_MAX}`);
    if (!SPSS_NAME.test(name)) problems.push(`${file}: "${name}" (${from}) must be lower-case letters, digits and underscores, starting with a letter`);
    if (SPSS_RESERVED.has(name)) problems.push(`${file}: "${name}" (${from}) is a reserved word in SPSS`);
    const first = seen.get(name);
    if (first) problems.push(`${file}: "${name}" is both ${origin(first)} and ${from}`);
    else seen.set(name, variable);
  }
  return problems;
}

function origin(variable: Variable): string {
  const source = variable.source;
  if (variable.kind === 'item' && source) return `question ${source.itemName} of ${source.instrumentId}`;
  if (variable.kind === 'attribute') return `attribute ${source?.attributeId}`;
  if (variable.kind === 'score' && source?.scaleId) return `scale ${source.scaleId} of ${source.instrumentId}`;
  if (source?.instrumentId) return `instrument ${source.instrumentId}`;
  return `a ${variable.kind} column`;
}

// ---- encoding a stored answer -----------------------------------------------------------------

/**
 * What a stored SurveyJS answer becomes in an item variable's cell: special
 * choices become their codes in numeric variables, a checkbox's list becomes
 * 1/0 for the variable's choice, a matrix's object the variable's row, a
 * boolean 1/0; an absent answer, or one the variable has no code for, null.
 */
export function encodeItemValue(variable: Variable, raw: unknown): string | number | null {
  if (variable.value.from !== 'item') throw new Error(`${variable.name} is not an item variable`);
  if (raw === undefined || raw === null) return null;
  const coding = variable.value.coding ?? { kind: 'value' };
  switch (coding.kind) {
    case 'value':
      return codeSingleValue(variable, raw);
    case 'text':
      // SPSS (GET DATA) and PSPP end a row at a line break even inside quotes: a free-text answer stays on one line.
      return typeof raw === 'string' || typeof raw === 'number' ? String(raw).replace(/\r\n|\r|\n/g, ' ') : null;
    case 'matrixRow':
      return isPlainObject(raw) ? codeSingleValue(variable, raw[coding.row]) : null;
    case 'checkboxChoice':
      return Array.isArray(raw) ? (raw.includes(coding.choice) ? 1 : 0) : null;
    case 'boolean':
      return raw === coding.valueTrue ? 1 : raw === coding.valueFalse ? 0 : null;
    case 'ageBand':
      return codeAge(variable, raw);
    case 'month':
      return typeof raw === 'string' ? monthOf(raw) : null;
  }
}

/** An age answer becomes its band; "prefer not to say" and the like keep their codes; anything else is empty. */
function codeAge(variable: Variable, raw: unknown): string | null {
  const years = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : null;
  if (years !== null) return ageBandOf(years);
  return typeof raw === 'string' && variable.valueLabels.some((label) => label.value === raw) ? raw : null;
}

function codeSingleValue(variable: Variable, raw: unknown): string | number | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (variable.type === 'numeric') {
    if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
    if (typeof raw === 'string' && Object.hasOwn(SPECIAL_CHOICES, raw)) return SPECIAL_CHOICES[raw]!;
    return null;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  // Only the choices' own codes: a value the variable does not list (free text of another version) never slips in.
  const code = String(raw);
  return variable.valueLabels.some((label) => label.value === code) ? code : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// ---- small helpers ----------------------------------------------------------------------------

/** Instrument ids use hyphens; column names cannot. */
function columnStem(instrumentId: string): string {
  return instrumentId.replace(/-/g, '_');
}

function prefixed(prefix: string | undefined, name: string): string {
  return prefix ? `${prefix}_${name}` : name;
}

function inWave(waveName: LocalisedText | undefined, label: LocalisedText): LocalisedText {
  return waveName ? { en: `${waveName.en}: ${label.en}`, cy: `${waveName.cy}: ${label.cy}` } : label;
}

function about(subject: LocalisedText, what: LocalisedText, separator = ' – '): LocalisedText {
  return { en: `${subject.en}${separator}${what.en}`, cy: `${subject.cy}${separator}${what.cy}` };
}

function maxBytes(values: readonly string[]): number {
  return Math.max(1, ...values.map((value) => Buffer.byteLength(value, 'utf8')));
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** Semantic versions compared number by number (1.10.0 is newer than 1.9.0). */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function newest(versions: readonly string[]): string {
  return [...versions].sort(compareVersions).at(-1)!;
}
