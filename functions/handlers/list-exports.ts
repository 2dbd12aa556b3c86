/** GET /api/studies/{studyId}/exports: the study's exports, newest first. */
import type { ExportList } from '../contracts/exports.js';
import { apiHandler } from '../http/api-handler.js';
import { json } from '../http/responses.js';
import { listExportJobs } from '../storage/exports.js';

export const handler = apiHandler<'researcher'>('ListExports', async (event) => {
  const result: ExportList = { exports: await listExportJobs(event.pathParameters?.studyId ?? '') };
  return json(200, result);
});
