/**
 * Backup and restore of the embedded platform's data:
 *
 *   npm run pont -- backup --out <file>
 *   npm run pont -- restore <file> [--replace]
 *
 * A backup holds every item of both tables (the study data and the identity
 * store) and the outbox's messages, encrypted with a passphrase
 * (cli/backup-file.ts): PONT_BACKUP_PASSPHRASE, or asked for at the terminal.
 *
 * When Pont is running (<PONT_DATA_DIR>/platform.json), it is paused while the
 * tables are read or replaced (infra/local/maintenance.ts): the API answers 503
 * with Retry-After for those seconds, so the backup is one moment's data. When
 * it is not running, DynamoDB Local is started on the data folder for the time
 * of the command.
 *
 * A restore reads the whole file once to check it (passphrase, every byte)
 * before anything changes, saves what the platform holds now as a backup
 * under <data folder>/backups/ with the same passphrase, then replaces both
 * tables and the outbox, and counts the items back.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, DynamoDBClient, ScanCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { reloadConfig } from '../functions/config.js';
import { PLATFORM_SCOPE, recordAudit } from '../functions/storage/audit.js';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import { sendControl, type ControlEndpoint } from '../infra/local/maintenance.js';
import { ensureTables, IDENTITY_TABLE_NAME, REPO_ROOT, TABLE_NAME } from '../infra/local/platform.js';
import { BackupUnreadable, MIN_PASSPHRASE_LENGTH, readBackup, writeBackup, type BackupLine } from './backup-file.js';
import { writeUntilProcessed } from './batch-write.js';

/** What the embedded platform writes at start (infra/local/platform.ts). */
const PlatformFile = z.object({
  url: z.string(),
  dynamodbEndpoint: z.url(),
  tableName: z.string(),
  identityTableName: z.string(),
  dataDir: z.string().nullable().optional(),
  control: z.object({ url: z.url(), secret: z.string() }).optional(),
});

/** Long enough for a pilot's data; the platform resumes by itself if this command dies. */
const PAUSE_SECONDS = 300;

type Tables = { main: string; identity: string };

/** Where the data is, and how to reach it for the length of one command. */
type Target = {
  endpoint: string;
  client: DynamoDBClient;
  tables: Tables;
  dataDir: string | undefined;
  running?: { url: string; control: ControlEndpoint };
  close: () => Promise<void>;
};

class Refused extends Error {}

