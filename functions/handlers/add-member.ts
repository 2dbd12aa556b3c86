/**
 * POST /api/studies/{studyId}/members: adds an account to the study, or changes
 * a member's role or group. Owners (and platform admins, to help a team) only;
 * audited. The change applies at the member's next request: the chain reads
 * membership at every request.
 */
import { AddMemberRequest, type AddMemberResult } from '../contracts/members.js';
import { userDirectory } from '../auth/user-directory.js';
import { checkMembershipGrant } from '../domain/study-access.js';
import { studyHandler } from '../http/researcher-handler.js';
import { parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import type { AuditNote } from '../storage/audit.js';
import { getMember, MembershipRefused, putMember, type StoredMember } from '../storage/members.js';
import { getStudy, studyGroups } from '../storage/studies.js';

export const handler = studyHandler('AddMember', async (event, researcher) => {
  const request = parseJsonBody(event, AddMemberRequest);
  const studyId = event.pathParameters?.studyId ?? '';
  const study = await getStudy(studyId);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');
  const account = await userDirectory().findByEmail(request.email);
  if (!account || account.status === 'disabled') {
    throw new HttpError(422, 'account_not_found', `There is no enabled account for ${request.email}: an admin creates accounts on the people page`);
  }
  const refusal = checkMembershipGrant({ role: request.role, ...(request.group ? { group: request.group } : {}), platformRole: account.role }, { ...(study.groupBy ? { groupBy: study.groupBy } : {}), groups: studyGroups(study) });
  if (refusal) throw new HttpError(422, refusal.code, refusal.message);

  const previous = await getMember(studyId, account.userId);
  const member: StoredMember = {
    studyId,
    userId: account.userId,
    email: account.email,
    role: request.role,
    ...(request.group ? { group: request.group } : {}),
    addedAt: previous?.addedAt ?? new Date().toISOString(),
    addedBy: researcher.userId,
    // An admin who is not an owner adding themselves: shown on the members page, as REDCap does.
    ...(researcher.role === 'admin' && account.userId === researcher.userId && researcher.access.role !== 'owner' ? { selfAddedAdmin: true } : previous?.selfAddedAdmin ? { selfAddedAdmin: true } : {}),
  };
  if (previous && previous.role === member.role && previous.group === member.group) {
    return json(200, { member: withoutStudy(previous), created: false } satisfies AddMemberResult);
  }
  const audit: AuditNote = {
    scope: studyId,
    actor: researcher.userId,
    action: previous ? 'member.changed' : member.selfAddedAdmin ? 'member.admin_added_self' : 'member.added',
    detail: { userId: member.userId, role: member.role, ...(member.group ? { group: member.group } : {}), ...(previous ? { previousRole: previous.role } : {}) },
  };
  try {
    await putMember(member, previous, audit);
  } catch (error) {
    if (!(error instanceof MembershipRefused)) throw error;
    if (error.reason === 'last_owner') throw new HttpError(409, 'last_owner', 'A study must keep at least one owner: make someone else an owner first');
    throw new HttpError(409, 'member_changed_meanwhile', 'This member was changed at the same time: look again and retry');
  }
  return json(previous ? 200 : 201, { member: withoutStudy(member), created: !previous } satisfies AddMemberResult);
});

function withoutStudy({ studyId: _study, ...member }: StoredMember) {
  return member;
}
