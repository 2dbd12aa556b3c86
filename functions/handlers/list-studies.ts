/**
 * GET /api/studies: the caller's studies, with their role in each and the
 * waves. Admins also see every other study's title (and, on its members page,
 * its members), so they can help teams; reading anything else needs membership.
 */
import type { StudyList } from '../contracts/researcher.js';
import { effectiveStudyRole, groupOf } from '../domain/study-access.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { json } from '../http/responses.js';
import { listMembershipsOf } from '../storage/members.js';
import { getStudies, listStudies, listWaves, studyGroups, type Study } from '../storage/studies.js';

export const handler = researcherHandler('ListStudies', async (_event, researcher) => {
  const memberships = new Map((await listMembershipsOf(researcher.userId)).map((m) => [m.studyId, m]));
  const studies = researcher.role === 'admin' ? await listStudies() : await getStudies([...memberships.keys()]);
  const result: StudyList = {
    studies: await Promise.all(
      studies
        .sort((a, b) => a.studyId.localeCompare(b.studyId))
        .map(async (study) => {
          const member = memberships.get(study.studyId);
          if (!member) return { ...summary(study), role: null, attributes: [], waves: [] };
          const role = effectiveStudyRole(member.role, researcher.role);
          const group = groupOf({ role, ...(member.group ? { group: member.group } : {}) }, study.groupBy);
          return {
            ...summary(study),
            role,
            ...(group ? { group: group.value } : {}),
            attributes: study.attributes ?? [],
            waves: (await listWaves(study.studyId)).map(({ waveId, name, publicName, ordinal, window, instruments, consentVersion, reminders }) => ({
              waveId,
              name,
              ...(publicName ? { publicName } : {}),
              ordinal,
              window,
              instruments,
              consentVersion,
              ...(reminders ? { reminders } : {}),
            })),
          };
        }),
    ),
  };
  return json(200, result);
});

function summary(study: Study) {
  return { studyId: study.studyId, title: study.title, ...(study.publicTitle ? { publicTitle: study.publicTitle } : {}), groupBy: study.groupBy ?? null, groups: studyGroups(study), ...(study.teamEmail ? { teamEmail: study.teamEmail } : {}) };
}
