/** Contracts of the researcher console and API. */
import * as z from 'zod/mini';
import { Language, LocalisedText } from './common.js';
import { ReminderSchedule, StoredParticipantAttribute, WaveWindow } from './studies.js';
import { Answers, ResponseStatus } from './respondent.js';
import { StudyRole } from './members.js';

export const Role = z.enum(['admin', 'researcher', 'analyst']);
export type Role = z.infer<typeof Role>;

/** The Cognito group that carries the instrument author permission (embedded mode: the account's `instrumentAuthor`). */
export const INSTRUMENT_AUTHOR_GROUP = 'instrument-author';

/** POST /api/auth/sign-in (embedded mode only; AWS uses Cognito). */
export const SignInRequest = z.strictObject({
  email: z.string().check(z.minLength(3), z.maxLength(254)),
  password: z.string().check(z.minLength(1), z.maxLength(1024)),
});
export type SignInRequest = z.infer<typeof SignInRequest>;

export const SignInResult = z.object({
  token: z.string(),
  expiresAt: z.string(),
  role: Role,
});
export type SignInResult = z.infer<typeof SignInResult>;

/** GET /api/studies */
export const StudyList = z.object({
  studies: z.array(
    z.object({
      studyId: z.string(),
      title: LocalisedText,
      /** The neutral name participants' phones show, when the study set one. */
      publicTitle: z.optional(LocalisedText),
      /** The caller's role in the study; null for an admin who is not a member (who sees titles and members only). */
      role: z.nullable(StudyRole),
      /** The caller's data access group, when they are placed in one. */
      group: z.optional(z.string()),
      /** The attribute the study groups participants by, and its groups. */
      groupBy: z.nullable(z.string()),
      groups: z.array(z.string()),
      /** Where messages for the study's team go, when the study names an address (else the platform's). */
      teamEmail: z.optional(z.string()),
      /** The participant attributes the study declares (for filters and imports). */
      attributes: z.array(StoredParticipantAttribute),
      waves: z.array(
        z.object({
          waveId: z.string(),
          name: LocalisedText,
          /** What participants see for the wave, when the team wrote one. */
          publicName: z.optional(LocalisedText),
          ordinal: z.number(),
          window: WaveWindow,
          instruments: z.array(z.object({ id: z.string(), version: z.string() })),
          consentVersion: z.string(),
          reminders: z.optional(ReminderSchedule),
        }),
      ),
    }),
  ),
});
export type StudyList = z.infer<typeof StudyList>;

/** GET /api/studies/{studyId}/waves/{waveId}/responses[?after=&limit=]: a page of participants' responses */
export const WaveResponses = z.object({
  responses: z.array(
    z.object({
      participantCode: z.string(),
      instrumentId: z.string(),
      instrumentVersion: z.string(),
      status: ResponseStatus,
      language: Language,
      savedAt: z.string(),
      answers: Answers,
    }),
  ),
  /** Pass as `after` for the next page; null on the last page. */
  next: z.nullable(z.string()),
});
export type WaveResponses = z.infer<typeof WaveResponses>;

/** GET /api/audit/{scope}?month=YYYY-MM (scope: a study id, or _platform); Accept: text/csv gives CSV. */
export const AuditLog = z.object({
  scope: z.string(),
  month: z.string(),
  entries: z.array(z.object({ at: z.string(), actor: z.string(), action: z.string(), detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) })),
  /** Pass as `after` for the next page; null on the last page. */
  next: z.nullable(z.string()),
});
export type AuditLog = z.infer<typeof AuditLog>;

/** POST /api/users (embedded mode; AWS uses Cognito's console or CLI) */
export { EmailAddress } from './common.js';
import { EmailAddress } from './common.js';

export const CreateUserRequest = z.strictObject({ email: EmailAddress, role: Role });
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

/** The temporary password is shown once; the first sign-in must replace it (POST /api/auth/password). */
export const CreateUserResult = z.object({ email: z.string(), role: Role, temporaryPassword: z.string() });
export type CreateUserResult = z.infer<typeof CreateUserResult>;

/** The shortest password an embedded-mode account may choose. */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * POST /api/auth/password (embedded mode): replaces an account's password and
 * signs in. A temporary password (printed at first start, or made by an admin)
 * can only be used here: signing in with it answers 403 password_change_required.
 */
export const ChangePasswordRequest = z.strictObject({
  email: z.string().check(z.minLength(3), z.maxLength(254)),
  currentPassword: z.string().check(z.minLength(1), z.maxLength(1024)),
  newPassword: z.string().check(z.minLength(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`), z.maxLength(1024)),
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** An account as the people page shows it: never a password hash. */
export const UserSummary = z.object({
  userId: z.string(),
  email: z.string(),
  role: Role,
  /** `invited`: enabled, but the temporary password has not been replaced yet. */
  status: z.enum(['active', 'invited', 'disabled']),
  createdAt: z.string(),
  /** May publish instrument versions. */
  instrumentAuthor: z.optional(z.boolean()),
});
export type UserSummary = z.infer<typeof UserSummary>;

/** GET /api/users (admins) */
export const UserList = z.object({ users: z.array(UserSummary) });
export type UserList = z.infer<typeof UserList>;

/** PUT /api/users/{userId} (admins): a new role, disabled or enabled again. Either change ends the account's current sessions. */
export const UpdateUserRequest = z.strictObject({ role: z.optional(Role), enabled: z.optional(z.boolean()), instrumentAuthor: z.optional(z.boolean()) }).check(
  z.refine((change) => change.role !== undefined || change.enabled !== undefined || change.instrumentAuthor !== undefined, 'give a role, enabled, instrumentAuthor, or any of them'),
);
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;
