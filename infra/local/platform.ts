/**
 * The embedded platform: DynamoDB Local, the tables, the real Lambda handlers
 * behind the API Gateway stand-in, and the web app, on one origin.
 * Used by `npm start` and by the browser tests alike.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import { isIPv4, type AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { generateLocalSigningKeys } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import { hashPassword, newPassword } from '../../functions/domain/passwords.js';
import { exportsInFlight } from '../../functions/exports/export-jobs.js';
import { resetExportStore } from '../../functions/exports/configured-export-store.js';
import { routes } from '../../functions/routes.js';
import { runDueReminders } from '../../functions/scheduled/send-reminders.js';
import { linkJobsInFlight } from '../../functions/link-jobs/link-job-runner.js';
import { shredExpiredLinkSheets } from '../../functions/storage/link-jobs.js';
import { identityTable, mainTable } from '../../functions/storage/table-definition.js';
import { PLATFORM_SCOPE, recordAudit } from '../../functions/storage/audit.js';
import { forgetCachedItems } from '../../functions/storage/item-cache.js';
import { resetLocalAdmin } from '../../functions/storage/users.js';
import { runUpgrades, type UpgradeOutcome } from '../../functions/upgrades/run-upgrades.js';
import type { LambdaHandler } from './api-gateway.js';
import { superviseDynamoDbLocal, type SupervisedDynamoDbLocal } from './dynamodb-local.js';
import { ADMIN_EMAIL, seedDemo, type DemoLink, type SeedResult, type ShippedInstruments } from './seed.js';
import { RequestGate, startControlServer } from './maintenance.js';
import { createEmbeddedServer } from './server.js';
import { StaticSite } from './static-site.js';
import { ensureTable } from './tables.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export type PlatformOptions = {
  /** Where data persists; undefined keeps everything in memory. */
  dataDir?: string;
  /**
   * Where to write platform.json, which tells tools on this machine (npm run
   * pont -- demo-cohort) how to reach this platform's database, removed at
   * stop. Defaults to dataDir; `npm start -- --in-memory` sets it too.
   */
  announceIn?: string;
  port: number;
  host: string;
  seed: boolean;
  resetAdminPassword?: boolean;
  webDir?: string;
  instrumentsDir?: string;
  /** Serve HTTPS with this certificate and key (PEM): needed to listen beyond this machine. */
  tls?: { cert: Buffer; key: Buffer };
  /**
   * The https address of a TLS-terminating proxy in front (the operator's
   * statement that one is there): allows a non-loopback host without `tls`,
   * and is the address personal links in emails point at.
   */
  behindTlsProxy?: string;
  /**
   * A DynamoDB Local someone else runs (the browser tests share one per run):
   * the platform makes these tables there, and leaves the database running at
   * stop. Unset, the platform starts and watches its own.
   */
  database?: { endpoint: string; tableName: string; identityTableName: string };
};

