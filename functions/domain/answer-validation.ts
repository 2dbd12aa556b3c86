/**
 * Server-side checking of answers against a published instrument, and the
 * answers the server keeps.
 *
 * survey-core's own validate() does not flag unknown keys, wrongly typed
 * values, values outside a question's choices or range, or answers to hidden
 * questions, and it silently drops or reorders some, so the raw answers are
 * checked first, question type by question type (the types
 * question-support.ts supports; instrument validate refuses the others).
 *
 * Every save (a partial save too) must be a well-formed draft: known
 * questions, values of the right type among the choices, text within its
 * limit. A partial save accepts what the respondent page can send while
 * someone is half-way through a page (a number above its maximum, a date typed
 * into a browser without a date picker), because refusing a draft loses it.
 * A final submission must be complete and true: survey-core then runs the
 * survey logic on the server (what is shown, required answers, validators),
 * and answers to questions that are not shown or cannot be changed, choices
 * that are not offered, dates that are not dates and numbers out of range are
 * refused.
 *
 * Computed values (expression questions, calculated values kept in the
 * results) are never taken from the respondent's device: the server computes
 * them again from the answers at every save and keeps its own.
 */
import { Helpers, Model, type Question } from 'survey-core';
import 'survey-core/i18n/welsh';
import type { ErrorDetail, Language } from '../contracts/common.js';
import type { Answers } from '../contracts/respondent.js';
import type { InstrumentVersion } from './instrument.js';

/** One Model per instrument version: constructing one costs ~3.5x a reuse. */
const modelCache = new Map<string, Model>();

function modelFor(instrument: InstrumentVersion): Model {
  let model = modelCache.get(instrument.contentHash);
  if (!model) {
    model = new Model(instrument.survey);
    modelCache.set(instrument.contentHash, model);
  }
  return model;
}

export type ValidationOptions = { complete: boolean; language: Language };

/** What a save may keep: the answers as given, without empty ones, with the server's own computed values. */
export type CheckedAnswers = { problems: ErrorDetail[]; answers: Answers };

export function validateAnswers(instrument: InstrumentVersion, answers: Answers, options: ValidationOptions): ErrorDetail[] {
  return checkAnswers(instrument, answers, options).problems;
}

export function checkAnswers(instrument: InstrumentVersion, answers: Answers, options: ValidationOptions): CheckedAnswers {
  const model = modelFor(instrument);
  const computed = computedNames(model);
  // The device's computed values are dropped unread; an empty answer (a list unticked to nothing) is no answer.
  const given: Answers = Object.fromEntries(Object.entries(answers).filter(([name, value]) => !computed.has(name) && !isEmptyAnswer(value)));
  const problems = checkShape(model, given);
  if (problems.length > 0) return { problems, answers: given };
  if (!options.complete) {
    if (computed.size === 0) return { problems, answers: given };
    fill(model, given, options.language);
    return { problems, answers: { ...given, ...computedValues(model, computed, false) } };
  }
  fill(model, given, options.language);
  const logic = checkSubmission(model, given);
  if (logic.length > 0) return { problems: logic, answers: given };
  return { problems, answers: { ...given, ...computedValues(model, computed, true) } };
}

/**
 * Why a question would not accept a value as a final answer, or null:
 * instrument validate asks this of every defaultValue.
 */
export function answerProblem(question: Question, value: unknown): string | null {
  return valueProblem(question, value, true);
}

function fill(model: Model, answers: Answers, language: Language): void {
  model.locale = language;
  // survey-core may rewrite values it is given (it completes a partial ranking): it gets a copy, and the checks read the originals.
  model.data = structuredClone(answers);
}

/** Expression questions and the calculated values the survey keeps in its results, by the name they are stored under. */
function computedNames(model: Model): Set<string> {
  const names = new Set(model.calculatedValues.filter((c) => c.includeIntoResult).map((c) => c.name));
  for (const question of model.getAllQuestions(false)) if (question.getType() === 'expression') names.add(question.getValueName());
  return names;
}

