/**
 * `npm start`: the whole platform on this machine.
 *   npm start                  data kept in .data/ (git-ignored)
 *   npm start -- --in-memory   a throwaway run
 *   npm start -- --reset-admin-password
 *   npm start -- --tls-cert cert.pem --tls-key key.pem     HTTPS (needed for a HOST other than this machine)
 *   npm start -- --behind-tls-proxy https://pont.example.org   or: a TLS-terminating proxy is in front
 * Environment: PORT (default 3000), HOST (default 127.0.0.1), PONT_DATA_DIR (default .data).
 *
 * package.json starts Node with --max-semi-space-size=64 (MB; Node 20's default is 16), and the bench
 * too: one process serves every request here, unlike a Lambda container, and with 16 requests in
 * flight their objects outlived the default young generation, so V8 ran a full mark-compact every
 * 2-5 s with 13-22 ms pauses that stopped every request at once. Measured (submits, 16 in flight,
 * two pairs interleaved): p99 96 and 93 ms against 115 and 101 ms, at 270-287 against 263 req/s;
 * this host's own swings from hour to hour are as large, so that is a sign, not a proof.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { JavaMissingError } from './dynamodb-local.js';
import type { UpgradeOutcome } from '../../functions/upgrades/run-upgrades.js';
import { ExposureRefused, REPO_ROOT, startPlatform } from './platform.js';
import type { ShippedInstruments } from './seed.js';

const Settings = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PONT_DATA_DIR: z.string().default(join(REPO_ROOT, '.data')),
});

async function main(): Promise<void> {
  // The SDK's notice that its 2027 releases need Node 22 is tracked in the README; it is noise at every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      'in-memory': { type: 'boolean', default: false },
      'reset-admin-password': { type: 'boolean', default: false },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'behind-tls-proxy': { type: 'string' },
    },
  });
  const settings = Settings.parse(process.env);
  const tls = readTls(values['tls-cert'], values['tls-key']);
  const started = Date.now();
  const platform = await startPlatform({
    ...(values['in-memory'] ? {} : { dataDir: settings.PONT_DATA_DIR }),
    announceIn: settings.PONT_DATA_DIR,
    port: settings.PORT,
    host: settings.HOST,
    seed: true,
    resetAdminPassword: values['reset-admin-password'],
    ...(tls ? { tls } : {}),
    ...(values['behind-tls-proxy'] !== undefined ? { behindTlsProxy: values['behind-tls-proxy'] } : {}),
  });

  const lines = [
    '',
    `Pont is running at ${platform.url} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    ...(values['behind-tls-proxy'] ? [`People reach it through your TLS proxy at ${values['behind-tls-proxy']}; links in emails point there.`] : []),
    values['in-memory']
      ? 'Data is in memory and will be gone when you stop.'
      : `Data is kept in ${settings.PONT_DATA_DIR}; emails (invitations, reminders, messages to the study team) are written to ${join(settings.PONT_DATA_DIR, 'outbox')} instead of being sent`,
    ...(platform.instruments ? [instrumentLine(platform.instruments)] : []),
    ...upgradeLines(platform.upgradesRun),
    '',
    'Demo personal links (one per participant):',
    ...platform.demoLinks.map((link) => `  ${link.participantCode}  ${platform.url}/s/${link.token}`),
    '',
    `Researcher console: ${platform.url}/console`,
    platform.adminPassword
      ? `  Sign in as ${platform.adminEmail} with the temporary password ${platform.adminPassword}\n  (shown only now: you will choose your own at first sign-in; npm start -- --reset-admin-password makes a new one)`
      : `  Sign in as ${platform.adminEmail} (forgot the password? npm start -- --reset-admin-password)`,
    '',
    'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Pont…`);
    await platform.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** The certificate and key for HTTPS: both or neither, each a PEM file that can be read. */
function readTls(certFile: string | undefined, keyFile: string | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw new ExposureRefused('Give both --tls-cert and --tls-key (PEM files), or neither.');
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch {
      throw new ExposureRefused(`The TLS ${what} ${file} cannot be read.`);
    }
  };
  return { cert: read(certFile, 'certificate'), key: read(keyFile, 'key') };
}

function instrumentLine({ shipped, publishedNow }: ShippedInstruments): string {
  const versions = `${shipped} instrument version${shipped === 1 ? '' : 's'} in instruments/`;
  return publishedNow === 0 ? `${versions}, all published` : `${versions}: ${publishedNow} published now, ready for waves`;
}

/** What the data upgrades run by this start did, then one plain line per thing someone must now do. */
function upgradeLines(upgrades: UpgradeOutcome[]): string[] {
  if (upgrades.length === 0) return [];
  return [
    '',
    'Data upgrades run at this start:',
    ...upgrades.map((upgrade) => `  ${upgrade.id}: ${upgrade.summary.did}`),
    ...upgrades.flatMap((upgrade) => upgrade.summary.notices),
  ];
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError || error instanceof ExposureRefused) console.error(`\n${error.message}\n`);
  else console.error('\nPont could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
