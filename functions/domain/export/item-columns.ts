/** Item variables: what questions an instrument version has, one column per name across versions, and how a stored answer is coded. */
import type { LocalisedText } from '../../contracts/common.js';
import { flagOf, propertyOf, type QuestionJson, questionsOf } from '../instrument-questions.js';
import type { InstrumentVersion } from '../instrument.js';
import { AGE_BANDS, AGE_BANDS_IN_WORDS, ageBandOf, DATE_INPUT_TYPES, monthOf } from './privacy.js';
import { quasiIdentifierDerivation } from './design-variables.js';
import { about, compareVersions, inWave, type ItemCoding, maxBytes, newest, type PlanContext, type PlanOptions, prefixed, SPECIAL_CODES, TEXT, type ValueLabel, type Variable } from './variable-model.js';
import { ExportNotPossible } from './export-not-possible.js';

// ---- items: what questions an instrument version has -------------------------------------------

type RawValue = string | number;
type Choice = { value: RawValue; text: LocalisedText };

/** One column an instrument version's question makes, before versions are merged. */
export type ItemColumn = {
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
  /** Why the column is not named after its question (column-names.ts), for the codebook. */
  renamedBecause?: string;
  /** A computed value's expression, for the codebook. */
  formula?: string;
};

/** Elements that show something but take no answer. */
export const NO_ANSWER = new Set(['html', 'image']);
/** survey-core's limit on text answers when a question sets none (answer-validation.ts). */
const DEFAULT_TEXT_LIMIT = 10_000;
const SPSS_MAX_STRING = 32_767;

/** Question types whose one answer can be an age in years. */
const AGE_HOLDERS = new Set(['text', 'rating', 'radiogroup', 'dropdown']);

/** Text inputs whose answer is a number. */
const NUMBER_INPUT_TYPES = new Set(['number', 'range']);