async function openTarget(dataDirSetting: string, mustExist: boolean): Promise<Target> {
  const dataDir = resolve(dataDirSetting);
  const platformFile = join(dataDir, 'platform.json');
  if (existsSync(platformFile)) {
    const platform = PlatformFile.parse(JSON.parse(readFileSync(platformFile, 'utf8')));
    if (!platform.control) throw new Refused(`The Pont running at ${platform.url} is older than this command: stop it, then run the command again.`);
    const client = localClient(platform.dynamodbEndpoint);
    return {
      endpoint: platform.dynamodbEndpoint,
      client,
      tables: { main: platform.tableName, identity: platform.identityTableName },
      dataDir: platform.dataDir ?? undefined,
      running: { url: platform.url, control: platform.control },
      close: async () => client.destroy(),
    };
  }
  if (mustExist && !existsSync(join(dataDir, 'dynamodb'))) throw new Refused(`There is no Pont data in ${dataDir} (start Pont once, or set PONT_DATA_DIR).`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dynamo = await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb') });
  await ensureTables(dynamo.endpoint);
  const client = localClient(dynamo.endpoint);
  return {
    endpoint: dynamo.endpoint,
    client,
    tables: { main: TABLE_NAME, identity: IDENTITY_TABLE_NAME },
    dataDir,
    close: async () => {
      client.destroy();
      await dynamo.stop();
    },
  };
}

const localClient = (endpoint: string) => new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/** Every item of a table, strongly consistent, page by page. */
async function* scanTable(client: DynamoDBClient, table: string): AsyncGenerator<Record<string, AttributeValue>> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** The lines of a backup of the target, counting as it goes. */
async function* snapshotLines(target: Target, counts: Counts): AsyncGenerator<BackupLine> {
  for (const table of ['main', 'identity'] as const) {
    for await (const item of scanTable(target.client, target.tables[table])) {
      counts[table] += 1;
      yield { kind: 'item', table, item };
    }
  }
  const outbox = target.dataDir && join(target.dataDir, 'outbox');
  if (outbox && existsSync(outbox)) {
    for (const name of readdirSync(outbox).sort()) {
      if (!name.endsWith('.json')) continue;
      counts.outbox += 1;
      yield { kind: 'outbox', name, content: readFileSync(join(outbox, name)).toString('base64') };
    }
  }
}

type Counts = { main: number; identity: number; outbox: number };
const noCounts = (): Counts => ({ main: 0, identity: 0, outbox: 0 });
const describe = (c: Counts) => `${c.main} items of study data, ${c.identity} of the identity store, ${c.outbox} outbox messages`;

/** Written under a temporary name and renamed at the end: a file under the given name is always whole. */
async function backupTo(target: Target, file: string, passphrase: string): Promise<{ counts: Counts; bytes: number }> {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const counts = noCounts();
  try {
    const { bytes } = await writeBackup(partial, passphrase, snapshotLines(target, counts));
    renameSync(partial, file);
    return { counts, bytes };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** Pauses the running platform (if any) around `work`, and always lets it go on. */
async function whilePaused<T>(target: Target, work: () => Promise<T>, restored = () => false): Promise<T> {
  if (!target.running) return work();
  await sendControl(target.running.control, { action: 'pause', seconds: PAUSE_SECONDS });
  try {
    return await work();
  } finally {
    await sendControl(target.running.control, { action: 'resume', restored: restored() });
  }
}

/** Audit entries go to the target's main table through the storage module, as the handlers write them. */
async function audit(target: Target, action: string, detail: Record<string, string | number>): Promise<void> {
  Object.assign(process.env, {
    TABLE_NAME: target.tables.main,
    IDENTITY_TABLE_NAME: target.tables.identity,
    DYNAMODB_ENDPOINT: target.endpoint,
    AWS_REGION: 'eu-west-2',
    AUTH_MODE: 'local',
  });
  reloadConfig();
  await recordAudit({ scope: PLATFORM_SCOPE, actor: 'operator', action, detail });
}

async function passphraseFor(purpose: 'backup' | 'restore'): Promise<string> {
  const given = process.env.PONT_BACKUP_PASSPHRASE;
  const passphrase = given ?? (await ask('Backup passphrase: '));
  if (purpose === 'backup' && passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new Refused(`The passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters: it is all that protects every participant's details in the file.`);
  }
  if (purpose === 'backup' && given === undefined && (await ask('The same passphrase again: ')) !== passphrase) throw new Refused('The two passphrases differ.');
  return passphrase;
}

async function ask(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new Refused('Set PONT_BACKUP_PASSPHRASE to give the passphrase without a terminal.');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

const dataDirSetting = () => process.env.PONT_DATA_DIR ?? join(REPO_ROOT, '.data');

export async function backupCommand(args: string[]): Promise<number> {
  return refusalsToExit(async () => {
    const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true });
    if (!values.out || positionals.length > 0) throw new Refused('Usage: npm run pont -- backup --out <file>');
    const file = resolve(values.out);
    if (existsSync(file)) throw new Refused(`${file} exists already: name a new file (a backup never overwrites one).`);
    const passphrase = await passphraseFor('backup');
    const target = await openTarget(dataDirSetting(), true);
    try {
      const started = Date.now();
      const { counts, bytes } = await whilePaused(target, () => backupTo(target, file, passphrase));
      await audit(target, 'data.backed_up', { ...counts, bytes });
      console.log(`✓ Backed up ${describe(counts)} to ${file} (${(bytes / 1024).toFixed(0)} KB, encrypted, in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      if (target.running) console.log(`  ${target.running.url} was paused while the tables were read, and is serving again.`);
      console.log('  Keep the passphrase apart from the file: without it the backup cannot be read, by anyone.');
      return 0;
    } finally {
      await target.close();
    }
  });
}

export async function restoreCommand(args: string[]): Promise<number> {
  return refusalsToExit(async () => {
    const { values, positionals } = parseArgs({ args, options: { replace: { type: 'boolean', default: false } }, allowPositionals: true });
    if (positionals.length !== 1) throw new Refused('Usage: npm run pont -- restore <file> [--replace]');
    const file = resolve(positionals[0]!);
    if (!existsSync(file)) throw new Refused(`${file} does not exist.`);
    const passphrase = await passphraseFor('restore');

    // Read through once, changing nothing: a wrong passphrase or a changed byte stops here.
    const expected = noCounts();
    const { createdAt } = await readBackup(file, passphrase, (line) => {
      if (line.kind === 'item') expected[line.table] += 1;
      else expected.outbox += 1;
    });

    const target = await openTarget(dataDirSetting(), false);
    try {
      const current = await countItems(target);
      const holdsData = current.main + current.identity > 0;
      if (holdsData && !values.replace) {
        throw new Refused(
          `${target.running ? `The Pont running at ${target.running.url}` : 'The data folder'} holds ${describe(current)}. ` +
            'A restore replaces all of it with the backup: run again with --replace (what is there now is saved first as a backup).',
        );
      }
      const started = Date.now();
      let safetyCopy: string | undefined;
      let replaced = false;
      const restored = await whilePaused(
        target,
        async () => {
          if (holdsData) {
            const dir = join(target.dataDir ?? resolve(dataDirSetting()), 'backups');
            mkdirSync(dir, { recursive: true, mode: 0o700 });
            safetyCopy = join(dir, `before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}.pontbackup`);
            await backupTo(target, safetyCopy, passphrase);
          }
          replaced = true;
          await emptyTables(target);
          const outbox = target.dataDir && join(target.dataDir, 'outbox');
          if (outbox) {
            rmSync(outbox, { recursive: true, force: true });
            mkdirSync(outbox, { recursive: true, mode: 0o700 });
          }
          const writer = new BatchWriter(target.client);
          await readBackup(file, passphrase, async (line) => {
            if (line.kind === 'item') return writer.put(target.tables[line.table], line.item as Record<string, AttributeValue>);
            if (outbox) writeFileSync(join(outbox, line.name), Buffer.from(line.content, 'base64'), { mode: 0o600 });
          });
          await writer.flush();
          return countItems(target);
        },
        () => replaced,
      );
      const outboxRestored = target.dataDir ? expected.outbox : 0;
      if (restored.main !== expected.main || restored.identity !== expected.identity) {
        throw new Error(`The restore wrote ${describe({ ...restored, outbox: outboxRestored })} but the backup holds ${describe(expected)}.${safetyCopy ? ` What was there before is in ${safetyCopy}.` : ''}`);
      }
      await audit(target, 'data.restored', { ...expected, backupCreatedAt: createdAt.toISOString() });
      console.log(`✓ Restored ${describe({ ...expected, outbox: outboxRestored })} from the backup of ${createdAt.toISOString()} (in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      if (safetyCopy) console.log(`  What was there before is saved in ${safetyCopy} (same passphrase).`);
      if (target.running) console.log(`  ${target.running.url} is serving the restored data.`);
      return 0;
    } finally {
      await target.close();
    }
  });
}

async function countItems(target: Target): Promise<Counts> {
  const counts = noCounts();
  for (const table of ['main', 'identity'] as const) {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await target.client.send(new ScanCommand({ TableName: target.tables[table], Select: 'COUNT', ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
      counts[table] += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return counts;
}

async function emptyTables(target: Target): Promise<void> {
  const writer = new BatchWriter(target.client);
  for (const table of [target.tables.main, target.tables.identity]) {
    for await (const item of scanTable(target.client, table)) await writer.delete(table, { PK: item.PK!, SK: item.SK! });
  }
  await writer.flush();
}

/** BatchWriteItem, 25 requests at a time, sending again what DynamoDB left unprocessed (batch-write.ts). */
class BatchWriter {
  private pending: Array<{ table: string; request: WriteRequest }> = [];
  constructor(private readonly client: DynamoDBClient) {}

  put(table: string, item: Record<string, AttributeValue>) {
    return this.add(table, { PutRequest: { Item: item } });
  }

  delete(table: string, key: Record<string, AttributeValue>) {
    return this.add(table, { DeleteRequest: { Key: key } });
  }

  private async add(table: string, request: WriteRequest): Promise<void> {
    this.pending.push({ table, request });
    if (this.pending.length >= 25) await this.flush();
  }

  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 25);
      const requests: Record<string, WriteRequest[]> = {};
      for (const { table, request } of batch) (requests[table] ??= []).push(request);
      await writeUntilProcessed(
        requests,
        async (RequestItems) => (await this.client.send(new BatchWriteItemCommand({ RequestItems }))).UnprocessedItems,
        () => new Error('DynamoDB kept refusing writes: the restore stopped part-way (the backup taken before it has the data that was there)'),
      );
    }
  }
}

async function refusalsToExit(work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Refused || error instanceof BackupUnreadable) {
      console.error(`✗ ${error.message}`);
      return 1;
    }
    throw error;
  }
}