/** The model's computed values; on submission, an expression question's only while it is shown, as SurveyJS keeps them. */
function computedValues(model: Model, names: ReadonlySet<string>, submission: boolean): Answers {
  const data = model.data as Answers;
  const values: Answers = {};
  for (const name of names) {
    if (data[name] === undefined) continue;
    const question = model.getQuestionByValueName(name);
    if (submission && question && !isShown(question)) continue;
    values[name] = data[name];
  }
  return values;
}

function isEmptyAnswer(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function isShown(question: Question): boolean {
  return question.isVisible && question.isParentVisible;
}

// ---- every save: a well-formed draft -------------------------------------------------------------

function checkShape(model: Model, answers: Answers): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const byName = new Map(model.getAllQuestions(false).map((q) => [q.getValueName(), q]));
  for (const [name, value] of Object.entries(answers)) {
    const commentOf = name.endsWith(COMMENT) ? byName.get(name.slice(0, -COMMENT.length)) : undefined;
    if (commentOf && (takesOther(commentOf) || commentOf.showCommentArea)) {
      const problem = typeof value === 'string' ? lengthProblem(value, commentLimit(model)) : 'must be text';
      if (problem) errors.push({ path: name, message: problem });
      continue;
    }
    const question = byName.get(name);
    if (!question) {
      errors.push({ path: name, message: 'is not a question in this instrument' });
      continue;
    }
    const problem = valueProblem(question, value, false);
    if (problem) errors.push({ path: name, message: problem });
  }
  return errors;
}

const COMMENT = '-Comment';
const DEFAULT_TEXT_LIMIT = 10_000;

function takesOther(question: Question): boolean {
  return (question as unknown as { showOtherItem?: boolean }).showOtherItem === true;
}

