/**
 * `npm run pont -- backup` and `restore` (issue #19, item 10): a running
 * platform is backed up, wiped and restored with nothing lost; the file is
 * encrypted; a wrong passphrase, a changed byte or a restore over data without
 * --replace changes nothing.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { readBackup } from '../../cli/backup-file.js';
import { OutboxMailer } from '../../functions/notifications/mailer.js';
import { setContact } from '../../functions/storage/identities.js';
import { DEMO_CONSENT_VERSION, DEMO_STUDY_ID } from '../../infra/local/seed.js';
import { sendControl } from '../../infra/local/maintenance.js';
import { IDENTITY_TABLE_NAME, REPO_ROOT, startPlatform, TABLE_NAME, type Platform } from '../../infra/local/platform.js';

const work = mkdtempSync(join(tmpdir(), 'pont-backup-'));
const dataDir = join(work, 'data');
const backupFile = join(work, 'pilot.pontbackup');
const PASSPHRASE = 'correct horse battery staple 2026';
let platform: Platform | undefined;
afterAll(async () => {
  await platform?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The CLI as a user runs it; asynchronous, since the platform it pauses runs in this process. */
function pont(args: string[], passphrase = PASSPHRASE): Promise<{ status: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/pont.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, PONT_DATA_DIR: dataDir, PONT_BACKUP_PASSPHRASE: passphrase },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('close', (status) => done({ status, out }));
  });
}

type Item = Record<string, AttributeValue>;
const keyOf = (item: Item) => `${item.PK!.S}|${item.SK!.S}`;

