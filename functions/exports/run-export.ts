/**
 * Runs one export job to the end: claim it, build the package, keep it in the
 * export store, record the outcome. Called in-process in embedded mode and by
 * the export worker Lambda in AWS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportJob } from '../contracts/exports.js';
import { ExportNotPossible } from '../domain/export/export-not-possible.js';
import { claimExportJob, failExportJob, finishExportJob, getExportJob, updateExportProgress } from '../storage/exports.js';
import { buildDatasetPackage, type ExportProgress } from './build-dataset.js';
import { exportStore } from './configured-export-store.js';
import { exportKey } from './export-store.js';

/** Progress is written at most this often: enough for a progress bar, few writes. */
const PROGRESS_INTERVAL_MS = 1000;

export async function runExport(studyId: string, exportId: string): Promise<void> {
  if (!(await claimExportJob(studyId, exportId))) return;
  const job = await getExportJob(studyId, exportId);
  if (!job) return;
  const workDir = mkdtempSync(join(tmpdir(), 'pont-export-'));
  try {
    let lastWrite = 0;
    const built = await buildDatasetPackage({
      studyId,
      exportId,
      options: job.options,
      now: new Date(job.requestedAt),
      workDir,
      onProgress: async (progress: ExportProgress) => {
        if (Date.now() - lastWrite < PROGRESS_INTERVAL_MS) return;
        lastWrite = Date.now();
        await updateExportProgress(studyId, exportId, progress);
      },
    });
    const bytes = await (await exportStore()).put(exportKey(studyId, exportId), built.zipFile, new Date());
    await finishExportJob(studyId, exportId, {
      finishedAt: new Date().toISOString(),
      fileName: built.fileName,
      bytes,
      summary: summaryOf(built.facts),
    });
  } catch (error) {
    // The error's name and message only: an export's data never goes to a log.
    console.error(JSON.stringify({ level: 'error', operation: 'export', studyId, exportId, error: (error as Error)?.name, message: (error as Error)?.message }));
    const reason =
      error instanceof ExportNotPossible
        ? `This study cannot be exported as it is set up, so trying again will not help: ${error.message}`
        : "The export could not be built. Try again; if it fails again, tell the platform's administrator (the platform log says why).";
    await failExportJob(studyId, exportId, reason, new Date());
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function summaryOf(facts: Awaited<ReturnType<typeof buildDatasetPackage>>['facts']): NonNullable<ExportJob['summary']> {
  return {
    participants: facts.counts.participants,
    responses: facts.counts.responses,
    suppressedValues: facts.protection.cells.withheld + facts.protection.cells.suppressed,
    synthetic: facts.study.synthetic,
  };
}
