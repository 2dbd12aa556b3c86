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
  const questions = new Map(model.getAllQuestions(false).map((q) => [q.getValueName(), q]));
  const errors: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(answers)) {
    const commentOf = name.endsWith('-Comment') ? questions.get(name.slice(0, -'-Comment'.length)) : undefined;
    if (commentOf) {
      if (typeof value !== 'string') errors.push({ path: name, message: 'must be text' });
      continue;
    }
    const question = questions.get(name);
    if (!question) {
      errors.push({ path: name, message: 'is not a question in this instrument' });
      continue;
    }
    const problem = valueProblem(question, value);
    if (problem) errors.push({ path: name, message: problem });
  }
  return errors;
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