/** Both tables as they are, sorted, and the outbox's files: what must come back. */
async function everything(): Promise<{ main: Item[]; identity: Item[]; outbox: Record<string, string> }> {
  const { dynamodbEndpoint } = JSON.parse(readFileSync(join(dataDir, 'platform.json'), 'utf8'));
  const client = new DynamoDBClient({ endpoint: dynamodbEndpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const scan = async (table: string) => {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  };
  try {
    const outboxDir = join(dataDir, 'outbox');
    const outbox = Object.fromEntries((existsSync(outboxDir) ? readdirSync(outboxDir) : []).map((name) => [name, readFileSync(join(outboxDir, name), 'utf8')]));
    return { main: await scan(TABLE_NAME), identity: await scan(IDENTITY_TABLE_NAME), outbox };
  } finally {
    client.destroy();
  }
}

const isAuditOf = (action: string) => (item: Item) => item.action?.S === action;

describe('backup and restore of the embedded platform', () => {
  it('backs up a running platform, which is wiped and restored with nothing lost', { timeout: 300_000 }, async () => {
    // Arrange: a running pilot with answers, contact details and a sent message.
    platform = await startPlatform({ dataDir, port: 0, host: '127.0.0.1', seed: true });
    const token = platform.demoLinks[0]!.token;
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${platform!.url}/api/s/${token}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await send('POST', '/consent', { version: DEMO_CONSENT_VERSION, decision: 'agreed', language: 'cy' })).status).toBe(200);
    const answers = { ons4_life_satisfaction: 7, ons4_worthwhile: 8 };
    expect((await send('PUT', '/responses/ons4', { answers, language: 'cy', complete: false, baseRevision: 0, pageName: 'wellbeing' })).status).toBe(200);
    await setContact({ studyId: DEMO_STUDY_ID, participantCode: 'DEMO-002', email: 'young.person@example.org', updatedAt: new Date().toISOString() } as Parameters<typeof setContact>[0], 'researcher-1');
    await new OutboxMailer(join(dataDir, 'outbox')).send({ to: 'young.person@example.org', subject: 'Your link', text: 'Hello', tag: { kind: 'invitation', studyId: DEMO_STUDY_ID }, participantCode: 'DEMO-002' });
    const before = await everything();
    expect(before.identity.length).toBeGreaterThan(0);
    expect(Object.keys(before.outbox)).toHaveLength(1);

    // Act 1: back up while it runs.
    const backup = await pont(['backup', '--out', backupFile]);

    expect(backup.status, backup.out).toBe(0);
    expect(backup.out).toContain(`${before.main.length} items of study data, ${before.identity.length} of the identity store, 1 outbox messages`);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    const raw = readFileSync(backupFile);
    for (const secret of ['young.person@example.org', 'DEMO-002', 'ons4_life_satisfaction', DEMO_STUDY_ID]) expect(raw.includes(secret), secret).toBe(false);
    // The platform served again after its pause, and recorded the backup.
    expect((await send('GET', '')).status).toBe(200);
    expect((await everything()).main.filter(isAuditOf('data.backed_up'))).toHaveLength(1);
    // A backup never overwrites a file.
    expect((await pont(['backup', '--out', backupFile])).out).toContain('exists already');

    // Act 2: wipe it: a new data folder, a new demo study with other links.
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
    platform = await startPlatform({ dataDir, port: 0, host: '127.0.0.1', seed: true });
    const freshToken = platform.demoLinks[0]!.token;
    expect(freshToken).not.toBe(token);
    const wiped = await everything();

    // What must change nothing: a restore over data without --replace, a wrong passphrase, a changed byte.
    const withoutReplace = await pont(['restore', backupFile]);
    const wrongPassphrase = await pont(['restore', backupFile, '--replace'], 'not the passphrase at all');
    const tampered = join(work, 'tampered.pontbackup');
    copyFileSync(backupFile, tampered);
    const bytes = readFileSync(tampered);
    bytes[bytes.length - 40]! ^= 0x01;
    writeFileSync(tampered, bytes);
    const changedByte = await pont(['restore', tampered, '--replace']);

    expect(withoutReplace.status).toBe(1);
    expect(withoutReplace.out).toContain('run again with --replace');
    expect(wrongPassphrase.status).toBe(1);
    expect(wrongPassphrase.out).toContain('The passphrase is wrong, or the backup file was damaged');
    expect(changedByte.status).toBe(1);
    expect(changedByte.out).toContain('nothing was restored');
    expect(await everything()).toEqual(wiped);

    // Act 3: restore.
    const restore = await pont(['restore', backupFile, '--replace']);

    // Assert: every item and message is back, as it was; the old link opens with its answers, the wiped data's does not.
    expect(restore.status, restore.out).toBe(0);
    const after = await everything();
    expect(after.main.filter((item) => !isAuditOf('data.restored')(item))).toEqual(before.main);
    expect(after.main.filter(isAuditOf('data.restored'))).toHaveLength(1);
    expect(after.identity).toEqual(before.identity);
    expect(after.outbox).toEqual(before.outbox);
    const reopened = await send('GET', '');
    expect(reopened.status).toBe(200);
    expect(JSON.stringify(await reopened.json())).toContain('"ons4_life_satisfaction":7');
    expect((await fetch(`${platform.url}/api/s/${freshToken}`)).status).toBe(404);
    // What was there before the restore was kept, with the same passphrase.
    const [safetyCopy] = readdirSync(join(dataDir, 'backups'));
    let kept = 0;
    await readBackup(join(dataDir, 'backups', safetyCopy!), PASSPHRASE, (line) => void (line.kind === 'item' && line.table === 'main' && (kept += 1)));
    expect(kept).toBe(wiped.main.length);
  });

  it('pauses the API only while asked, through the control endpoint only platform.json names', { timeout: 120_000 }, async () => {
    platform ??= await startPlatform({ dataDir, port: 0, host: '127.0.0.1', seed: true });
    const { control } = JSON.parse(readFileSync(join(dataDir, 'platform.json'), 'utf8'));
    const probe = () => fetch(`${platform!.url}/api/s/abcdefghijklmnopqrstuvwx`);

    await expect(sendControl({ url: control.url, secret: 'guessed' }, { action: 'pause', seconds: 30 })).rejects.toThrow(/refused/);
    const beforePause = await probe();
    await sendControl(control, { action: 'pause', seconds: 30 });
    const paused = await probe();
    await sendControl(control, { action: 'resume' });
    const resumed = await probe();

    expect(beforePause.status).toBe(404);
    expect(paused.status).toBe(503);
    expect(paused.headers.get('retry-after')).toBe('5');
    expect(((await paused.json()) as { error: { code: string } }).error.code).toBe('maintenance');
    expect(resumed.status).toBe(404);
    expect(new URL(control.url).hostname).toBe('127.0.0.1');
  });
});
