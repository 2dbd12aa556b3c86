/**
 * (d) Lambda bundles: every function (route handlers, workers, scheduled) built with esbuild exactly as the CDK
 * stack builds it (infra/aws/bundling.ts), then its size (in the row's note)
 * and how long a fresh `node` takes to import it, the part of a cold start the
 * code controls.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { lambdaEsbuildOptions } from '../infra/aws/bundling.js';
import { REPO_ROOT } from '../infra/local/platform.js';
import { figure, kb, type Row, type Target } from './stats.js';

/** Runs a bundle with a target gets; the others, reported for reference, get fewer to keep the bench within 10 minutes. */
const IMPORT_RUNS = { targeted: 5, other: 3 };

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

export async function benchBundles(log: (line: string) => void): Promise<Row[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'pont-bench-bundles-'));
  const rows: Row[] = [];
  try {
    for (const { name: handler, entry } of functionEntries()) {
      const outfile = join(outDir, handler, 'index.js'); // NodejsFunction's name for CommonJS output
      await build({ ...lambdaEsbuildOptions(entry, outfile, REPO_ROOT), logLevel: 'warning' });
      const code = readFileSync(outfile);
      await importTime(outfile); // warm-up: the file is in the page cache, as on a warm Lambda host
      const times: number[] = [];
      for (let run = 0; run < (IMPORT_TARGETS[handler] ? IMPORT_RUNS.targeted : IMPORT_RUNS.other); run += 1) times.push(await importTime(outfile));
      rows.push({
        area: 'Lambda bundles',
        measure: `${handler}: import in a fresh node`,
        unit: 'ms',
        figure: figure(times),
        ...(IMPORT_TARGETS[handler] ? { target: IMPORT_TARGETS[handler] } : {}),
        note: `bundle ${kb(code.length).toFixed(0)} KB minified, ${kb(gzipSync(code, { level: 9 }).length).toFixed(0)} KB gzip`,
      });
      log(`  bundle ${handler}: ${kb(code.length).toFixed(0)} KB, import ${figure(times).median.toFixed(0)} ms`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return rows;
}
