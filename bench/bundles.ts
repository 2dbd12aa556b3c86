/**
 * (d) Lambda bundles: every function (route handlers, workers, scheduled) built with esbuild exactly as the CDK
 * stack builds it (infra/aws/bundling.ts), then its size (in the row's note)
 * and how long a fresh `node` takes to import it, the part of a cold start the
 * code controls.
 *
 * The handlers with a target are also judged against a fixed reference bundle
 * measured in the same run (issue #24): a bundle of only the AWS SDK's DynamoDB
 * client, built with the same options. Their imports alternate with the
 * reference's (handler, reference, handler, …), and the ratio of each pair is
 * reported, so a slow host shows as a slow reference, not as a regression.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { lambdaEsbuildOptions } from '../infra/aws/bundling.js';
import { REPO_ROOT } from '../infra/local/platform.js';
import { figure, kb, type Row, type Target } from './stats.js';

/**
 * Runs a bundle with a target gets (each paired with a run of the reference bundle); the others,
 * reported for reference, get fewer to keep the bench within 10 minutes.
 */
const IMPORT_RUNS = { targeted: 5, other: 3 };

/**
 * The reference bundle's entry: the DynamoDB client and document client every
 * respondent handler bundles, constructed (and exported) so tree shaking keeps
 * them, and nothing of Pont's own.
 */
const REFERENCE_ENTRY = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: process.env.AWS_REGION }), {
  marshallOptions: { removeUndefinedValues: true },
});
`;

/** Import-time targets from the issue; other handlers are reported without one. */
const IMPORT_TARGETS: Record<string, Target> = {
  'open-link': { op: '<=', value: 60 },
  'save-response': { op: '<=', value: 250 },
};

/**
 * What a Lambda function's environment holds, enough for every module to load
 * (configuration is read lazily, but nothing may fail for want of it).
 */
const LAMBDA_LIKE_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  TABLE_NAME: 'pont-bench',
  IDENTITY_TABLE_NAME: 'pont-bench-identity',
  AWS_REGION: 'eu-west-2',
  AUTH_MODE: 'cognito',
  COGNITO_ISSUER: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_bench',
  COGNITO_CLIENT_ID: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** As Lambda's Node runtime loads a CommonJS handler file. */
const IMPORT_ONE = 'const t = performance.now(); require(process.argv[1]); console.log(performance.now() - t);';

/** Milliseconds of `require(file)` in a fresh node process. */
async function importTime(file: string): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', IMPORT_ONE, file], {
    env: LAMBDA_LIKE_ENV,
  });
  return Number(stdout.trim());
}

/** Every deployed function's entry: one per route handler, plus the workers and scheduled functions. */
function functionEntries(): { name: string; entry: string }[] {
  return ['handlers', 'workers', 'scheduled'].flatMap((folder) => {
    const dir = join(REPO_ROOT, 'functions', folder);
    return readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => ({ name: folder === 'handlers' ? basename(name, '.ts') : `${folder}/${basename(name, '.ts')}`, entry: join(dir, name) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** Sizes for a row's note. */
function sizes(code: Buffer): string {
  return `${kb(code.length).toFixed(0)} KB minified, ${kb(gzipSync(code, { level: 9 }).length).toFixed(0)} KB gzip`;
}

/** Builds one entry as the stack does, into `outDir/name/index.js` (NodejsFunction's name for CommonJS output); returns the file and its code. */
async function buildBundle(entry: string, outDir: string, name: string, extra: { nodePaths?: string[] } = {}): Promise<{ file: string; code: Buffer }> {
  const file = join(outDir, name, 'index.js');
  await build({ ...lambdaEsbuildOptions(entry, file, REPO_ROOT), ...extra, logLevel: 'warning' });
  return { file, code: readFileSync(file) };
}

/**
 * Imports `file` and `reference` alternately, `runs` times each after one
 * warm-up each (so both are in the page cache, as on a warm Lambda host):
 * each pair ran on the host as it was at that moment.
 */
async function interleavedImportTimes(file: string, reference: string, runs: number): Promise<{ times: number[]; referenceTimes: number[]; ratios: number[] }> {
  await importTime(file);
  await importTime(reference);
  const times: number[] = [];
  const referenceTimes: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    times.push(await importTime(file));
    referenceTimes.push(await importTime(reference));
  }
  return { times, referenceTimes, ratios: times.map((time, i) => time / referenceTimes[i]!) };
}

export async function benchBundles(log: (line: string) => void): Promise<Row[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'pont-bench-bundles-'));
  const rows: Row[] = [];
  const area = 'Lambda bundles';
  try {
    mkdirSync(join(outDir, '_reference-entry'));
    const referenceEntry = join(outDir, '_reference-entry', 'index.js');
    writeFileSync(referenceEntry, REFERENCE_ENTRY);
    // Its entry lives outside the repository: its packages are looked up in the repository's node_modules.
    const reference = await buildBundle(referenceEntry, outDir, '_reference', { nodePaths: [join(REPO_ROOT, 'node_modules')] });

    for (const { name: handler, entry } of functionEntries()) {
      const { file, code } = await buildBundle(entry, outDir, handler);
      const target = IMPORT_TARGETS[handler];
      if (!target) {
        await importTime(file); // warm-up: the file is in the page cache, as on a warm Lambda host
        const times: number[] = [];
        for (let run = 0; run < IMPORT_RUNS.other; run += 1) times.push(await importTime(file));
        rows.push({ area, measure: `${handler}: import in a fresh node`, unit: 'ms', figure: figure(times), note: `bundle ${sizes(code)}` });
        log(`  bundle ${handler}: ${kb(code.length).toFixed(0)} KB, import ${figure(times).median.toFixed(0)} ms`);
        continue;
      }
      const { times, referenceTimes, ratios } = await interleavedImportTimes(file, reference.file, IMPORT_RUNS.targeted);
      const own = figure(times);
      const ref = figure(referenceTimes);
      const ratio = figure(ratios);
      rows.push(
        {
          area,
          measure: `${handler}: import in a fresh node`,
          unit: 'ms',
          figure: own,
          target,
          // So a reader of a slow run sees whether the host was slow: the reference's own time is in its row below.
          note: `bundle ${sizes(code)}; ${ratio.median.toFixed(2)}× the import of the reference bundle (AWS SDK DynamoDB client only, ${ref.median.toFixed(0)} ms in the same runs)`,
        },
        {
          area,
          measure: `${handler}: the reference bundle (AWS SDK DynamoDB client only): import in a fresh node, interleaved`,
          unit: 'ms',
          figure: ref,
          note: `bundle ${sizes(reference.code)}; built with the functions' options from an entry that only constructs a DynamoDBDocumentClient`,
        },
        {
          area,
          measure: `${handler}: import ÷ the reference bundle's (AWS SDK DynamoDB client only), interleaved`,
          unit: 'x',
          figure: ratio,
          note: `each run's ratio to the reference run after it; ${IMPORT_RUNS.targeted} pairs after a warm-up of each`,
        },
      );
      log(`  bundle ${handler}: ${kb(code.length).toFixed(0)} KB, import ${own.median.toFixed(0)} ms, ${ratio.median.toFixed(2)}× the reference (${ref.median.toFixed(0)} ms)`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return rows;
}
