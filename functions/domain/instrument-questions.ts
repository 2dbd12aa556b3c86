/**
 * An instrument's questions, read from its SurveyJS JSON: the one place that
 * walks pages and panels by hand. The export reads questions here rather than
 * through survey-core's Model, which validation, publishing checks and diffs
 * use: the export worker would otherwise bundle all of survey-core (about
 * 1 MB) to list names it can read from the JSON. A unit test holds the two
 * readings to the same questions in the same order for every shipped
 * instrument (tests/unit/instrument-questions.test.ts).
 */
import type { InstrumentVersion } from './instrument.js';

/** A question element as the instrument's JSON has it. */
export type QuestionJson = Record<string, unknown> & { type?: unknown; name?: unknown };

/**
 * Older names survey-core still reads for properties whose meaning the export
 * and the support check depend on (`hasOther` is `showOtherItem`…). A unit
 * test holds this list to survey-core's own (tests/unit/question-support.test.ts).
 */
export const OLDER_NAMES: Readonly<Record<string, string>> = {
  showOtherItem: 'hasOther',
  showNoneItem: 'hasNone',
  showCommentArea: 'hasComment',
  showSelectAllItem: 'hasSelectAll',
  maxCommentLength: 'maxOthersLength',
  timeLimit: 'maxTimeToFinish',
  timeLimitPerPage: 'maxTimeToFinishPage',
  partialSendEnabled: 'sendResultOnPageNext',
  elements: 'questions',
};

/** A property of a survey object, under its current name or the older one survey-core still reads. */
export function propertyOf(json: Record<string, unknown>, name: string): unknown {
  const older = OLDER_NAMES[name];
  return json[name] !== undefined || !older ? json[name] : json[older];
}

/** The pages of a survey: its `pages`, or the one page survey-core makes of elements given at the top. */
export function pagesOf(survey: Record<string, unknown>): Record<string, unknown>[] {
  if (Array.isArray(survey.pages)) return survey.pages as Record<string, unknown>[];
  const elements = propertyOf(survey, 'elements');
  return Array.isArray(elements) ? [{ elements }] : [];
}

/** Every element that is not a panel, pages and panels walked in survey order (static panels only: dynamic panels are questions). */
export function questionsOf(instrument: Pick<InstrumentVersion, 'survey'>): QuestionJson[] {
  const questions: QuestionJson[] = [];
  const walk = (elements: unknown) => {
    if (!Array.isArray(elements)) return;
    for (const element of elements as QuestionJson[]) {
      if (element.type === 'panel') walk(propertyOf(element, 'elements'));
      else questions.push(element);
    }
  };
  for (const page of pagesOf(instrument.survey)) walk(propertyOf(page, 'elements'));
  return questions;
}

/** The name an answer is stored under: `valueName` where the question sets one. */
export const answerNameOf = (question: QuestionJson): string => String(question.valueName ?? question.name);

/** Whether a question turns on a flag, under its current name or the older one (`showOtherItem` or `hasOther`). */
export const flagOf = (question: QuestionJson, name: string): boolean => propertyOf(question, name) === true;
