/** DELETE /api/studies/{studyId}/members/{userId}: removes a member (never the last owner). Owners and platform admins; audited. */
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { getMember, MembershipRefused, removeMember } from '../storage/members.js';

export const handler = studyHandler('RemoveMember', async (event, researcher) => {
  const { studyId = '', userId = '' } = event.pathParameters ?? {};
  const member = await getMember(studyId, userId);
  if (!member) throw new HttpError(404, 'member_not_found', 'There is no such member of this study');
  try {
    await removeMember(member, { scope: studyId, actor: researcher.userId, action: 'member.removed', detail: { userId, role: member.role } });
  } catch (error) {
    if (!(error instanceof MembershipRefused)) throw error;
    if (error.reason === 'last_owner') throw new HttpError(409, 'last_owner', 'A study must keep at least one owner: make someone else an owner first');
    throw new HttpError(409, 'member_changed_meanwhile', 'This member was changed at the same time: look again and retry');
  }
  return json(200, { removed: true });
});
