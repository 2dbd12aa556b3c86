/** The backup file (cli/backup-file.ts): encrypted, authenticated, every DynamoDB value type kept. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupUnreadable, readBackup, readBackupHeader, writeBackup, type BackupLine } from '../../cli/backup-file.js';

const dir = mkdtempSync(join(tmpdir(), 'pont-backup-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASSPHRASE = 'a passphrase long enough';

const lines: BackupLine[] = [
  { kind: 'item', table: 'main', item: { PK: { S: 'STUDY#s' }, SK: { S: 'META' }, n: { N: '1.50' }, b: { B: new Uint8Array([0, 255, 7]) }, l: { L: [{ BOOL: true }, { NULL: true }] }, ss: { SS: ['a', 'b'] } } },
  { kind: 'item', table: 'identity', item: { PK: { S: 'CONTACT#s#P-1' }, SK: { S: 'CONTACT' }, email: { S: 'Ýr@example.org' } } },
  { kind: 'outbox', name: '2026-12-07T10-00-00-000Z_s_invitation_0123456789ab.json', content: Buffer.from('{"to":"x"}').toString('base64') },
];
async function* asIterable<T>(items: T[]) {
  yield* items;
}
const readAll = async (file: string, passphrase = PASSPHRASE) => {
  const read: BackupLine[] = [];
  await readBackup(file, passphrase, (line) => void read.push(line));
  return read;
};

describe('the backup file', () => {
  it('gives back every line as written, binary values included, and nothing readable without the passphrase', async () => {
    const file = join(dir, 'round-trip');
    const createdAt = new Date('2026-12-07T10:00:00.000Z');

    await writeBackup(file, PASSPHRASE, asIterable(lines), createdAt);
    const read = await readAll(file);

    expect(read).toHaveLength(3);
    expect(read[0]).toEqual({ ...lines[0], item: { ...(lines[0] as { item: object }).item, b: { B: Buffer.from([0, 255, 7]) } } });
    expect(read.slice(1)).toEqual(lines.slice(1));
    expect(readBackupHeader(file).header.createdAt).toBe(createdAt.toISOString());
    const raw = readFileSync(file);
    for (const clear of ['example.org', 'CONTACT', 'STUDY#s', 'invitation']) expect(raw.includes(clear), clear).toBe(false);
  });

  it('refuses a wrong passphrase, a changed byte anywhere (header included) and a cut file', async () => {
    const file = join(dir, 'original');
    await writeBackup(file, PASSPHRASE, asIterable(lines));
    const bytes = readFileSync(file);
    const variant = (name: string, change: (b: Buffer) => Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, change(Buffer.from(bytes)));
      return path;
    };
    const headerEnd = bytes.indexOf('\n', bytes.indexOf('\n') + 1);
    const header = variant('header', (b) => Buffer.from(b.toString('latin1').replace('"createdAt":"2', '"createdAt":"1'), 'latin1'));
    const body = variant('body', (b) => ((b[headerEnd + 5]! ^= 1), b));
    const tag = variant('tag', (b) => ((b[b.length - 1]! ^= 1), b));
    const cut = variant('cut', (b) => b.subarray(0, b.length - 30));

    for (const [name, path, passphrase] of [['passphrase', file, 'another long passphrase'], ['header', header], ['body', body], ['tag', tag], ['cut', cut]] as const) {
      await expect(readAll(path, passphrase ?? PASSPHRASE), name).rejects.toThrow(BackupUnreadable);
    }
    await expect(readAll(join(dir, 'missing-header-is-not-a-backup'))).rejects.toThrow();
  });

  it('passes on what the reader failed at as it is, not as a damaged file', async () => {
    const file = join(dir, 'reader-fails');
    await writeBackup(file, PASSPHRASE, asIterable(lines));
    await expect(readBackup(file, PASSPHRASE, () => Promise.reject(new Error('DynamoDB is down')))).rejects.toThrow('DynamoDB is down');
  });
});
