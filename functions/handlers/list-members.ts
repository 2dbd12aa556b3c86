/** GET /api/studies/{studyId}/members: the study's members, its data access groups, and who owns it. Admins see it to help a team. */
import type { MemberList } from '../contracts/members.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { listMembers } from '../storage/members.js';
import { getStudy, studyGroups } from '../storage/studies.js';

export const handler = studyHandler('ListMembers', async (event) => {
  const studyId = event.pathParameters?.studyId ?? '';
  const [study, members] = await Promise.all([getStudy(studyId), listMembers(studyId)]);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');
  const result: MemberList = {
    studyId,
    groupBy: study.groupBy ?? null,
    groups: studyGroups(study),
    members: members.map(({ studyId: _study, ...member }) => member),
  };
  return json(200, result);
});
