/**
 * An export that fails part-way (issue #24): while it runs it holds up to 256
 * bucket files and three CSV files compressing for the zip. One that meets a
 * response it cannot place says why, as ExportNotPossible, and leaves nothing
 * in its work folder, nor any file open (on Linux, where /proc shows them).
 */
import { existsSync, mkdtempSync, readdirSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { batchWriteItems } from '../../cli/bulk-load.js';
import { createDemoCohort } from '../../cli/demo-cohort.js';
import { DEFAULT_SEED } from '../../cli/synthetic-cohort.js';
import { ExportOptions } from '../../functions/contracts/exports.js';
import { ExportNotPossible } from '../../functions/domain/export/export-not-possible.js';
import { buildDatasetPackage } from '../../functions/exports/build-dataset.js';
import { listParticipantsPage } from '../../functions/storage/participants.js';
import { responseItem } from '../../functions/storage/responses.js';
import { useTestTable } from '../support/test-table.js';

useTestTable();

const NOW = new Date('2027-01-04T09:00:00.000Z');

/** This process's open files under a folder (a deleted one still shows, as "… (deleted)"). */
function openFilesUnder(folder: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(folder) ? [target] : [];
    } catch {
      return []; // closed meanwhile
    }
  });
}

it('fails with ExportNotPossible on a response to a version no wave pins, leaving its work folder empty', async () => {
  const studyId = 'export-failure';
  await createDemoCohort({ studyId, participants: 300, waves: 2, seed: DEFAULT_SEED, now: NOW });
  // One participant's baseline ONS4 answered on a version the study never pinned (as a hand-edited backup restore might leave it).
  const [participant] = (await listParticipantsPage(studyId, { limit: 1 })).participants;
  const savedAt = NOW.toISOString();
  await batchWriteItems([
    responseItem({
      studyId,
      participantCode: participant!.participantCode,
      waveId: 'baseline',
      instrumentId: 'ons4',
      instrumentVersion: '9.9.9',
      contentHash: 'not-pinned',
      answers: {},
      status: 'complete',
      language: 'en',
      savedAt,
      completedAt: savedAt,
      revision: 1,
    }),
  ]);
  const workDir = mkdtempSync(join(tmpdir(), 'pont-export-failure-'));
  const built = buildDatasetPackage({
    studyId,
    exportId: 'fails',
    options: ExportOptions.parse({ includePartial: false, includeFreeText: false, studyStableKey: false, k: 5 }),
    now: NOW,
    workDir,
  });
  await expect(built).rejects.toThrow(ExportNotPossible);
  await expect(built).rejects.toThrow('A response names ons4@9.9.9 in wave baseline, which the study does not pin');
  expect(readdirSync(workDir)).toEqual([]);
  if (existsSync('/proc/self/fd')) {
    // Streams close their files a moment after they are destroyed.
    for (let tries = 0; tries < 50 && openFilesUnder(workDir).length > 0; tries++) await sleep(20);
    expect(openFilesUnder(workDir)).toEqual([]);
  }
}, 120_000);
