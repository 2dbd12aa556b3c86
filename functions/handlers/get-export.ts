/** GET /api/studies/{studyId}/exports/{exportId}: an export's status and progress. */
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { getExportJob } from '../storage/exports.js';
import { exportVisibleTo } from '../domain/study-access.js';

export const handler = studyHandler('GetExport', async (event, { access }) => {
  const { studyId = '', exportId = '' } = event.pathParameters ?? {};
  const job = await getExportJob(studyId, exportId);
  if (!job || !exportVisibleTo(access, job)) throw new HttpError(404, 'export_not_found', 'There is no such export');
  return json(200, job);
});
