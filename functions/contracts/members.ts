/** Contracts of study membership (issue #18): who may see and do what in one study. */
import * as z from 'zod/mini';
import { EmailAddress } from './common.js';

/**
 * A member's part in one study. `owner`: settings, waves, members (and
 * everything a researcher and an analyst may do); `researcher`: participants,
 * links, progress, check-ins, withdrawals, contacts; `analyst`: anonymised
 * exports and SROI only.
 */
export const StudyRole = z.enum(['owner', 'researcher', 'analyst']);
export type StudyRole = z.infer<typeof StudyRole>;

/** A data access group: a value of the attribute the study groups participants by (e.g. a local authority). */
export const GroupValue = z.string().check(z.minLength(1), z.maxLength(60));

/** POST /api/studies/{studyId}/members: adds an account, or changes a member's role or group. */
export const AddMemberRequest = z.strictObject({
  email: EmailAddress,
  role: StudyRole,
  /** Absent: the whole study. Owners always see the whole study. */
  group: z.optional(GroupValue),
});
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

export const Member = z.object({
  userId: z.string(),
  email: z.string(),
  role: StudyRole,
  group: z.optional(z.string()),
  addedAt: z.string(),
  /** The account that added (or last changed) this member. */
  addedBy: z.string(),
  /** A platform admin who added themselves: shown on the members page, as REDCap does. */
  selfAddedAdmin: z.optional(z.boolean()),
});
export type Member = z.infer<typeof Member>;

/** GET /api/studies/{studyId}/members */
export const MemberList = z.object({
  studyId: z.string(),
  /** The attribute whose values are the study's data access groups; null when the study has none. */
  groupBy: z.nullable(z.string()),
  groups: z.array(z.string()),
  members: z.array(Member),
});
export type MemberList = z.infer<typeof MemberList>;

/** 201 when added, 200 when an existing member's role or group changed (or nothing changed). */
export const AddMemberResult = z.object({ member: Member, created: z.boolean() });
export type AddMemberResult = z.infer<typeof AddMemberResult>;
