/**
 * One dataset export in a process of its own, so its peak memory is its own:
 * prints { ms, maxRssMB, bytes, participants, responses } as JSON.
 * Reads the platform's DynamoDB settings from the environment.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDatasetPackage } from '../functions/exports/build-dataset.js';

const [studyId = ''] = process.argv.slice(2);
const workDir = mkdtempSync(join(tmpdir(), 'pont-bench-export-'));
try {
  const started = performance.now();
  // When each phase began, to show where the time goes.
  const phases: Record<string, number> = {};
  const built = await buildDatasetPackage({
    onProgress: ({ phase }) => {
      phases[phase] ??= performance.now() - started;
    },
    studyId,
    exportId: 'bench',
    options: { includePartial: false, includeFreeText: false, studyStableKey: false, k: 5 },
    now: new Date(),
    workDir,
  });
  const ms = performance.now() - started;
  console.log(
    JSON.stringify({
      ms,
      phases,
      // resourceUsage reports kilobytes.
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      bytes: statSync(built.zipFile).size,
      participants: built.facts.counts.participants,
      responses: built.facts.counts.responses,
    }),
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
