/** GET /api/studies: the studies and their waves. */
import type { StudyList } from '../contracts/researcher.js';
import { researcherHandler } from '../http/researcher-handler.js';
import { json } from '../http/responses.js';
import { listStudies, listWaves } from '../storage/studies.js';

export const handler = researcherHandler('ListStudies', async () => {
  const studies = await listStudies();
  const result: StudyList = {
    studies: await Promise.all(
      studies.map(async (study) => ({
        studyId: study.studyId,
        title: study.title,
        attributes: study.attributes ?? [],
        waves: (await listWaves(study.studyId)).map(({ waveId, name, ordinal, window, instruments, consentVersion, reminders }) => ({
          waveId,
          name,
          ordinal,
          window,
          instruments,
          consentVersion,
          ...(reminders ? { reminders } : {}),
        })),
      })),
    ),
  };
  return json(200, result);
});
