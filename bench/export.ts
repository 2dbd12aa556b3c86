/**
 * Dataset export at scale (issue #6): a synthetic cohort of 10,000
 * participants × 3 waves, exported end to end, against the floor it cannot
 * beat: a bare paginated DynamoDB Query over the same items.
 * Run alone with `npx tsx bench/export.ts` (starts its own in-memory platform).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDemoCohort } from '../cli/demo-cohort.js';
import { listWaves } from '../functions/storage/studies.js';
import { responsePagesOfWave } from '../functions/storage/wave-index.js';
import { REPO_ROOT, startPlatform } from '../infra/local/platform.js';
import { figure, type Row } from './stats.js';

const exec = promisify(execFile);
const PARTICIPANTS = Number(process.env.BENCH_EXPORT_PARTICIPANTS ?? 10_000);
const RUNS = 3;

export async function benchExport(log: (line: string) => void): Promise<Row[]> {
  const studyId = `bench-export-${Date.now().toString(36)}`;
  const generated = await createDemoCohort({ studyId, participants: PARTICIPANTS, waves: 3, seed: 'bench' });
  log(`  generated ${generated.items.toLocaleString('en-GB')} items in ${generated.seconds.toFixed(1)} s`);
  const waves = await listWaves(studyId);

  // The floor: the same pages, read and dropped.
  const bareQuery = async () => {
    const started = performance.now();
    let items = 0;
    await Promise.all(waves.map(async (wave) => {
      for await (const page of responsePagesOfWave(studyId, wave.waveId)) items += page.length;
    }));
    return { ms: performance.now() - started, items };
  };
  const exportOnce = async () => {
    const { stdout } = await exec(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, 'bench/export-child.ts'), studyId], { env: process.env, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number; phases: Record<string, number>; maxRssMB: number; bytes: number; participants: number; responses: number };
  };

  await bareQuery(); // warm-up
  const queries: number[] = [];
  const exports: Awaited<ReturnType<typeof exportOnce>>[] = [];
  let items = 0;
  for (let run = 0; run < RUNS; run++) {
    // Interleaved, so a slow spell on the shared machine hits both alike.
    const query = await bareQuery();
    queries.push(query.ms);
    items = query.items;
    exports.push(await exportOnce());
    log(`  run ${run + 1}: query ${Math.round(query.ms)} ms, export ${Math.round(exports.at(-1)!.ms)} ms, peak ${Math.round(exports.at(-1)!.maxRssMB)} MB; phases began at ${JSON.stringify(exports.at(-1)!.phases, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`);
  }
  const ratios = exports.map((e, i) => e.ms / queries[i]!);
  const last = exports.at(-1)!;
  const scale = `${PARTICIPANTS.toLocaleString('en-GB')} participants × 3 waves: ${items.toLocaleString('en-GB')} responses, ${last.participants.toLocaleString('en-GB')} exported participants, zip ${(last.bytes / 1e6).toFixed(1)} MB`;
  return [
    { area: 'Dataset export', measure: 'Export, end to end (zip ready)', unit: 'ms', figure: figure(exports.map((e) => e.ms)), target: { op: '<=', value: 30_000 }, note: scale },
    { area: 'Dataset export', measure: 'Bare paginated Query over the same items', unit: 'ms', figure: figure(queries), note: 'waves read in parallel, as the export does' },
    { area: 'Dataset export', measure: 'Export ÷ bare Query', unit: 'x', figure: figure(ratios), target: { op: '<=', value: 1.5 } },
    { area: 'Dataset export', measure: 'Peak memory of the export process', unit: 'MB', figure: figure(exports.map((e) => e.maxRssMB)), target: { op: '<=', value: 1024 }, note: 'max RSS of a Node process doing only the export (a 1 GB Lambda\'s bound)' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const platform = await startPlatform({ port: 0, host: '127.0.0.1', seed: false });
  try {
    const rows = await benchExport(console.log);
    for (const row of rows) console.log(`${row.measure}: median ${row.figure.median.toFixed(2)} ${row.unit} (runs ${row.figure.runs.map((r) => r.toFixed(1)).join(', ')})`);
  } finally {
    await platform.stop();
  }
}