export type Platform = {
  url: string;
  demoLinks: DemoLink[];
  /** When seeded: the shipped instrument versions, and how many this start published. */
  instruments?: ShippedInstruments;
  /** Set when an admin password was created or reset by this start: show it once. */
  adminPassword?: string;
  adminEmail: string;
  /** The data upgrades this start ran (none once the data folder has had them all): print what they did, and their notices. */
  upgradesRun: UpgradeOutcome[];
  /** The platform's DynamoDB Local (its process, when the platform started it). */
  dynamo: Pick<SupervisedDynamoDbLocal, 'endpoint' | 'state' | 'stop'> & { pid?: number };
  tables: { main: string; identity: string };
  stop: () => Promise<void>;
};

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  assertSafeExposure(options);
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const site = new StaticSite(options.webDir ?? join(REPO_ROOT, 'web', 'dist'));
  // Watched: if DynamoDB Local dies, it is started again on the same data and port, and its tables made again when in memory.
  const tableName = options.database?.tableName ?? TABLE_NAME;
  const identityTableName = options.database?.identityTableName ?? IDENTITY_TABLE_NAME;
  const dynamo: Platform['dynamo'] = options.database
    ? { endpoint: options.database.endpoint, state: () => 'ready', stop: async () => undefined }
    : await superviseDynamoDbLocal({ ...(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {}), afterRestart: async () => void (await ensureTables(dynamo.endpoint, tableName, identityTableName)) });
  let server: Server | undefined;
  let control: Awaited<ReturnType<typeof startControlServer>> | undefined;
  let temporaryOutbox: string | undefined;
  let temporaryExportDir: string | undefined;
  try {
    const signingKeys = await localSigningKeys(dataDir);
    // The handlers read their configuration from the environment, as in Lambda.
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      IDENTITY_TABLE_NAME: identityTableName,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: 'eu-west-2',
      AUTH_MODE: 'local',
      LOCAL_JWT_PRIVATE_JWK: signingKeys.privateJwk,
      LOCAL_JWT_PUBLIC_JWK: signingKeys.publicJwk,
    });
    // Every email (invitations, reminders, messages to the study team) is written to the outbox folder, which
    // the console lists, instead of being sent: beside the data, or for an in-memory run in a temporary folder
    // removed at stop.
    process.env.OUTBOX_DIR = dataDir ? join(dataDir, 'outbox') : (temporaryOutbox = mkdtempSync(join(tmpdir(), 'pont-outbox-')));
    // Dataset packages: beside the data, or in a temporary folder removed at stop for an in-memory run.
    // The URL-signing secret is new at every start: download links live for minutes, not across restarts.
    process.env.EXPORT_DIR = dataDir ? join(dataDir, 'exports') : (temporaryExportDir = mkdtempSync(join(tmpdir(), 'pont-exports-')));
    process.env.EXPORT_URL_SECRET = randomBytes(32).toString('base64url');
    resetExportStore();
    reloadConfig();
    const tables = await ensureTables(dynamo.endpoint, tableName, identityTableName);
    // Data folders made by an older Pont get the upgrades they have not had (functions/upgrades/), before
    // seeding: the same runner a deploy runs in AWS. A failed upgrade stops the start; the next start retries it.
    // A new data folder has nothing to upgrade: the upgrades are recorded as done, and nothing is said of them.
    const upgradesRun = (await runUpgrades()).filter((outcome) => outcome.status !== 'done_before' && tables === 'existed');

    const seeded: Partial<SeedResult> & Pick<SeedResult, 'demoLinks'> = options.seed ? await seedDemo(options.instrumentsDir ?? join(REPO_ROOT, 'instruments')) : { demoLinks: [] };
    const demoLinks = rememberDemoLinks(dataDir, seeded.demoLinks);
    let adminPassword = seeded.adminPassword;
    if (options.resetAdminPassword && !adminPassword) {
      adminPassword = newPassword();
      const reset = await resetLocalAdmin(ADMIN_EMAIL, await hashPassword(adminPassword));
      if (reset) await recordAudit({ scope: PLATFORM_SCOPE, actor: 'operator', action: 'user.reset_by_operator', detail: { userId: reset.userId } });
      else adminPassword = undefined; // no such account to reset
    }

    const gate = new RequestGate();
    server = createEmbeddedServer({ routes, handlers: await loadHandlers(), site, databaseReady: () => dynamo.state() === 'ready', gate, ...(options.tls ? { tls: options.tls } : {}) });
    const address = await listen(server, options.port, options.host);
    const scheme = options.tls ? 'https' : 'http';
    const url = `${scheme}://${['0.0.0.0', '127.0.0.1', '::'].includes(options.host) ? 'localhost' : address.address}:${address.port}`;
    const running = server;
    // Links in emails point at this server, or at the proxy in front of it.
    process.env.PUBLIC_WEB_URL = options.behindTlsProxy?.replace(/\/+$/, '') ?? url;
    reloadConfig();
    const reminders = scheduleReminders(gate);
    const announceIn = options.announceIn ? resolve(options.announceIn) : dataDir;
    const platformFile = announceIn && join(announceIn, 'platform.json');
    // Backups and restores of this running platform pause it through here (cli/backup.ts); only platform.json knows the secret.
    control = platformFile
      ? await startControlServer({
          pause: (seconds) => gate.pause(seconds, () => Promise.all([exportsInFlight(), linkJobsInFlight(), reminders.idle()])),
          resume: (restored) => {
            if (restored) forgetCachedItems();
            gate.resume();
          },
        })
      : undefined;
    const controlEndpoint = control && { url: control.url, secret: control.secret };
    if (announceIn) mkdirSync(announceIn, { recursive: true, mode: 0o700 });
    if (platformFile) {
      writeFileSync(platformFile, JSON.stringify({ url, dynamodbEndpoint: dynamo.endpoint, tableName, identityTableName, dataDir: dataDir ?? null, control: controlEndpoint }, null, 2), { mode: 0o600 });
    }
    const runningControl = control;
    return {
      url,
      demoLinks,
      adminEmail: ADMIN_EMAIL,
      upgradesRun,
      dynamo,
      tables: { main: tableName, identity: identityTableName },
      ...(adminPassword ? { adminPassword } : {}),
      ...(seeded.instruments ? { instruments: seeded.instruments } : {}),
      stop: async () => {
        reminders.stop();
        await runningControl?.close();
        running.closeAllConnections();
        await new Promise<void>((done) => running.close(() => done()));
        if (platformFile) rmSync(platformFile, { force: true });
        await Promise.all([exportsInFlight(), linkJobsInFlight()]);
        await dynamo.stop();
        if (temporaryOutbox) rmSync(temporaryOutbox, { recursive: true, force: true });
        if (temporaryExportDir) rmSync(temporaryExportDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    server?.close();
    await control?.close();
    await dynamo.stop();
    if (temporaryOutbox) rmSync(temporaryOutbox, { recursive: true, force: true });
    throw error;
  }
}

export const TABLE_NAME = 'pont';
export const IDENTITY_TABLE_NAME = 'pont-identity';

/** Both tables, from the one table definition; a no-op for tables that exist. Says whether the main table was new. */
export async function ensureTables(endpoint: string, tableName = TABLE_NAME, identityTableName = IDENTITY_TABLE_NAME): Promise<'created' | 'existed'> {
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const main = await ensureTable(client, mainTable, tableName);
    await ensureTable(client, identityTable, identityTableName);
    return main;
  } finally {
    client.destroy();
  }
}

