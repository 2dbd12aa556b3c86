/** Reading instrument files from disk for the researcher tools. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { checkInstrumentText, type InstrumentProblem } from '../functions/domain/instrument-check.js';
import type { InstrumentVersion } from '../functions/domain/instrument.js';
import { supportTableMarkdown } from '../functions/domain/question-support.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
export const INSTRUMENTS_DIR = join(REPO_ROOT, 'instruments');
export const SCHEMA_FILE = join(INSTRUMENTS_DIR, 'instrument.schema.json');
export const README_FILE = join(REPO_ROOT, 'README.md');

const TABLE_START = '<!-- question-support table: npm run pont -- instrument support-table -->';
const TABLE_END = '<!-- end of question-support table -->';

/** The README with its coverage table made again from functions/domain/question-support.ts. */
export function withSupportTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no coverage table between "${TABLE_START}" and "${TABLE_END}"`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${supportTableMarkdown()}\n${readme.slice(end)}`;
}

export type FileCheck = { file: string; instrument?: InstrumentVersion; problems: InstrumentProblem[] };

export function checkInstrumentFile(file: string): FileCheck {
  const shown = relative(process.cwd(), resolve(file)) || file;
  if (!existsSync(file)) return { file: shown, problems: [{ path: '(file)', message: 'no such file' }] };
  const check = checkInstrumentText(readFileSync(file, 'utf8'));
  if (!check.ok) return { file: shown, problems: check.problems };
  const { instrument } = check;
  const problems: InstrumentProblem[] = [];
  // instruments/<id>/<version>.json: the layout makes every version easy to find and diff.
  if (basename(file) !== `${instrument.version}.json` || basename(dirname(resolve(file))) !== instrument.id) {
    problems.push({ path: '(file)', message: `save it as instruments/${instrument.id}/${instrument.version}.json to match its id and version` });
  }
  return { file: shown, instrument, problems };
}

/** `ons4@1.0.0` → the file in instruments/. */
export function fileOfReference(reference: string): string {
  const match = /^([a-z][a-z0-9-]*)@(\d+\.\d+\.\d+)$/.exec(reference);
  if (!match) throw new Error(`"${reference}" is not an instrument reference: write it as <id>@<version>, e.g. ons4@1.0.0`);
  return join(INSTRUMENTS_DIR, match[1]!, `${match[2]}.json`);
}
