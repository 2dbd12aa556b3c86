/** Contracts of participant management. */
import * as z from 'zod/mini';
import { EmailAddress } from './researcher.js';

/** POST /api/studies/{studyId}/participants/import (body: text/csv) */
export const ImportParticipantsResult = z.object({ imported: z.number() });
export type ImportParticipantsResult = z.infer<typeof ImportParticipantsResult>;

/** POST /api/studies/{studyId}/waves/{waveId}/links */
export const IssueLinksRequest = z.strictObject({
  /** Whom to issue links to; omitted: every participant of the study who has no link for this wave yet. */
  participantCodes: z.optional(z.array(z.string().check(z.maxLength(40))).check(z.minLength(1), z.maxLength(5000))),
  /** Replace existing links (the old ones stop working; partial answers are kept). */
  reissue: z.boolean(),
  /**
   * sheet (default): the links come back in the response, for a link sheet that personal advisers hand out.
   * email: each participant with an email address held is sent their link, and the links are not returned.
   */
  delivery: z.optional(z.enum(['sheet', 'email'])),
  /**
   * Email: send to addresses changed in the last 24 hours too. Without it such
   * a request is refused (409 contact_recently_changed), so a changed address
   * is confirmed by a person before a live link goes to it; the audit entry marks it.
   */
  confirmRecentContactChanges: z.optional(z.boolean()),
});
export type IssueLinksRequest = z.infer<typeof IssueLinksRequest>;

/** The tokens appear only in this response: they are stored hashed and cannot be shown again. */
export const IssueLinksResult = z.object({
  /** Links to hand out: every link for a sheet; for email, only those whose email could not be sent. */
  links: z.array(z.object({ participantCode: z.string(), path: z.string() })),
  skipped: z.array(z.object({ participantCode: z.string(), reason: z.string() })),
  /** How many were skipped because they have withdrawn from the study (each is also in `skipped`): nobody withdrawn is issued a link. */
  withdrawn: z.number(),
  /** Email delivery: who was sent their link. */
  emailed: z.optional(z.array(z.string())),
});
export type IssueLinksResult = z.infer<typeof IssueLinksResult>;

/** POST /api/studies/{studyId}/participants/{participantCode}/withdraw */
export const WithdrawRequest = z.strictObject({
  /** future-waves: keep what they gave, ask nothing more; erase-all: remove everything held about them. */
  scope: z.enum(['future-waves', 'erase-all']),
});
export type WithdrawRequest = z.infer<typeof WithdrawRequest>;

export const WithdrawResult = z.object({
  scope: z.enum(['future-waves', 'erase-all']),
  itemsErased: z.number(),
  /** Emails to or about them removed from the outbox (embedded mode); 0 with SES, which keeps nothing Pont could delete. */
  messagesErased: z.number(),
});
export type WithdrawResult = z.infer<typeof WithdrawResult>;

const Counts = z.object({
  not_invited: z.number(),
  invited: z.number(),
  opened: z.number(),
  consented: z.number(),
  in_progress: z.number(),
  completed: z.number(),
  declined: z.number(),
  withdrawn: z.number(),
});

/** GET /api/studies/{studyId}/progress[?attribute=<id>&value=<value>] */
export const StudyProgress = z.object({
  studyId: z.string(),
  filter: z.nullable(z.object({ attribute: z.string(), value: z.string() })),
  /** The data access group the figures are limited to (the caller's), or null for the whole study. */
  group: z.optional(z.nullable(z.string())),
  participants: z.number(),
  waves: z.array(
    z.object({
      waveId: z.string(),
      ordinal: z.number(),
      counts: Counts,
      /** Of those who completed the baseline, the share who completed this wave; null for the baseline or before anyone completed it. */
      retentionFromBaseline: z.nullable(z.number()),
      /**
       * For how many of these participants the wave's window has opened (open or closed since), and when it
       * next opens for one it has not yet (null when none is waiting for a date: a relative wave waits for baselines).
       */
      window: z.object({ openedFor: z.number(), nextOpensAt: z.nullable(z.string()) }),
    }),
  ),
});
export type StudyProgress = z.infer<typeof StudyProgress>;