/** How often the embedded platform sends due reminders (AWS: daily, by EventBridge Scheduler). */
export const REMINDER_INTERVAL_MS = 3600_000;

/**
 * Sends due reminders a minute after start and then hourly, the same operation
 * the daily schedule runs in AWS. The timers are unref'd: they never keep the
 * process alive, and a failed run is logged (counts only) and tried next hour.
 */
function scheduleReminders(gate: RequestGate): { stop(): void; idle(): Promise<void> } {
  let current: Promise<void> = Promise.resolve();
  const run = () => {
    // A backup or restore has paused the platform: the next hour's run sends what is due.
    if (gate.paused()) return;
    // Expired link sheets are shredded on the same round: DynamoDB Local has no TTL to do it.
    current = Promise.all([runDueReminders(), shredExpiredLinkSheets(new Date())])
      .then(() => undefined)
      .catch((error: unknown) => console.error(JSON.stringify({ level: 'error', event: 'reminders_failed', error: error instanceof Error ? error.name : 'unknown' })));
  };
  const first = setTimeout(run, 60_000).unref();
  const hourly = setInterval(run, REMINDER_INTERVAL_MS).unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(hourly);
    },
    idle: () => current,
  };
}

export class ExposureRefused extends Error {}

/** Hosts that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return isIPv4(v4) && v4.startsWith('127.');
}

/**
 * Personal links, researchers' passwords and answers must not cross a network
 * in clear: listening beyond this machine needs TLS here, or the operator's
 * word that a TLS-terminating proxy is in front (and its https address).
 */
function assertSafeExposure(options: Pick<PlatformOptions, 'host' | 'tls' | 'behindTlsProxy'>): void {
  if (options.behindTlsProxy !== undefined) {
    let proxy: URL | undefined;
    try {
      proxy = new URL(options.behindTlsProxy);
    } catch {
      proxy = undefined;
    }
    if (!proxy || proxy.protocol !== 'https:' || proxy.pathname !== '/' || proxy.search || proxy.hash || proxy.username) {
      throw new ExposureRefused(`--behind-tls-proxy must be the https address people use, such as https://pont.example.org (got "${options.behindTlsProxy}")`);
    }
  }
  if (options.tls) {
    try {
      // Refuses PEM it cannot read and a key that does not match the certificate, before anything starts.
      createSecureContext({ cert: options.tls.cert, key: options.tls.key });
    } catch (error) {
      throw new ExposureRefused(`The TLS certificate and key cannot be used: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (isLoopbackHost(options.host) || options.tls || options.behindTlsProxy) return;
  throw new ExposureRefused(
    [
      `HOST=${options.host} would serve personal links, researchers' passwords and answers over plain HTTP to every machine that can reach this one.`,
      'Pont listens beyond this machine only with TLS:',
      '  npm start -- --tls-cert <certificate.pem> --tls-key <key.pem>      serve HTTPS here, or',
      '  npm start -- --behind-tls-proxy https://<the address people use>   a TLS-terminating proxy in front forwards to Pont',
      'Without HOST, Pont listens on 127.0.0.1 (this machine only).',
    ].join('\n'),
  );
}

/** Every route's real handler module, loaded as Lambda would load it. */
export async function loadHandlers(): Promise<Map<string, LambdaHandler>> {
  const handlers = new Map<string, LambdaHandler>();
  for (const route of routes) {
    const module = (await import(pathToFileURL(join(REPO_ROOT, 'functions', 'handlers', `${route.handler}.ts`)).href)) as { handler: LambdaHandler };
    handlers.set(route.name, module.handler);
  }
  return handlers;
}

/** The embedded sign-in key pair: made once and kept with the data, so sessions survive a restart. */
async function localSigningKeys(dataDir: string | undefined): Promise<{ privateJwk: string; publicJwk: string }> {
  const file = dataDir && join(dataDir, 'local-signing-key.json');
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const keys = await generateLocalSigningKeys();
  if (file) writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

/**
 * Demo links cannot be read back from the database (tokens are stored hashed),
 * so the embedded platform keeps the demo participants' links beside the data
 * to print them at every start. Only demo participants' links are ever written.
 */
function rememberDemoLinks(dataDir: string | undefined, created: DemoLink[]): DemoLink[] {
  const file = dataDir && join(dataDir, 'demo-links.json');
  if (!file) return created;
  if (created.length > 0) {
    writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
    return created;
  }
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoLink[]) : [];
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done(server.address() as AddressInfo);
    });
  });
}
