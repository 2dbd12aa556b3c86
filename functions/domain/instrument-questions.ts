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

/** Every element that is not a panel, pages and panels walked in survey order (static panels only: dynamic panels are questions). */
export function questionsOf(instrument: Pick<InstrumentVersion, 'survey'>): QuestionJson[] {
  const questions: QuestionJson[] = [];
  const walk = (elements: unknown) => {
    if (!Array.isArray(elements)) return;
    for (const element of elements as QuestionJson[]) {
      if (element.type === 'panel') walk(element.elements);
      else questions.push(element);
    }
  };
  for (const page of (instrument.survey.pages as { elements?: unknown }[] | undefined) ?? []) walk(page.elements);
  return questions;
}

/** The name an answer is stored under: `valueName` where the question sets one. */
export const answerNameOf = (question: QuestionJson): string => String(question.valueName ?? question.name);
