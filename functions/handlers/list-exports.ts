/** GET /api/studies/{studyId}/exports: the study's exports, newest first. */
import type { ExportList } from '../contracts/exports.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { listExportJobs } from '../storage/exports.js';
import { getStudy } from '../storage/studies.js';
import { exportVisibleTo } from '../domain/study-access.js';

export const handler = studyHandler('ListExports', async (event, { access }) => {
  const studyId = event.pathParameters?.studyId ?? '';
  const [study, exports] = await Promise.all([getStudy(studyId), listExportJobs(studyId)]);
  if (!study) throw new HttpError(404, 'study_not_found', 'There is no such study');
  const result: ExportList = { exports: exports.filter((job) => exportVisibleTo(access, job)) };
  return json(200, result);
});
