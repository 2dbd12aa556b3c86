/**
 * The instrument library (issue #22): what a researcher choosing or checking
 * an instrument needs to know about each published version, without its
 * questions. Stored beside each version when it is published.
 */
import type { InstrumentVersion } from './instrument.js';
import { questionsOf } from './instrument-questions.js';

/** Shown for the versions Pont ships and publishes at its first start. */
export const SHIPPED_BY = 'Pont';

/** Element types that ask nothing (text and computed values shown to the respondent). */
const NOT_ASKED = new Set(['html', 'expression', 'image']);

export type LibraryFacts = {
  instrumentId: string;
  version: string;
  contentHash: string;
  title: InstrumentVersion['title'];
  respondentTitle?: InstrumentVersion['title'];
  description: InstrumentVersion['description'];
  source: string;
  validated: boolean;
  licence: InstrumentVersion['licence'];
  translations: InstrumentVersion['translations'];
  translationNotes?: InstrumentVersion['translationNotes'];
  questionCount: number;
  scaleCount: number;
};

export function libraryFactsOf(instrument: InstrumentVersion): LibraryFacts {
  return {
    instrumentId: instrument.id,
    version: instrument.version,
    contentHash: instrument.contentHash,
    title: instrument.title,
    ...(instrument.respondentTitle ? { respondentTitle: instrument.respondentTitle } : {}),
    description: instrument.description,
    source: instrument.source,
    validated: instrument.validated,
    licence: instrument.licence,
    translations: instrument.translations,
    ...(instrument.translationNotes ? { translationNotes: instrument.translationNotes } : {}),
    questionCount: questionsOf(instrument).filter((question) => !NOT_ASKED.has(String(question.type))).length,
    scaleCount: instrument.scales?.length ?? 0,
  };
}

/** Semantic versions in order: 1.2.0 before 1.10.0 (a string sort would not). */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split('.').map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