/** GET /api/studies/{studyId}/check-ins: participant codes only, never answers. */
export const CheckInList = z.object({
  checkIns: z.array(
    z.object({ participantCode: z.string(), waveId: z.string(), language: z.enum(['en', 'cy']), requestedAt: z.string(), handledAt: z.nullable(z.string()) }),
  ),
  /** Pass as `after` for the next page (`<wave>/<participant code>`); null on the last page. */
  next: z.nullable(z.string()),
});
export type CheckInList = z.infer<typeof CheckInList>;

/** PUT/GET /api/studies/{studyId}/participants/{participantCode}/contact: kept in the identity table, never exported. */
export const ContactDetails = z.strictObject({
  email: z.optional(EmailAddress),
  phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{7,20}$/, 'use digits, spaces and an optional leading +'))),
});
export type ContactDetails = z.infer<typeof ContactDetails>;

/**
 * PUT …/contact: the details, and when they replace details already held, why
 * (audited with who; the previous details are kept in the identity store's history).
 */
export const SetContactRequest = z.strictObject({
  ...ContactDetails.shape,
  reason: z.optional(
    z.string().check(
      z.maxLength(200, 'keep the reason under 200 characters'),
      z.refine((text) => text.trim() !== '', 'say why the contact details change'),
    ),
  ),
});
export type SetContactRequest = z.infer<typeof SetContactRequest>;

export const SetContactResult = z.object({ saved: z.boolean(), replaced: z.boolean() });
export type SetContactResult = z.infer<typeof SetContactResult>;

const WaveStanding = z.object({
  status: z.enum(['not_invited', 'invited', 'opened', 'consented', 'in_progress', 'completed', 'declined', 'withdrawn']),
  /** How the live link was delivered; null when there is none. */
  delivery: z.nullable(z.enum(['sheet', 'email'])),
});

/** GET /api/studies/{studyId}/participants[?prefix=&after=&limit=]: pseudonymous; says whether a contact is held, never what it is. */
export const ParticipantList = z.object({
  participants: z.array(
    z.object({
      participantCode: z.string(),
      attributes: z.record(z.string(), z.string()),
      withdrawn: z.boolean(),
      contact: z.object({ email: z.boolean(), phone: z.boolean() }),
      waves: z.record(z.string(), WaveStanding),
    }),
  ),
  /** Pass as `after` for the next page; null on the last page. */
  next: z.nullable(z.string()),
});
export type ParticipantList = z.infer<typeof ParticipantList>;

/** POST /api/studies/{studyId}/waves/{waveId}/reminders: counts only. */
export const SendRemindersResult = z.object({
  waveId: z.string(),
  /** Participants whose link for this wave was emailed. */
  emailed: z.number(),
  due: z.number(),
  sent: z.number(),
  /** Emails that could not be sent: their link is reissued and emailed again at the next run. */
  failed: z.number(),
  /** Due, but already sent by a run at the same time, or no email address is held any more. */
  skipped: z.number(),
});
export type SendRemindersResult = z.infer<typeof SendRemindersResult>;

const SentMessageKind = z.enum(['invitation', 'reminder', 'study-team']);

/** GET /api/studies/{studyId}/messages (embedded mode): the outbox, recipients masked. */
export const SentMessageList = z.object({
  messages: z.array(z.object({ id: z.string(), at: z.string(), kind: SentMessageKind, to: z.string(), subject: z.string() })),
  total: z.number(),
});
export type SentMessageList = z.infer<typeof SentMessageList>;

/** GET /api/studies/{studyId}/messages/{messageId} (embedded mode) */
export const SentMessage = z.object({ id: z.string(), at: z.string(), kind: SentMessageKind, to: z.string(), subject: z.string(), text: z.string() });
export type SentMessage = z.infer<typeof SentMessage>;
