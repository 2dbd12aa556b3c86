/**
 * Draft reviews (issue #22): what a reviewer may comment on, and how long a
 * review link works. Reviewers are an advisory group of care leavers; what
 * they write is a comment, never an answer.
 */
import type { InstrumentVersion } from './instrument.js';
import { questionsOf } from './instrument-questions.js';

/** Enough for an advisory group's meeting and a long tail; a flood stops here. */
export const MAX_COMMENTS_PER_DRAFT = 500;

export type ReviewableQuestion = { name: string; title: { en: string; cy: string } };

const NOT_ASKED = new Set(['html', 'expression', 'image']);

/** The questions a reviewer can pick, in the order the survey asks them, titled in both languages. */
export function reviewableQuestions(instrument: Pick<InstrumentVersion, 'survey'>): ReviewableQuestion[] {
  return questionsOf(instrument)
    .filter((question) => !NOT_ASKED.has(String(question.type)) && typeof question.name === 'string')
    .map((question) => {
      const name = String(question.name);
      const title = question.title;
      if (title && typeof title === 'object') {
        const { en, cy } = title as { en?: unknown; cy?: unknown };
        return { name, title: { en: typeof en === 'string' ? en : name, cy: typeof cy === 'string' ? cy : typeof en === 'string' ? en : name } };
      }
      return { name, title: { en: typeof title === 'string' ? title : name, cy: typeof title === 'string' ? title : name } };
    });
}

export function reviewLinkOpen(expiresAt: string, now: Date): boolean {
  return Date.parse(expiresAt) > now.getTime();
}
