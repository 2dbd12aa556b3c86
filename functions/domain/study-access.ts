/**
 * Who may do what in a study: the rules behind study membership and data
 * access groups (issue #18), as pure functions. The route table declares which
 * study roles each route needs; the shared handler chain applies these rules
 * before any handler runs (functions/http/study-handler.ts).
 */
import type { StudyRole } from '../contracts/members.js';
import type { Role } from '../contracts/researcher.js';

/**
 * A platform role caps the study roles an account may hold: an analyst
 * account only ever works with anonymised data, whatever a study says.
 */
const STUDY_ROLES_FOR: Record<Role, readonly StudyRole[]> = {
  admin: ['owner', 'researcher', 'analyst'],
  researcher: ['owner', 'researcher', 'analyst'],
  analyst: ['analyst'],
};

export function studyRolesAllowedFor(platformRole: Role): readonly StudyRole[] {
  return STUDY_ROLES_FOR[platformRole];
}

/**
 * The study role a member acts with today. A member added as owner whose
 * account was later made an analyst acts as an analyst: the cap is applied at
 * every request, not only when the membership was granted.
 */
export function effectiveStudyRole(memberRole: StudyRole, platformRole: Role): StudyRole {
  return studyRolesAllowedFor(platformRole).includes(memberRole) ? memberRole : 'analyst';
}

/** What the handler chain established about the caller in the study a route names. */
export type StudyAccess = {
  studyId: string;
  /** null only for a platform admin on a route that admins may use without membership (the members page). */
  role: StudyRole | null;
  /** The data access group the member is placed in, and the attribute that defines it; absent: the whole study. */
  group?: { attribute: string; value: string };
};

/** Whether the caller may see and act on this participant. */
export function seesParticipant(access: StudyAccess, participant: { attributes?: Record<string, string> }): boolean {
  if (!access.group) return true;
  return participant.attributes?.[access.group.attribute] === access.group.value;
}

/** A member placed in a group sees only the exports of their group; everyone else sees every export of the study. */
export function exportVisibleTo(access: StudyAccess, job: { options: { group?: { attribute: string; value: string } } }): boolean {
  if (!access.group) return true;
  return job.options.group?.attribute === access.group.attribute && job.options.group.value === access.group.value;
}

/** The group a member is placed in, as the chain applies it: owners always see the whole study. */
export function groupOf(member: { role: StudyRole; group?: string }, groupBy: string | undefined): StudyAccess['group'] {
  if (member.role === 'owner' || !member.group || !groupBy) return undefined;
  return { attribute: groupBy, value: member.group };
}

export type MembershipChangeRefusal = { code: string; message: string };

/**
 * Checks a membership grant before it is stored: the platform role's cap, and
 * that a group names one of the study's groups. Returns the refusal, or undefined.
 */
export function checkMembershipGrant(
  grant: { role: StudyRole; group?: string; platformRole: Role },
  study: { groupBy?: string; groups: readonly string[] },
): MembershipChangeRefusal | undefined {
  if (!studyRolesAllowedFor(grant.platformRole).includes(grant.role)) {
    return { code: 'role_not_allowed', message: `An ${grant.platformRole} account can only be a study ${studyRolesAllowedFor(grant.platformRole).join(' or ')}` };
  }
  if (grant.group === undefined) return undefined;
  if (grant.role === 'owner') return { code: 'group_not_allowed', message: 'Owners see the whole study: add an owner without a group' };
  if (!study.groupBy) return { code: 'group_unknown', message: 'This study has no data access groups: add the member without a group' };
  if (!study.groups.includes(grant.group)) {
    return { code: 'group_unknown', message: `"${grant.group}" is not one of this study's groups (${study.groups.join(', ')})` };
  }
  return undefined;
}
