/** AWS: the export worker, invoked asynchronously by the CreateExport route with { studyId, exportId }. */
import * as z from 'zod/mini';
import { runExport } from '../exports/run-export.js';

const ExportWorkerEvent = z.object({ studyId: z.string(), exportId: z.string() });

export async function handler(event: unknown): Promise<void> {
  const { studyId, exportId } = ExportWorkerEvent.parse(event);
  await runExport(studyId, exportId);
}
