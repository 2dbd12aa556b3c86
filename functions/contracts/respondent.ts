/** Contracts of the respondent path: opening a personal link and saving answers. */
import { z } from 'zod/mini';
import { Language, LocalisedText } from './common.js';

export const Answers = z.record(z.string(), z.unknown());
export type Answers = z.infer<typeof Answers>;

export const ResponseStatus = z.enum(['partial', 'complete']);
export type ResponseStatus = z.infer<typeof ResponseStatus>;

export const StoredAnswers = z.object({
  answers: Answers,
  status: ResponseStatus,
  language: Language,
  savedAt: z.string(),
});
export type StoredAnswers = z.infer<typeof StoredAnswers>;

/** GET /api/s/{token} */
export const OpenLinkResult = z.object({
  study: z.object({ title: LocalisedText }),
  wave: z.object({ name: LocalisedText, closesAt: z.string() }),
  /** The language the participant chose last time, so a later visit opens in it. */
  language: z.nullable(Language),
  instruments: z.array(
    z.object({
      id: z.string(),
      version: z.string(),
      contentHash: z.string(),
      title: LocalisedText,
      /** SurveyJS JSON with bilingual strings ({ "en": …, "cy": … }). */
      survey: z.record(z.string(), z.unknown()),
      response: z.nullable(StoredAnswers),
    }),
  ),
});
export type OpenLinkResult = z.infer<typeof OpenLinkResult>;

/** PUT /api/s/{token}/responses/{instrumentId} */
export const SaveResponseRequest = z.strictObject({
  answers: Answers,
  language: Language,
  /** false: a partial save (resume later); true: the final submission. */
  complete: z.boolean(),
});
export type SaveResponseRequest = z.infer<typeof SaveResponseRequest>;

export const SaveResponseResult = z.object({
  status: ResponseStatus,
  savedAt: z.string(),
});
export type SaveResponseResult = z.infer<typeof SaveResponseResult>;

/** Error codes the respondent page turns into friendly pages. */
export const LinkErrorCode = z.enum(['link_not_valid', 'link_not_open_yet', 'link_closed', 'already_completed']);
export type LinkErrorCode = z.infer<typeof LinkErrorCode>;
