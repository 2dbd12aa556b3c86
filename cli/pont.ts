/**
 * Researcher tools: npm run pont -- <command>
 *
 *   instrument validate <file…>        check instrument files; non-zero exit on any problem
 *   instrument schema                  regenerate instruments/instrument.schema.json
 */
import { writeFileSync } from 'node:fs';
import { instrumentJsonSchema } from '../functions/domain/instrument.js';
import { checkInstrumentFile, SCHEMA_FILE } from './instrument-files.js';

const USAGE = `Usage: npm run pont -- instrument <validate|schema> …
  instrument validate <file…>   check instrument files
  instrument schema             regenerate instruments/instrument.schema.json`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  'instrument validate': async (files) => {
    if (files.length === 0) {
      console.error('Name at least one instrument file, e.g. instruments/ons4/1.0.0.json');
      return 2;
    }
    let failed = 0;
    for (const file of files) {
      const { problems, instrument } = checkInstrumentFile(file);
      if (problems.length === 0) {
        console.log(`✓ ${file}: ${instrument!.id}@${instrument!.version} is valid`);
        continue;
      }
      failed += 1;
      console.error(`✗ ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
      for (const problem of problems) console.error(`    ${problem.path}: ${problem.message}`);
    }
    return failed > 0 ? 1 : 0;
  },
  'instrument schema': async () => {
    writeFileSync(SCHEMA_FILE, `${JSON.stringify(instrumentJsonSchema(), null, 2)}\n`);
    console.log(`Wrote ${SCHEMA_FILE}`);
    return 0;
  },
};

export async function run(argv: string[]): Promise<number> {
  const [group, verb, ...rest] = argv;
  const command = commands[`${group} ${verb}`];
  if (!command) {
    console.error(USAGE);
    return 2;
  }
  return command(rest);
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
