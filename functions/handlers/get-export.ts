/** GET /api/studies/{studyId}/exports/{exportId}: an export's status and progress. */
import { researcherHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { getExportJob } from '../storage/exports.js';

export const handler = researcherHandler('GetExport', async (event) => {
  const { studyId = '', exportId = '' } = event.pathParameters ?? {};
  const job = await getExportJob(studyId, exportId);
  if (!job) throw new HttpError(404, 'export_not_found', 'There is no such export');
  return json(200, job);
});