function commentLimit(model: Model): number {
  return model.maxCommentLength > 0 ? model.maxCommentLength : DEFAULT_TEXT_LIMIT;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type ChoiceLike = { value: unknown; text?: string; isExclusive?: boolean };
type SelectQuestion = Question & {
  choices: ChoiceLike[];
  visibleChoices: ChoiceLike[];
  choicesFromQuestion?: string;
  choicesMin?: number;
  choicesMax?: number;
  choicesStep?: number;
  showOtherItem?: boolean;
  showNoneItem?: boolean;
  showRefuseItem?: boolean;
  showDontKnowItem?: boolean;
  otherItem: ChoiceLike;
  noneItem: ChoiceLike;
  refuseItem: ChoiceLike;
  dontKnowItem: ChoiceLike;
  minSelectedChoices?: number;
  maxSelectedChoices?: number;
  choicesVisibleIf?: string;
};

/**
 * Every value a choice question can take whatever the other answers: its
 * choices, or those of the question it takes them from (with that one's
 * "other"), numbered dropdown choices, and its other/none/refuse/don't-know items.
 */
function possibleChoices(question: Question): ChoiceLike[] {
  const q = question as SelectQuestion;
  const source = q.choicesFromQuestion ? (question.survey?.getQuestionByName(q.choicesFromQuestion) as SelectQuestion | null) : null;
  const choices: ChoiceLike[] = [...(source ?? q).choices];
  if (source?.showOtherItem) choices.push(source.otherItem);
  if (typeof q.choicesMin === 'number' && typeof q.choicesMax === 'number' && q.choicesMax >= q.choicesMin) {
    const step = q.choicesStep && q.choicesStep > 0 ? q.choicesStep : 1;
    for (let value = q.choicesMin; value <= q.choicesMax; value += step) choices.push({ value });
  }
  if (q.showOtherItem) choices.push(q.otherItem);
  if (q.showNoneItem) choices.push({ value: q.noneItem.value, isExclusive: true });
  if (q.showRefuseItem) choices.push({ value: q.refuseItem.value, isExclusive: true });
  if (q.showDontKnowItem) choices.push({ value: q.dontKnowItem.value, isExclusive: true });
  return choices;
}

/** Whether the choices a question offers change with the answers (so a ranking's full list is only known on submission). */
function hasConditionalChoices(question: Question): boolean {
  const q = question as SelectQuestion;
  return !!q.choicesVisibleIf || !!q.choicesFromQuestion || q.choices.some((c) => !!(c as { visibleIf?: string }).visibleIf);
}

/**
 * Why a value cannot be an answer to this question, or null. `final`: as a
 * submitted answer (dates real, numbers in range, enough choices), not only
 * as a draft.
 */
function valueProblem(question: Question, value: unknown, final: boolean): string | null {
  switch (question.getType()) {
    case 'radiogroup':
    case 'dropdown':
      return possibleChoices(question).some((c) => c.value === value) ? null : 'is not one of the choices';
    case 'imagepicker':
      return (question as unknown as { multiSelect?: boolean }).multiSelect
        ? listProblem(question, value, final)
        : possibleChoices(question).some((c) => c.value === value) ? null : 'is not one of the pictures';
    case 'checkbox':
    case 'tagbox':
      return listProblem(question, value, final);
    case 'ranking': {
      if (!Array.isArray(value)) return 'must be a list of the choices in order';
      const allowed = possibleChoices(question).map((c) => c.value);
      if (!value.every((v) => allowed.includes(v))) return 'includes a value that is not one of the choices';
      if (new Set(value).size !== value.length) return 'lists a choice twice';
      // The respondent page always sends every choice in order; with choices that depend on other answers, the submission checks the list.
      if (!hasConditionalChoices(question) && value.length !== allowed.length) return 'must put every choice in order';
      return null;
    }
    case 'rating': {
      const rating = question as unknown as { rateValues: ChoiceLike[]; visibleRateValues: ChoiceLike[] };
      const values = (rating.rateValues.length > 0 ? rating.rateValues : rating.visibleRateValues).map((c) => c.value);
      return values.includes(value) ? null : 'is not one of the ratings';
    }
    case 'slider': {
      const slider = question as unknown as { min: number; max: number; step: number };
      return numberProblem(value, slider.min, slider.max, slider.step);
    }
    case 'boolean': {
      const q = question as unknown as { valueTrue?: unknown; valueFalse?: unknown };
      const allowed: unknown[] = [q.valueTrue ?? true, q.valueFalse ?? false];
      return allowed.includes(value) ? null : 'must be yes or no';
    }
    case 'comment':
      return typeof value === 'string' ? lengthProblem(value, textLimit(question)) : 'must be text';
    case 'text':
      return inputProblem(question, value, final);
    case 'matrix': {
      if (!isPlainObject(value)) return 'must give an answer per row';
      const matrix = question as unknown as { rows: ChoiceLike[]; columns: ChoiceLike[] };
      const rows = matrix.rows.map((r) => String(r.value));
      const columns = matrix.columns.map((c) => c.value);
      for (const [row, cell] of Object.entries(value)) {
        if (!rows.includes(row)) return `has an answer for "${row}", which is not one of its rows`;
        if (!columns.includes(cell)) return `has an answer for "${row}" that is not one of its columns`;
      }
      return null;
    }
    case 'multipletext': {
      if (!isPlainObject(value)) return 'must give an answer per box';
      const boxes = (question as unknown as { items: Question[] }).items;
      for (const [name, answer] of Object.entries(value)) {
        const box = boxes.find((item) => item.name === name);
        if (!box) return `has an answer for "${name}", which is not one of its boxes`;
        if (isEmptyAnswer(answer)) continue;
        const problem = inputProblem(box, answer, final);
        if (problem) return `has an answer for "${name}" that ${problem}`;
      }
      return null;
    }
    case 'html':
    case 'image':
      return 'does not take an answer';
    case 'expression':
      return 'is computed by the server';
    default:
      // Types instrument validate refuses (question-support.ts): a version published before it did takes no answers to them.
      return `is a ${question.getType()} question, which Pont does not take answers to`;
  }
}

function listProblem(question: Question, value: unknown, final: boolean): string | null {
  if (!Array.isArray(value)) return 'must be a list of choices';
  const choices = possibleChoices(question);
  const chosen = value.map((v) => choices.find((c) => c.value === v));
  if (chosen.some((c) => !c)) return 'includes a value that is not one of the choices';
  if (new Set(value).size !== value.length) return 'lists a choice twice';
  if (value.length > 1 && chosen.some((c) => c!.isExclusive)) return 'has a choice that can only be chosen on its own, with others';
  const q = question as SelectQuestion;
  if (q.maxSelectedChoices && q.maxSelectedChoices > 0 && value.length > q.maxSelectedChoices) return `must have at most ${q.maxSelectedChoices} choices`;
  // survey-core lets a respondent tick one of two needed and move on only at the page's end: a draft may have fewer.
  if (final && q.minSelectedChoices && q.minSelectedChoices > 0 && value.length < q.minSelectedChoices) return `must have at least ${q.minSelectedChoices} choices`;
  return null;
}

/** Text inputs (and multiple-text boxes) by their inputType. */
function inputProblem(question: Question, value: unknown, final: boolean): string | null {
  const input = question as unknown as { inputType?: string; min?: unknown; max?: unknown; step?: unknown };
  const inputType = input.inputType ?? 'text';
  if (inputType === 'number' || inputType === 'range') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
    return final ? numberProblem(value, toNumber(input.min), toNumber(input.max), toNumber(input.step)) : null;
  }
  if (typeof value !== 'string') return 'must be text';
  const tooLong = lengthProblem(value, textLimit(question));
  if (tooLong || !final) return tooLong;
  const format = FORMATS[inputType];
  if (!format) return null;
  if (!format.valid(value)) return `must be ${format.example}`;
  if (typeof input.min === 'string' && format.comparable && value < input.min) return `must not be before ${input.min}`;
  if (typeof input.max === 'string' && format.comparable && value > input.max) return `must not be after ${input.max}`;
  return null;
}

function toNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
}

function numberProblem(value: unknown, min: number | undefined, max: number | undefined, step: number | undefined): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
  if (min !== undefined && value < min) return `must be at least ${min}`;
  if (max !== undefined && value > max) return `must be at most ${max}`;
  if (step !== undefined && step > 0) {
    const steps = (value - (min ?? 0)) / step;
    // Steps of 0.1 are not exact in binary: a value within a millionth of a step is on it.
    if (Math.abs(steps - Math.round(steps)) > 1e-6) return `must be in steps of ${step}`;
  }
  return null;
}

function textLimit(question: Question): number {
  const limit = (question as unknown as { getMaxLength?: () => number }).getMaxLength?.() ?? -1;
  return limit > 0 ? limit : DEFAULT_TEXT_LIMIT;
}

function lengthProblem(value: string, limit: number): string | null {
  return value.length > limit ? `must be at most ${limit} characters` : null;
}

// ---- dates and times, as the browser's inputs store them ----------------------------------------

type Format = { valid(value: string): boolean; example: string; comparable: boolean };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?$/;

function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** ISO weeks run 1–52, or 53 in years whose 1 January or 31 December is a Thursday. */
function weeksIn(year: number): number {
  const thursday = (date: Date) => date.getUTCDay() === 4;
  return thursday(new Date(Date.UTC(year, 0, 1))) || thursday(new Date(Date.UTC(year, 11, 31))) ? 53 : 52;
}

