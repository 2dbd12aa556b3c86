/**
 * Server-side validation of answers against a published instrument.
 *
 * survey-core's own validate() does not flag unknown keys, wrongly typed values
 * or out-of-range ratings, and silently drops unlisted choices, so the answers'
 * shape is checked first; survey-core then runs the survey logic (required
 * answers respecting visibleIf, validators, expressions) for a final submission.
 */
import { Model, type Question } from 'survey-core';
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

export function validateAnswers(instrument: InstrumentVersion, answers: Answers, options: ValidationOptions): ErrorDetail[] {
  const model = modelFor(instrument);
  const shapeErrors = checkShape(model, answers);
  if (shapeErrors.length > 0 || !options.complete) return shapeErrors;
  return checkSurveyLogic(model, answers, options.language);
}

function checkShape(model: Model, answers: Answers): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  // Calculated values the survey stores in its results are part of the data too.
  const calculated = model.calculatedValues.filter((c) => c.includeIntoResult).map((c) => c.name);
  checkObject(model.getAllQuestions(false), answers, '', errors, calculated);
  return errors;
}

/** Checks an object of answers keyed by question value names: the survey's data, or one dynamic panel's. */
function checkObject(questions: Question[], values: Record<string, unknown>, prefix: string, errors: ErrorDetail[], extraNames: string[] = []): void {
  const byName = new Map(questions.map((q) => [q.getValueName(), q]));
  for (const [name, value] of Object.entries(values)) {
    const path = `${prefix}${name}`;
    const commentOf = name.endsWith('-Comment') ? byName.get(name.slice(0, -'-Comment'.length)) : undefined;
    if (commentOf) {
      if (typeof value !== 'string') errors.push({ path, message: 'must be text' });
      else if (value.length > DEFAULT_TEXT_LIMIT) errors.push({ path, message: `must be at most ${DEFAULT_TEXT_LIMIT} characters` });
      continue;
    }
    const question = byName.get(name);
    if (!question) {
      if (!extraNames.includes(name)) errors.push({ path, message: 'is not a question in this instrument' });
      continue;
    }
    checkValue(question, value, path, errors);
  }
}

