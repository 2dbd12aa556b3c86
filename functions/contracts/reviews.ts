/**
 * Contracts of draft reviews (issue #22, co-production): an instrument author
 * shares a draft (validated, not yet published) through an expiring review
 * link; reviewers, without an account, see it as a respondent would and leave
 * comments on a question or on the whole. Nothing a reviewer does is an answer.
 */
import * as z from 'zod/mini';
import { Language, LocalisedText } from './common.js';
import { SurveyJson } from './respondent.js';

/** POST /api/drafts */
export const ShareDraftRequest = z.strictObject({
  /** The instrument file, as `instrument validate` checks it. */
  instrument: z.record(z.string(), z.unknown()),
  /** How long the review link works. */
  days: z.int().check(z.minimum(1, 'a review link works for at least 1 day'), z.maximum(90, 'a review link works for at most 90 days')),
});
export type ShareDraftRequest = z.infer<typeof ShareDraftRequest>;

export const ShareDraftResult = z.object({
  draftId: z.string(),
  id: z.string(),
  version: z.string(),
  /** `/review/<token>`: shown once; only the token's hash is stored. */
  reviewPath: z.string(),
  expiresAt: z.string(),
});
export type ShareDraftResult = z.infer<typeof ShareDraftResult>;

export const ReviewComment = z.object({
  commentId: z.string(),
  /** The question commented on; null for the questionnaire as a whole. */
  questionName: z.nullable(z.string()),
  text: z.string(),
  /** The name the reviewer typed, if any (never required). */
  name: z.nullable(z.string()),
  language: Language,
  at: z.string(),
});
export type ReviewComment = z.infer<typeof ReviewComment>;

export const DraftSummary = z.object({
  draftId: z.string(),
  id: z.string(),
  version: z.string(),
  contentHash: z.string(),
  title: LocalisedText,
  /** The account's email; null when the directory no longer has it. */
  sharedBy: z.nullable(z.string()),
  sharedAt: z.string(),
  expiresAt: z.string(),
  commentCount: z.number(),
  /** This id and version is now published (the comments stay with the draft it was reviewed as). */
  published: z.boolean(),
  /** Published with exactly the content reviewed. */
  publishedAsReviewed: z.boolean(),
});
export type DraftSummary = z.infer<typeof DraftSummary>;

/** GET /api/drafts: newest first. */
export const DraftList = z.object({ drafts: z.array(DraftSummary) });
export type DraftList = z.infer<typeof DraftList>;

/** GET /api/drafts/{draftId}: the draft's questions in order, and every comment, oldest first. */
export const DraftDetail = z.object({
  draft: DraftSummary,
  questions: z.array(z.object({ name: z.string(), title: LocalisedText })),
  comments: z.array(ReviewComment),
});
export type DraftDetail = z.infer<typeof DraftDetail>;

/** GET /api/review/{token} */
export const OpenReviewResult = z.object({
  instrument: z.object({ id: z.string(), version: z.string(), contentHash: z.string(), title: LocalisedText, respondentTitle: z.optional(LocalisedText), survey: SurveyJson }),
  questions: z.array(z.object({ name: z.string(), title: LocalisedText })),
  expiresAt: z.string(),
});
export type OpenReviewResult = z.infer<typeof OpenReviewResult>;

/** POST /api/review/{token}/comments */
export const AddReviewCommentRequest = z.strictObject({
  questionName: z.nullable(z.string().check(z.maxLength(200))),
  text: z.string().check(z.trim(), z.minLength(1, 'write a comment'), z.maxLength(2000, 'a comment is at most 2,000 characters')),
  name: z.optional(z.string().check(z.trim(), z.maxLength(80, 'a name is at most 80 characters'))),
  language: Language,
});
export type AddReviewCommentRequest = z.infer<typeof AddReviewCommentRequest>;

export const AddReviewCommentResult = z.object({ commentId: z.string(), at: z.string() });
export type AddReviewCommentResult = z.infer<typeof AddReviewCommentResult>;