const FORMATS: Record<string, Format> = {
  date: { valid: isRealDate, example: 'a date such as 2026-03-31', comparable: true },
  'datetime-local': {
    valid: (value) => {
      const [date, time] = value.split('T');
      return value.split('T').length === 2 && isRealDate(date!) && TIME.test(time!);
    },
    example: 'a date and time such as 2026-03-31T14:05',
    comparable: true,
  },
  month: { valid: (value) => /^\d{4}-(0[1-9]|1[0-2])$/.test(value), example: 'a month such as 2026-03', comparable: true },
  week: {
    valid: (value) => {
      const match = /^(\d{4})-W(\d{2})$/.exec(value);
      return !!match && Number(match[2]) >= 1 && Number(match[2]) <= weeksIn(Number(match[1]));
    },
    example: 'a week such as 2026-W14',
    comparable: true,
  },
  time: { valid: (value) => TIME.test(value), example: 'a time such as 14:05', comparable: true },
  color: { valid: (value) => /^#[0-9a-fA-F]{6}$/.test(value), example: 'a colour such as #1a2b3c', comparable: false },
};

// ---- a submission: the survey logic on the server ------------------------------------------------

function checkSubmission(model: Model, answers: Answers): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(answers)) {
    const problem = name.endsWith(COMMENT) ? commentProblem(model, name.slice(0, -COMMENT.length), answers) : submittedProblem(model.getQuestionByValueName(name)!, value);
    if (problem) errors.push({ path: name, message: problem });
  }
  // validate(false, …) returns the verdict without filling question.errors: ask for the errors.
  const valid = model.validate(true, false);
  for (const question of model.getAllQuestions(true)) {
    const path = question.getValueName();
    if (errors.some((e) => e.path === path)) continue;
    // Warnings and notes let the respondent carry on in the browser: they do here too.
    for (const error of question.errors) if (error.notificationType !== 'warning' && error.notificationType !== 'info') errors.push({ path, message: error.getText() });
  }
  if (errors.length === 0 && !valid) return [{ path: '(survey)', message: 'The answers are not complete' }];
  return errors;
}

function commentProblem(model: Model, owner: string, answers: Answers): string | null {
  const question = model.getQuestionByValueName(owner)!;
  if (!isShown(question)) return 'answers a question that is not shown';
  if (takesOther(question) && !question.showCommentArea) {
    const value = answers[owner];
    const other = (question as SelectQuestion).otherItem.value;
    const chosen = Array.isArray(value) ? value.includes(other) : value === other;
    if (!chosen) return `gives words for "${(question as SelectQuestion).otherItem.text ?? 'Other'}" without choosing it`;
  }
  return null;
}

/** An answer as submitted: to a question shown and open, among what the question offers now, and true as a final answer. */
function submittedProblem(question: Question, value: unknown): string | null {
  if (!isShown(question)) return 'answers a question that is not shown';
  if (question.isReadOnly && !Helpers.isTwoValueEquals(value, question.defaultValue)) return 'answers a question that cannot be changed';
  const problem = valueProblem(question, value, true);
  if (problem) return problem;
  const offered = (question as SelectQuestion).visibleChoices?.map((c) => c.value);
  switch (question.getType()) {
    case 'radiogroup':
    case 'dropdown':
    case 'imagepicker':
    case 'checkbox':
    case 'tagbox': {
      const values = Array.isArray(value) ? value : [value];
      return values.every((v) => offered!.includes(v)) ? null : 'includes a choice that is not offered';
    }
    case 'ranking': {
      const values = value as unknown[];
      return values.length === offered!.length && values.every((v) => offered!.includes(v)) ? null : 'must put every choice shown in order';
    }
    case 'rating': {
      const shown = (question as unknown as { visibleRateValues: ChoiceLike[] }).visibleRateValues.map((c) => c.value);
      return shown.includes(value) ? null : 'is not one of the ratings shown';
    }
    case 'matrix': {
      const matrix = question as unknown as { visibleRows: { name: unknown }[]; visibleColumns: ChoiceLike[] };
      const rows = matrix.visibleRows.map((r) => String(r.name));
      const columns = matrix.visibleColumns.map((c) => c.value);
      for (const [row, cell] of Object.entries(value as Record<string, unknown>)) {
        if (!rows.includes(row)) return `has an answer for "${row}", a row that is not shown`;
        if (!columns.includes(cell)) return `has an answer for "${row}" in a column that is not shown`;
      }
      return null;
    }
    default:
      return null;
  }
}