function checkValue(question: Question, value: unknown, path: string, errors: ErrorDetail[]): void {
  if (question.getType() === 'paneldynamic') {
    const panel = question as unknown as { template: { questions: Question[] } };
    if (!Array.isArray(value) || !value.every(isPlainObject)) {
      errors.push({ path, message: 'must be a list of panels' });
      return;
    }
    value.forEach((entry, index) => checkObject(panel.template.questions, entry as Record<string, unknown>, `${path}[${index}].`, errors));
    return;
  }
  const problem = valueProblem(question, value);
  if (problem) errors.push({ path, message: problem });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type ChoiceLike = { value: unknown };

function choiceValues(question: Question): unknown[] {
  const values = ((question as unknown as { choices?: ChoiceLike[] }).choices ?? []).map((c) => c.value);
  const q = question as unknown as { showOtherItem?: boolean; showNoneItem?: boolean; showRefuseItem?: boolean; showDontKnowItem?: boolean };
  if (q.showOtherItem) values.push('other');
  if (q.showNoneItem) values.push('none');
  if (q.showRefuseItem) values.push('refused');
  if (q.showDontKnowItem) values.push('dontknow');
  return values;
}

/** Returns why a value cannot be an answer to this question, or null. Types not listed are left to survey-core. */
function valueProblem(question: Question, value: unknown): string | null {
  switch (question.getType()) {
    case 'radiogroup':
    case 'dropdown': {
      return choiceValues(question).includes(value) ? null : 'is not one of the choices';
    }
    case 'checkbox':
    case 'tagbox': {
      if (!Array.isArray(value)) return 'must be a list of choices';
      const allowed = choiceValues(question);
      return value.every((v) => allowed.includes(v)) ? null : 'includes a value that is not one of the choices';
    }
    case 'rating': {
      const rating = question as unknown as { rateValues: ChoiceLike[]; rateMin: number; rateMax: number; rateStep: number };
      if (rating.rateValues.length > 0) {
        return rating.rateValues.some((c) => c.value === value) ? null : 'is not one of the ratings';
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (value < rating.rateMin || value > rating.rateMax) return `must be between ${rating.rateMin} and ${rating.rateMax}`;
      return Number.isInteger((value - rating.rateMin) / rating.rateStep) ? null : `must be in steps of ${rating.rateStep}`;
    }
    case 'boolean': {
      const q = question as unknown as { valueTrue?: unknown; valueFalse?: unknown };
      const allowed: unknown[] = [q.valueTrue ?? true, q.valueFalse ?? false];
      return allowed.includes(value) ? null : 'must be yes or no';
    }
    case 'comment':
      return typeof value === 'string' ? lengthProblem(question, value) : 'must be text';
    case 'text': {
      const text = question as unknown as { inputType: string; min?: unknown; max?: unknown };
      if (text.inputType === 'number' || text.inputType === 'range') {
        return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
      }
      return typeof value === 'string' ? lengthProblem(question, value) : 'must be text';
    }
    case 'ranking': {
      if (!Array.isArray(value)) return 'must be a list of choices in order';
      const allowed = choiceValues(question);
      if (!value.every((v) => allowed.includes(v))) return 'includes a value that is not one of the choices';
      return new Set(value).size === value.length ? null : 'lists a choice twice';
    }
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
    case 'matrixdropdown':
    case 'matrixdynamic': {
      const matrix = question as unknown as { rows?: ChoiceLike[]; columns: { name: string }[] };
      const columns = matrix.columns.map((c) => c.name);
      const rowsOk = (cells: unknown) => isPlainObject(cells) && Object.keys(cells).every((c) => columns.includes(c));
      if (question.getType() === 'matrixdynamic') {
        return Array.isArray(value) && value.every(rowsOk) ? null : 'must be a list of rows whose cells are its columns';
      }
      if (!isPlainObject(value)) return 'must give answers per row';
      const rows = (matrix.rows ?? []).map((r) => String(r.value));
      for (const [row, cells] of Object.entries(value)) {
        if (!rows.includes(row)) return `has answers for "${row}", which is not one of its rows`;
        if (!rowsOk(cells)) return `has answers for "${row}" in columns it does not have`;
      }
      return null;
    }
    case 'multipletext': {
      if (!isPlainObject(value)) return 'must give an answer per box';
      const names = (question as unknown as { items: { name: string }[] }).items.map((i) => i.name);
      for (const [name, text] of Object.entries(value)) {
        if (!names.includes(name)) return `has an answer for "${name}", which is not one of its boxes`;
        if (typeof text !== 'string' && typeof text !== 'number') return `has an answer for "${name}" that is not text`;
        if (typeof text === 'string' && text.length > DEFAULT_TEXT_LIMIT) return `has an answer for "${name}" longer than ${DEFAULT_TEXT_LIMIT} characters`;
      }
      return null;
    }
    case 'html':
    case 'image':
      return 'does not take an answer';
    case 'expression':
      return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? null : 'must be a computed number or text';
    default:
      return null;
  }
}

const DEFAULT_TEXT_LIMIT = 10_000;

function lengthProblem(question: Question, value: string): string | null {
  const declared = (question as unknown as { maxLength?: number }).maxLength;
  const limit = declared && declared > 0 ? declared : DEFAULT_TEXT_LIMIT;
  return value.length > limit ? `must be at most ${limit} characters` : null;
}

function checkSurveyLogic(model: Model, answers: Answers, language: Language): ErrorDetail[] {
  model.locale = language;
  model.data = answers;
  // validate(false, …) returns the verdict without filling question.errors: ask for the errors.
  const valid = model.validate(true, false);
  const errors = model
    .getAllQuestions(true)
    .flatMap((question) => question.errors.map((error) => ({ path: question.getValueName(), message: error.getText() })));
  if (!valid && errors.length === 0) return [{ path: '(survey)', message: 'The answers are not complete' }];
  return errors;
}
