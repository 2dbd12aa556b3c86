/** Contracts of the respondent path: opening a personal link and saving answers. */
import * as z from 'zod/mini';
import { Language, LocalisedText } from './common.js';

export const Answers = z.record(z.string(), z.unknown());
export type Answers = z.infer<typeof Answers>;

export const ResponseStatus = z.enum(['partial', 'complete']);
export type ResponseStatus = z.infer<typeof ResponseStatus>;

/**
 * How many times a response has been saved; 0 before its first save. Checked
 * where a request names one; the server only ever answers whole numbers, so
 * the page (which parses answers, not requests) reads them as plain numbers
 * and this check stays out of its first screen (pure: dropped where unused).
 */
export const Revision = /* @__PURE__ */ z.int().check(z.minimum(0));

export const StoredAnswers = z.object({
  answers: Answers,
  status: ResponseStatus,
  language: Language,
  savedAt: z.string(),
  /** The SurveyJS page the respondent was on at the last save, to resume there on any device. */
  pageName: z.optional(z.string()),
  /** Counts the saves of this response: a partial save names the revision it builds on (see SaveResponseRequest). */
  revision: z.number(),
});
export type StoredAnswers = z.infer<typeof StoredAnswers>;

export const SupportContact = z.object({
  name: LocalisedText,
  description: LocalisedText,
  phone: z.optional(z.string()),
  url: z.optional(z.string()),
  hours: z.optional(LocalisedText),
});
export type SupportContact = z.infer<typeof SupportContact>;

export const ConsentDecision = z.enum(['agreed', 'declined']);
export type ConsentDecision = z.infer<typeof ConsentDecision>;

/** SurveyJS JSON with bilingual strings ({ "en": …, "cy": … }). */
export const SurveyJson = z.record(z.string(), z.unknown());
export type SurveyJson = z.infer<typeof SurveyJson>;

/**
 * GET /api/s/{token}
 *
 * Carries no survey content: the first screen (consent, Start) needs none of
 * it, and a wave's surveys run to several KB compressed. The page fetches each
 * instrument's survey from its immutable address (InstrumentSurveyResult)
 * while the participant reads the consent.
 */
export const OpenLinkResult = z.object({
  study: z.object({
    /** The study's public title (its neutral name for participants' phones), else its title. */
    title: LocalisedText,
    /** Shown on the closing page and from every page: who to contact for support. */
    supportContacts: z.array(SupportContact),
  }),
  /** The consent this wave asks for, and what the participant decided (null: not asked yet). */
  consent: z.object({
    version: z.string(),
    /** Plain text; paragraphs separated by a blank line. */
    text: LocalisedText,
    decision: z.nullable(ConsentDecision),
    decidedAt: z.nullable(z.string()),
  }),
  /** Whether the participant has asked for their worker to check in with them in this wave. */
  checkInRequested: z.boolean(),
  /** name: the wave's name for participants, null when it has none (the team's own wave name is never shown). */
  wave: z.object({ name: z.nullable(LocalisedText), closesAt: z.string() }),
  /** The language the participant chose last time, so a later visit opens in it. */
  language: z.nullable(Language),
  instruments: z.array(
    z.object({
      id: z.string(),
      version: z.string(),
      contentHash: z.string(),
      title: LocalisedText,
      /** Empty when consent was declined: nothing is asked or stored then. */
      response: z.nullable(StoredAnswers),
    }),
  ),
});
export type OpenLinkResult = z.infer<typeof OpenLinkResult>;

/**
 * GET /api/surveys/{instrumentId}/{version}/{contentHash}: one published
 * instrument's survey. A published version never changes, so the answer is
 * cached for a year: a follow-up wave running the same instruments downloads
 * nothing. The content hash in the address is what unlocks it (it is only
 * known to those who were given a link to a wave running it, or who hold the
 * instrument file itself).
 */
export const InstrumentSurveyResult = z.object({
  id: z.string(),
  version: z.string(),
  contentHash: z.string(),
  survey: SurveyJson,
});
export type InstrumentSurveyResult = z.infer<typeof InstrumentSurveyResult>;

/** PUT /api/s/{token}/responses/{instrumentId} */
export const SaveResponseRequest = z.strictObject({
  answers: Answers,
  language: Language,
  /** false: a partial save (resume later); true: the final submission. */
  complete: z.boolean(),
  /** The page the respondent is on, for resuming on another device. */
  pageName: z.optional(z.string().check(z.maxLength(200))),
  /**
   * The revision of the stored response this device last heard of (0: none).
   * A partial save is refused with 409 save_conflict, carrying the stored
   * revision, when the response has been saved since: a slow save landing
   * after a newer one must not overwrite it. A final submission completes
   * whatever is stored, so for it this only numbers the stored revision.
   */
  baseRevision: Revision,
});
export type SaveResponseRequest = z.infer<typeof SaveResponseRequest>;

export const SaveResponseResult = z.object({
  status: ResponseStatus,
  savedAt: z.string(),
  revision: z.number(),
});
export type SaveResponseResult = z.infer<typeof SaveResponseResult>;

/** POST /api/s/{token}/consent */
export const ConsentRequest = z.strictObject({
  /** The consent version that was shown: refused if the study has moved on to another. */
  version: z.string().check(z.maxLength(100)),
  decision: ConsentDecision,
  language: Language,
});
export type ConsentRequest = z.infer<typeof ConsentRequest>;

export const ConsentResult = z.object({ decision: ConsentDecision, decidedAt: z.string() });
export type ConsentResult = z.infer<typeof ConsentResult>;

/** POST /api/s/{token}/check-in: "Yes, please get in touch with me". No answers are sent or revealed. */
export const CheckInRequest = z.strictObject({ language: Language });
export type CheckInRequest = z.infer<typeof CheckInRequest>;

export const CheckInResult = z.object({ requestedAt: z.string() });
export type CheckInResult = z.infer<typeof CheckInResult>;

/**
 * Error codes the respondent page turns into friendly pages:
 * link_not_valid 404, link_not_open_yet 403, link_closed 410, already_completed 409,
 * consent_required 409 (save before agreeing), consent_declined 403,
 * consent_already_recorded 409 (a different decision was recorded), consent_version_changed 409,
 * too_many_attempts 429 (too many bad links from this client).
 */
export const LinkErrorCode = z.enum([
  'link_not_valid',
  'link_not_open_yet',
  'link_closed',
  'already_completed',
  'consent_required',
  'consent_declined',
  'consent_already_recorded',
  'consent_version_changed',
  'too_many_attempts',
]);
export type LinkErrorCode = z.infer<typeof LinkErrorCode>;
