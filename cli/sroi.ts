/**
 * npm run pont -- sroi <model.json> --dataset <export dir or .zip> --out <dir>
 * npm run pont -- sroi schema
 *
 * Runs a study's SROI model over a dataset export (issue #7) and writes:
 *   sroi.json               every intermediate figure (sroi/analysis.ts)
 *   sroi-report.html        the self-contained report
 *   sroi-impact-map.xlsx    the impact map with live formulas
 * `sroi schema` regenerates docs/sroi-model.schema.json from the zod schema.
 *
 * The analysis itself is pure (sroi/): this file only reads
 * and writes files.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import yauzl from 'yauzl';
import { formatIn, runSroi } from '../sroi/analysis.js';
import type { DatasetFiles } from '../sroi/indicators.js';
import { sroiModelJsonSchema } from '../sroi/model.js';
import { sroiReportHtml } from '../sroi/report-html.js';
import { sroiWorkbook } from '../sroi/workbook.js';

export const SROI_SCHEMA_FILE = resolve(import.meta.dirname, '..', 'docs', 'sroi-model.schema.json');
export const SROI_OUTPUT_FILES = { json: 'sroi.json', html: 'sroi-report.html', xlsx: 'sroi-impact-map.xlsx' } as const;

const USAGE = `Usage: npm run pont -- sroi <model.json> --dataset <export dir or .zip> --out <dir>
       npm run pont -- sroi schema      regenerate docs/sroi-model.schema.json`;

export async function sroiCommand(args: string[]): Promise<number> {
  if (args[0] === 'schema' && args.length === 1) {
    writeFileSync(SROI_SCHEMA_FILE, `${JSON.stringify(sroiModelJsonSchema(), null, 2)}\n`);
    console.log(`Wrote ${SROI_SCHEMA_FILE}`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { dataset: { type: 'string' }, out: { type: 'string' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [modelFile, ...extra] = parsed.positionals;
  const { dataset, out } = parsed.values;
  if (!modelFile || extra.length > 0 || !out) {
    console.error(USAGE);
    return 2;
  }

  let model: unknown;
  try {
    model = JSON.parse(readFileSync(modelFile, 'utf8'));
  } catch (error) {
    console.error(`✗ ${modelFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON: ${(error as Error).message}`}`);
    return 1;
  }
  let files: DatasetFiles | undefined;
  if (dataset) {
    try {
      files = await readDatasetFiles(dataset);
    } catch (error) {
      console.error(`✗ ${dataset}: ${(error as Error).message}`);
      return 1;
    }
  }

  const run = runSroi({ model, ...(files ? { dataset: files } : {}) });
  if (!run.ok) {
    console.error(`✗ ${modelFile}: ${run.problems.length} problem${run.problems.length === 1 ? '' : 's'}`);
    for (const problem of run.problems) console.error(`    ${problem.path}: ${problem.message}`);
    return 1;
  }
  const { result } = run;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, SROI_OUTPUT_FILES.json), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, SROI_OUTPUT_FILES.html), sroiReportHtml(result));
  writeFileSync(join(out, SROI_OUTPUT_FILES.xlsx), await sroiWorkbook(result));

  const { totals, headline } = result;
  const pounds = (value: number) => formatIn('pounds', value);
  console.log(
    [
      `✓ ${result.model.title} (${result.model.id}@${result.model.version})${result.dataset ? ` on export ${result.dataset.exportId}${result.dataset.synthetic ? ' (SYNTHETIC)' : ''}` : ''}`,
      `  SROI ratio £${totals.ratio.toFixed(2)} : £1 (Monte Carlo 90% range £${headline.monteCarloP5.toFixed(2)}–£${headline.monteCarloP95.toFixed(2)})`,
      `  PV ${pounds(totals.presentValue)}, investment ${pounds(totals.investment)}, NPV ${pounds(totals.netPresentValue)}`,
      ...result.warnings.map((warning) => `  ! ${warning}`),
      `  Wrote ${Object.values(SROI_OUTPUT_FILES).map((name) => join(out, name)).join(', ')}`,
    ].join('\n'),
  );
  return 0;
}

/** scores.csv and codebook.json from an unpacked export folder or the downloaded zip. */
export async function readDatasetFiles(path: string): Promise<DatasetFiles> {
  if (!existsSync(path)) throw new Error('no such file or folder');
  const wanted = ['scores.csv', 'codebook.json'];
  let texts: Map<string, string>;
  if (statSync(path).isDirectory()) {
    texts = new Map(wanted.filter((name) => existsSync(join(path, name))).map((name) => [name, readFileSync(join(path, name), 'utf8')]));
  } else {
    texts = await readZipEntries(path, wanted);
  }
  const missing = wanted.filter((name) => !texts.has(name));
  if (missing.length > 0) throw new Error(`not a Pont dataset export: ${missing.join(' and ')} missing`);
  return { scoresCsv: texts.get('scores.csv')!, codebookJson: texts.get('codebook.json')! };
}

async function readZipEntries(file: string, names: string[]): Promise<Map<string, string>> {
  const zip = await yauzl.openPromise(file).catch((error: Error) => {
    throw new Error(`not a zip file: ${error.message}`);
  });
  const found = new Map<string, string>();
  try {
    for await (const entry of zip.eachEntry()) {
      // Packages put their files at the top; tolerate a folder around them.
      const name = entry.fileName.split('/').pop()!;
      if (!names.includes(name)) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      found.set(name, Buffer.concat(chunks).toString('utf8'));
    }
  } finally {
    zip.close();
  }
  return found;
}
