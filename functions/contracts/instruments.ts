/** Contracts of the instrument routes. The body of a publish is an instrument file (functions/domain/instrument.ts). */
import * as z from 'zod/mini';
import { LocalisedText } from './common.js';

export const InstrumentFileBody = z.record(z.string(), z.unknown());

/** PUT /api/instruments/{instrumentId}/versions/{version} */
export const PublishInstrumentResult = z.object({
  /** published: stored now; unchanged: the same content was already published. */
  status: z.enum(['published', 'unchanged']),
  id: z.string(),
  version: z.string(),
  contentHash: z.string(),
});
export type PublishInstrumentResult = z.infer<typeof PublishInstrumentResult>;

const TranslationStatus = z.enum(['official', 'reviewed', 'draft']);

/** One published version as the instrument library lists it (not its questions: GET /api/surveys/… has those). */
export const InstrumentSummary = z.object({
  id: z.string(),
  version: z.string(),
  contentHash: z.string(),
  title: LocalisedText,
  /** The heading respondents see for it, when it has one of its own. */
  respondentTitle: z.optional(LocalisedText),
  description: LocalisedText,
  source: z.string(),
  validated: z.boolean(),
  licence: z.object({
    name: z.string(),
    url: z.optional(z.string()),
    notice: z.optional(z.string()),
    requiresRegistration: z.optional(z.boolean()),
  }),
  translations: z.object({ en: TranslationStatus, cy: TranslationStatus }),
  /** Where each language's text comes from, as the instrument file says. */
  translationNotes: z.optional(z.object({ en: z.optional(z.string()), cy: z.optional(z.string()) })),
  /** How many questions and scales the version has. */
  questionCount: z.number(),
  scaleCount: z.number(),
  publishedAt: z.string(),
  /**
   * Who published it: an account's email; "Pont" for the instruments Pont ships; null when
   * not recorded (published before the library existed) or the account is gone.
   */
  publishedBy: z.nullable(z.string()),
});
export type InstrumentSummary = z.infer<typeof InstrumentSummary>;

/** GET /api/instruments: every published version, by instrument id and then version (oldest first). */
export const ListInstrumentsResult = z.object({ instruments: z.array(InstrumentSummary) });
export type ListInstrumentsResult = z.infer<typeof ListInstrumentsResult>;

/** GET /api/instruments/{instrumentId}/diff?from=&to= : what `npm run pont -- instrument diff` reports. */
export const InstrumentDiffResult = z.object({
  from: z.string(),
  to: z.string(),
  items: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['added', 'removed', 'reworded', 'rescored']),
      what: z.optional(z.array(z.string())),
    }),
  ),
  scales: z.array(
    z.object({
      scaleId: z.string(),
      verdict: z.enum(['comparable', 'comparable-but-reworded', 'not-comparable', 'added', 'removed']),
      reasons: z.array(z.string()),
    }),
  ),
  privacy: z.array(z.string()),
  /** Questions that became skippable or required: scores stay comparable, missing answers may change. */
  answerRules: z.array(z.string()),
});
export type InstrumentDiffResult = z.infer<typeof InstrumentDiffResult>;
