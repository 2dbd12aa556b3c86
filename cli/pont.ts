/**
 * Researcher tools: npm run pont -- <command>
 *
 *   instrument validate <file…>        check instrument files; non-zero exit on any problem
 *   instrument diff <id>@<a> <id>@<b>  what changed between two versions, and whether scores stay comparable
 *   instrument schema                  regenerate instruments/instrument.schema.json
 *   instrument support-table           regenerate the README's table of supported question types and properties
 *   instrument publish <file>          publish a version to a running Pont (see cli/api-session.ts)
 *   instrument preview <file> [--port 3100]
 *                                      show a file in the respondent page, reloading as it changes (cli/preview/)
 *   demo-cohort [--participants N] [--waves W] [--study id] [--seed S]
 *                                      fill a new study with a synthetic cohort, straight into DynamoDB (cli/demo-cohort.ts)
 *   export <study> --out <dir> [options]
 *                                      download an anonymised dataset package (cli/export.ts)
 *   backup --out <file> | restore <file> [--replace]
 *                                      the embedded platform's data, encrypted with a passphrase (cli/backup.ts)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PublishInstrumentResult } from '../functions/contracts/instruments.js';
import type { PreviewResult } from '../functions/contracts/preview.js';
import { instrumentJsonSchema } from '../functions/domain/instrument.js';
import { errorMessage, openSession, reach } from './api-session.js';
import { diffInstruments, type InstrumentDiff } from '../functions/domain/instrument-diff.js';
import { checkInstrumentFile, fileOfReference, README_FILE, SCHEMA_FILE, withSupportTable } from './instrument-files.js';
import { DEFAULT_PREVIEW_PORT, previewResult, startPreviewServer } from './preview/server.js';

const USAGE = `Usage: npm run pont -- instrument <command> … | demo-cohort …
  instrument validate <file…>   check instrument files
  instrument publish <file>     publish a version to a running Pont (PONT_URL, PONT_EMAIL, PONT_PASSWORD or PONT_TOKEN)
  instrument preview <file>     show a file in the respondent page, in English and Welsh (--port, default 3100)
  instrument diff <id>@<a> <id>@<b>   what changed between two versions; whether scores stay comparable
  instrument schema             regenerate instruments/instrument.schema.json
  instrument support-table      regenerate the README's table of supported question types and properties
  demo-cohort --participants 10000 --waves 3 [--study demo-cohort] [--seed pont]
                                fill a new study with synthetic participants and answers (marked synthetic)
  export <study> --out <dir> [--include-partial] [--include-free-text] [--study-stable-key] [--k 5]
                                download an anonymised dataset package from a running Pont (analyst or admin)
  backup --out <file>           the embedded platform's data (both tables, the outbox), encrypted with a passphrase
                                (PONT_BACKUP_PASSPHRASE, or asked for); a running Pont pauses for those seconds
  restore <file> [--replace]    put a backup back; --replace when there is data (saved first under .data/backups/)`;

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
  'instrument publish': async ([file, ...extra]) => {
    if (!file || extra.length > 0) {
      console.error('Name one instrument file, e.g. npm run pont -- instrument publish instruments/ons4/1.0.0.json');
      return 2;
    }
    const { problems, instrument } = checkInstrumentFile(file);
    if (problems.length > 0 || !instrument) {
      console.error(`✗ ${file} has problems; run instrument validate and fix them first`);
      for (const problem of problems) console.error(`    ${problem.path}: ${problem.message}`);
      return 1;
    }
    const session = await openSession();
    const response = await reach(session.url, `/api/instruments/${instrument.id}/versions/${instrument.version}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: readFileSync(file, 'utf8'),
    });
    const body = await response.json();
    if (!response.ok) {
      console.error(`✗ ${instrument.id}@${instrument.version} was not published: ${errorMessage(body, response.status)}`);
      return 1;
    }
    const result = PublishInstrumentResult.parse(body);
    console.log(
      result.status === 'published'
        ? `✓ Published ${result.id}@${result.version} (content hash ${result.contentHash.slice(0, 12)}…) at ${session.url}`
        : `✓ ${result.id}@${result.version} was already published with this content; nothing changed`,
    );
    return 0;
  },
  'instrument diff': async (references) => {
    if (references.length !== 2) {
      console.error('Name two versions, e.g. npm run pont -- instrument diff ons4@1.0.0 ons4@1.1.0');
      return 2;
    }
    const [from, to] = references.map((reference) => {
      const { instrument, problems } = checkInstrumentFile(fileOfReference(reference));
      if (!instrument || problems.length > 0) throw new Error(`${reference}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      return instrument;
    });
    console.log(formatDiff(diffInstruments(from!, to!)));
    return 0;
  },
  'instrument schema': async () => {
    writeFileSync(SCHEMA_FILE, `${JSON.stringify(instrumentJsonSchema(), null, 2)}\n`);
    console.log(`Wrote ${SCHEMA_FILE}`);
    return 0;
  },
  'instrument support-table': async () => {
    writeFileSync(README_FILE, withSupportTable(readFileSync(README_FILE, 'utf8')));
    console.log(`Wrote the coverage table in ${README_FILE}`);
    return 0;
  },
  'instrument preview': async (args) => {
    const { values, positionals } = parseArgs({ args, options: { port: { type: 'string' } }, allowPositionals: true });
    const port = Number(values.port ?? DEFAULT_PREVIEW_PORT);
    if (positionals.length !== 1 || !Number.isInteger(port) || port < 0 || port > 65535) {
      console.error('Name one instrument file, e.g. npm run pont -- instrument preview instruments/ons4/1.0.0.json [--port 3100]');
      return 2;
    }
    const file = positionals[0]!;
    console.log('Building the respondent page…');
    const preview = await startPreviewServer({
      file,
      port,
      onChange: (result) => console.log(`${new Date().toLocaleTimeString('en-GB')} ${describePreview(result)}`),
    });
    console.log(
      [
        '',
        `Previewing ${describePreview(previewResult(file))}`,
        `Open ${preview.url} in your browser. It reloads whenever you save the file.`,
        'Answers given in the preview are not saved anywhere.',
        '',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
    const signal = await new Promise<string>((done) => {
      process.once('SIGINT', () => done('SIGINT'));
      process.once('SIGTERM', () => done('SIGTERM'));
    });
    console.log(`\n${signal}: stopping the preview…`);
    await preview.stop();
    return 0;
  },
};

function describePreview({ file, instrument, problems }: PreviewResult): string {
  if (instrument) return `✓ ${file}: ${instrument.id}@${instrument.version}`;
  return `✗ ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed on the page; instrument validate lists them too)`;
}

function formatDiff(diff: InstrumentDiff): string {
  const lines = [`${diff.from} → ${diff.to}`, '', 'Items:'];
  if (diff.items.length === 0) lines.push('  no changes');
  for (const item of diff.items) {
    lines.push(`  ${item.kind.padEnd(9)} ${item.name}${'what' in item ? ` (${item.what.join(', ')})` : ''}`);
  }
  lines.push('', 'Scales:');
  if (diff.scales.length === 0) lines.push('  none');
  for (const scale of diff.scales) {
    lines.push(`  ${scale.scaleId}: ${scale.verdict.replace(/-/g, ' ')}${scale.reasons.length ? `: ${scale.reasons.join('; ')}` : ''}`);
  }
  lines.push('', 'Privacy marks:');
  if (diff.privacy.length === 0) lines.push('  no changes');
  for (const change of diff.privacy) lines.push(`  ${change}`);
  if (diff.answerRules.length > 0) lines.push('', 'Answer rules:', ...diff.answerRules.map((change) => `  ${change}`));
  if (diff.scales.some((s) => s.verdict === 'not-comparable')) {
    lines.push('', 'Warning: a study that runs these two versions at different waves cannot compare the scores marked "not comparable".');
  }
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  // Loaded only when asked for: it brings in the AWS SDK and the storage modules, which the instrument tools do without.
  if (argv[0] === 'export') return (await import('./export.js')).exportCommand(argv.slice(1));
  if (argv[0] === 'sroi') return (await import('./sroi.js')).sroiCommand(argv.slice(1));
  if (argv[0] === 'backup') return (await import('./backup.js')).backupCommand(argv.slice(1));
  if (argv[0] === 'restore') return (await import('./backup.js')).restoreCommand(argv.slice(1));
  if (argv[0] === 'demo-cohort') return (await import('./demo-cohort.js')).demoCohortCommand(argv.slice(1));
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