/** The columns one instrument version makes, in survey order. `ages`: questions marked as ages in the design, by answer name. */
export function itemColumnsOf(instrument: InstrumentVersion, options: PlanOptions, ages: ReadonlySet<string>): ItemColumn[] {
  const columns: ItemColumn[] = [];
  const questions = questionsOf(instrument);
  const byName = new Map(questions.map((question) => [String(question.name), question]));
  const survey = instrument.survey;
  const textLimit = (declared: unknown, surveyLimit: unknown) =>
    typeof declared === 'number' && declared > 0 ? declared : typeof surveyLimit === 'number' && surveyLimit > 0 ? surveyLimit : DEFAULT_TEXT_LIMIT;
  for (const question of questions) {
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
    /** A column for one part of the answer (a box, a ranked choice), named after the part. */
    const part = (partName: RawValue, partText: LocalisedText, coding: ItemCoding, choices: Choice[], numeric: boolean): ItemColumn => ({
      ...base,
      name: `${itemName}_${nameSafe(partName)}`,
      coding,
      partText,
      choices,
      numeric,
    });
    const freeText = (column: ItemColumn, maxLength: number): ItemColumn => ({ ...column, maxLength });

    if (ages.has(itemName)) {
      if (!AGE_HOLDERS.has(type)) {
        throw new ExportNotPossible(`${instrument.id}@${instrument.version}: question "${itemName}" is marked as an age but is a ${type}, which cannot hold one; the export cannot band it`);
      }
      // Only the band leaves: the bands are the column's values, with the question's own "prefer not to say" and the like.
      const bands = AGE_BANDS.map((band) => ({ value: band.code, text: band.label }));
      columns.push(single({ kind: 'ageBand' }, [...bands, ...choicesOf(question, byName).filter((c) => isSpecial(c.value))], false));
      continue;
    }

    switch (type) {
      case 'radiogroup':
      case 'dropdown': {
        const choices = choicesOf(question, byName);
        columns.push(single({ kind: 'value' }, choices, allNumeric(choices)));
        break;
      }
      case 'imagepicker': {
        const choices = choicesOf(question, byName);
        if (question.multiSelect === true) columns.push(...checkboxColumns(base, choices));
        else columns.push(single({ kind: 'value' }, choices, allNumeric(choices)));
        break;
      }
      case 'rating': {
        const choices = ratingChoices(question);
        columns.push(single({ kind: 'value' }, choices, allNumeric(choices)));
        break;
      }
      case 'slider': {
        const labels = listOf(question.customLabels).map(toChoice);
        columns.push(single({ kind: 'value' }, labels, true));
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
        columns.push(...checkboxColumns(base, choicesOf(question, byName)));
        break;
      case 'ranking':
        for (const choice of choicesOf(question, byName)) columns.push(part(choice.value, choice.text, { kind: 'rank', choice: choice.value }, [], true));
        break;
      case 'matrix': {
        const values = listOf(question.columns).map(toChoice);
        for (const row of listOf(question.rows).map(toChoice)) {
          columns.push(part(row.value, row.text, { kind: 'matrixRow', row: String(row.value) }, values, allNumeric(values)));
        }
        break;
      }
      case 'multipletext':
        for (const box of listOf(question.items) as QuestionJson[]) {
          const boxName = String(box.name);
          const boxText = localised(box.title, boxName);
          const inputType = String(box.inputType ?? 'text');
          if (NUMBER_INPUT_TYPES.has(inputType)) columns.push(part(boxName, boxText, { kind: 'value', box: boxName }, [], true));
          else if (!options.includeFreeText) continue;
          else if (DATE_INPUT_TYPES.has(inputType)) columns.push(part(boxName, boxText, { kind: 'month', box: boxName }, [], false));
          else columns.push(freeText(part(boxName, boxText, { kind: 'text', box: boxName }, [], false), textLimit(box.maxLength, survey.maxTextLength)));
        }
        break;
      case 'expression':
        columns.push({ ...single({ kind: 'computed' }, [], true), formula: String(question.expression ?? '') });
        break;
      case 'text':
      case 'comment':
        if (type === 'text' && NUMBER_INPUT_TYPES.has(String(question.inputType))) {
          columns.push(single({ kind: 'value' }, [], true));
        } else if (type === 'text' && DATE_INPUT_TYPES.has(String(question.inputType))) {
          // A date is never exported whole, even with free text: only its month, and only when free text is asked for.
          if (options.includeFreeText) columns.push(single({ kind: 'month' }, [], false));
        } else if (options.includeFreeText) {
          // Any other text input (email, tel, time…) is free text too: it may name people or places.
          const surveyLimit = type === 'comment' ? propertyOf(survey, 'maxCommentLength') : survey.maxTextLength;
          columns.push(freeText(single({ kind: 'text' }, [], false), textLimit(question.maxLength, surveyLimit)));
        }
        break;
      default:
        // Nothing is dropped silently: a question the export cannot lay out stops the plan (instrument validate refuses these types: question-support.ts).
        throw new ExportNotPossible(
          `${instrument.id}@${instrument.version}: question "${itemName}" is a ${type}, which the export cannot lay out in fixed columns (supported: ${EXPORTED_TYPES.join(', ')})`,
        );
    }

    // The respondent's own words beside a choice: the "other" text and the comment area share the answer key `<name>-Comment`.
    if (options.includeFreeText) {
      const commentLimit = textLimit(undefined, propertyOf(survey, 'maxCommentLength'));
      const besideAnswer = { ...base, itemName: `${itemName}-Comment`, coding: { kind: 'text' } as const, choices: [], numeric: false, maxLength: commentLimit };
      if (flagOf(question, 'showOtherItem')) {
        const other = question.otherText ? localised(question.otherText, 'Other') : TEXT.other;
        columns.push({ ...besideAnswer, name: `${itemName}_other`, partText: about(other, TEXT.theirWords, ' – ') });
      } else if (flagOf(question, 'showCommentArea')) {
        columns.push({ ...besideAnswer, name: `${itemName}_comment`, partText: question.commentText ? localised(question.commentText, 'Comment') : TEXT.comment });
      }
    }
  }

  // Calculated values the survey keeps in its results are answers' columns too, computed again by the server at every save.
  for (const calculated of listOf(survey.calculatedValues) as QuestionJson[]) {
    if (calculated.includeIntoResult !== true) continue;
    const name = String(calculated.name);
    columns.push({
      name,
      itemName: name,
      instrumentId: instrument.id,
      versions: [instrument.version],
      title: { en: `Calculated value ${name}`, cy: `Gwerth wedi'i chyfrifo ${name}` },
      coding: { kind: 'computed' },
      choices: [],
      numeric: true,
      formula: String(calculated.expression ?? ''),
    });
  }
  return columns;
}

/** The question types itemColumnsOf lays out. */
export const EXPORTED_TYPES = ['radiogroup', 'dropdown', 'imagepicker', 'rating', 'slider', 'boolean', 'checkbox', 'tagbox', 'ranking', 'matrix', 'multipletext', 'expression', 'text', 'comment', ...NO_ANSWER];

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

/**
 * A question's choices, with the extra items SurveyJS adds when asked (other,
 * none, refuse, don't know). A question taking its choices from another
 * (choicesFromQuestion) has that question's, with its "other" (whose text the
 * respondent typed, and which this question then offers as "other").
 * A dropdown's choicesMin…choicesMax are numbered choices.
 */
function choicesOf(question: QuestionJson, byName: ReadonlyMap<string, QuestionJson>): Choice[] {
  const source = typeof question.choicesFromQuestion === 'string' ? byName.get(question.choicesFromQuestion) : undefined;
  const choices = listOf((source ?? question).choices).map(toChoice);
  if (source && flagOf(source, 'showOtherItem')) choices.push({ value: 'other', text: source.otherText ? localised(source.otherText, 'Other') : TEXT.other });
  if (typeof question.choicesMin === 'number' && typeof question.choicesMax === 'number') {
    const step = typeof question.choicesStep === 'number' && question.choicesStep > 0 ? question.choicesStep : 1;
    for (let value = question.choicesMin; value <= question.choicesMax; value += step) choices.push({ value, text: { en: String(value), cy: String(value) } });
  }
  const extra = (flag: string, value: string, text: unknown, fallback: LocalisedText) => {
    if (flagOf(question, flag)) choices.push({ value, text: text ? localised(text, fallback.en) : fallback });
  };
  extra('showNoneItem', 'none', question.noneText, { en: 'None', cy: 'Dim' });
  extra('showOtherItem', 'other', question.otherText, TEXT.other);
  extra('showRefuseItem', SPECIAL_CODES.refused.string, question.refuseText, { en: 'Refuse to answer', cy: 'Gwrthod ateb' });
  extra('showDontKnowItem', SPECIAL_CODES.dontKnow.string, question.dontKnowText, { en: "Don't know", cy: 'Ddim yn gwybod' });
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
  [SPECIAL_CODES.refused.string]: SPECIAL_CODES.refused.numeric,
  [SPECIAL_CODES.dontKnow.string]: SPECIAL_CODES.dontKnow.numeric,
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
export function mergeAcrossVersions(columns: readonly ItemColumn[]): ItemColumn[] {
  const merged = new Map<string, ItemColumn>();
  for (const column of columns) {
    const seen = merged.get(column.name);
    if (!seen) {
      merged.set(column.name, { ...column, versions: [...column.versions], choices: [...column.choices] });
      continue;
    }
    const where = `${column.instrumentId}@${column.versions.join(', ')}`;
    if (seen.instrumentId !== column.instrumentId) {
      throw new ExportNotPossible(
        `Question names are dataset columns: "${column.name}" is asked by both ${seen.instrumentId} and ${column.instrumentId}; give one of them another name (prefix it with its instrument)`,
      );
    }
    if (seen.itemName !== column.itemName || !compatibleCodings(seen.coding, column.coding)) {
      throw new ExportNotPossible(
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
export function compatibleCodings(a: ItemCoding, b: ItemCoding): boolean {
  const single = (c: ItemCoding) => c.kind === 'value' || c.kind === 'text';
  const textual = (c: ItemCoding) => c.kind === 'text' || c.kind === 'month';
  if (single(a) && single(b)) return true;
  if (textual(a) && textual(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function itemVariable(column: ItemColumn, context: PlanContext, wave?: { prefix: string; waveId: string; name: LocalisedText }): Variable {
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
        throw new ExportNotPossible(`${column.instrumentId}: question ${column.itemName} has a choice valued ${choice.value}, a code the export keeps for values that are not answers`);
      }
      valueLabels.push({ value: numeric ? choice.value : String(choice.value), label: choice.text });
    }
  }
  const hierarchy = quasi ? context.quasiHierarchies.get(column.itemName) : undefined;
  if (hierarchy && !numeric) for (const group of hierarchy.groups) if (!valueLabels.some((l) => l.value === group.value)) valueLabels.push(group);
  const suppressed = numeric ? SPECIAL_CODES.suppressed.numeric : SPECIAL_CODES.suppressed.string;
  valueLabels.push({ value: suppressed, label: TEXT.suppressed });
  missingValues.push(suppressed);

  const itemText = column.partText ? about(column.title, column.partText, ': ') : column.title;
  const { coding } = column;
  const derivation = [
    column.renamedBecause,
    free && "The respondent's own words; line breaks are written as spaces.",
    column.itemName.endsWith('-Comment') && `Typed beside the answer to ${column.itemName.slice(0, -'-Comment'.length)}.`,
    'box' in coding && coding.box !== undefined && `The answer in box "${coding.box}" of ${column.itemName}.`,
    coding.kind === 'rank' && `The place given to "${column.partText?.en}" when ranking ${column.itemName} (1 for first); empty when not ranked.`,
    coding.kind === 'computed' &&
      `Computed by the server from the answers when they were saved (the respondent's device is never trusted with it), from the expression ${column.formula}. Numbers as computed, yes/no as 1/0; anything else is left empty (a computed text could repeat free text).`,
    column.coding.kind === 'checkboxChoice' && `1 when "${column.partText?.en}" was among the answers to ${column.itemName}, 0 when the question was answered without it; empty when not answered.`,
    column.coding.kind === 'boolean' && '1 for yes, 0 for no.',
    column.coding.kind === 'matrixRow' && `The answer given in row "${column.partText?.en}" of ${column.itemName}.`,
    age && `An age in years, marked so by its instrument: exported only as its band (${AGE_BANDS_IN_WORDS}; whole years). The age itself is not exported.`,
    month && 'A date answer, exported as its month only (YYYY-MM; a week as the month of its Thursday). The day is not exported; anything that is not a date is left empty.',
    hierarchy &&
      `${context.markedItems.has(column.itemName) ? 'Marked as a quasi-identifier by its instrument' : 'Named as a quasi-identifier by the study'}; asked at several waves, it counts once where the answers agree. ${quasiIdentifierDerivation(hierarchy, k)}`,
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

// ---- encoding a stored answer -----------------------------------------------------------------

/**
 * What a stored SurveyJS answer becomes in an item variable's cell: special
 * choices become their codes in numeric variables, a checkbox's list becomes
 * 1/0 for the variable's choice, a ranking's list the choice's place, a
 * matrix's object the variable's row, a multiple-text object the variable's
 * box, a boolean 1/0; an absent answer, or one the variable has no code for, null.
 */
export function encodeItemValue(variable: Variable, raw: unknown): string | number | null {
  if (variable.value.from !== 'item') throw new Error(`${variable.name} is not an item variable`);
  if (raw === undefined || raw === null) return null;
  const coding = variable.value.coding ?? { kind: 'value' };
  const value = 'box' in coding && coding.box !== undefined ? (isPlainObject(raw) ? raw[coding.box] : undefined) : raw;
  if (value === undefined || value === null) return null;
  switch (coding.kind) {
    case 'value':
      return codeSingleValue(variable, value);
    case 'text':
      // SPSS (GET DATA) and PSPP end a row at a line break even inside quotes: a free-text answer stays on one line.
      return typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\r\n|\r|\n/g, ' ') : null;
    case 'matrixRow':
      return isPlainObject(raw) ? codeSingleValue(variable, raw[coding.row]) : null;
    case 'checkboxChoice':
      return Array.isArray(raw) ? (raw.includes(coding.choice) ? 1 : 0) : null;
    case 'boolean':
      return raw === coding.valueTrue ? 1 : raw === coding.valueFalse ? 0 : null;
    case 'ageBand':
      return codeAge(variable, raw);
    case 'month':
      return typeof value === 'string' ? monthOf(value) : null;
    case 'rank': {
      const place = Array.isArray(raw) ? raw.indexOf(coding.choice) : -1;
      return place >= 0 ? place + 1 : null;
    }
    case 'computed':
      return typeof raw === 'number' ? (Number.isFinite(raw) ? raw : null) : typeof raw === 'boolean' ? (raw ? 1 : 0) : null;
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
