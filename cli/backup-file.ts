/**
 * The embedded platform's backup file: every item of both tables and the
 * outbox's messages, as JSON lines, gzipped and encrypted with a passphrase.
 *
 *   PONT-BACKUP/1\n
 *   {"kdf":{…},"salt":…,"iv":…,"createdAt":…}\n      the header, in clear (no personal data)
 *   AES-256-GCM ciphertext of gzip(JSON lines) …  16-byte GCM tag
 *
 * The key is scrypt(passphrase, salt) with OWASP's parameters (N = 2^17, r = 8,
 * p = 1: about 128 MB and a few hundred milliseconds, for every guess). The
 * header is authenticated with the content (GCM's additional data), so a
 * changed header fails like a changed byte of content. GCM says whether a file
 * is intact only at its end: readers read a file through once to check it
 * before anything is written anywhere (cli/backup.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { createReadStream, createWriteStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { z } from 'zod';

const MAGIC = 'PONT-BACKUP/1\n';
const TAG_BYTES = 16;
const KDF = { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 } as const;
export const MIN_PASSPHRASE_LENGTH = 12;

const Header = z.object({
  kdf: z.object({ name: z.literal('scrypt'), N: z.number().int().min(2 ** 14).max(2 ** 20), r: z.number().int().min(1).max(32), p: z.number().int().min(1).max(16) }),
  salt: z.base64(),
  iv: z.base64(),
  createdAt: z.iso.datetime(),
});
type Header = z.infer<typeof Header>;

/** One line of a backup: an item of a table (DynamoDB's own JSON, binary as base64), or an outbox message file. */
export const BackupLine = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('item'), table: z.enum(['main', 'identity']), item: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('outbox'), name: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/), content: z.base64() }),
]);
export type BackupLine = z.infer<typeof BackupLine>;

export class BackupUnreadable extends Error {}
class HandlerFailed extends Error {
  constructor(cause: unknown) {
    super('a line could not be handled', { cause });
  }
}

async function deriveKey(passphrase: string, salt: Buffer, kdf: Header['kdf']): Promise<Buffer> {
  const options: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 64 * 1024 * 1024 };
  return new Promise((done, fail) => scryptCallback(passphrase.normalize('NFC'), salt, 32, options, (error, key) => (error ? fail(error) : done(key))));
}

/** Writes the lines to `file`, encrypted; answers the header written (its createdAt names the snapshot). */
export async function writeBackup(file: string, passphrase: string, lines: AsyncIterable<BackupLine>, createdAt = new Date()): Promise<{ bytes: number }> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const header: Header = { kdf: { ...KDF }, salt: salt.toString('base64'), iv: iv.toString('base64'), createdAt: createdAt.toISOString() };
  const preamble = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`);
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(passphrase, salt, header.kdf), iv);
  cipher.setAAD(preamble);
  const out = createWriteStream(file, { mode: 0o600, flags: 'wx' });
  out.write(preamble);
  const encode = async function* () {
    for await (const line of lines) yield `${JSON.stringify(line, binaryAsBase64)}\n`;
  };
  await pipeline(Readable.from(encode()), createGzip(), cipher, out, { end: false });
  await new Promise<void>((done, fail) => out.end(cipher.getAuthTag(), (error?: Error | null) => (error ? fail(error) : done())));
  return { bytes: statSync(file).size };
}

/** The header of a backup file, without the passphrase. */
export function readBackupHeader(file: string): { header: Header; preamble: Buffer } {
  const fd = openSync(file, 'r');
  try {
    const start = Buffer.alloc(4096);
    const read = readSync(fd, start, 0, start.length, 0);
    const text = start.subarray(0, read).toString('latin1');
    if (!text.startsWith(MAGIC)) throw new BackupUnreadable(`${file} is not a Pont backup`);
    const end = text.indexOf('\n', MAGIC.length);
    if (end < 0) throw new BackupUnreadable(`${file} is not a Pont backup (its header is damaged)`);
    let header: Header;
    try {
      header = Header.parse(JSON.parse(text.slice(MAGIC.length, end)));
    } catch {
      throw new BackupUnreadable(`${file} is not a Pont backup (its header is damaged)`);
    }
    return { header, preamble: start.subarray(0, end + 1) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads every line of a backup, decrypted, handing each to `onLine`; throws
 * BackupUnreadable when the passphrase is wrong or a byte was changed. Lines
 * are handed over before the end's check: read once with a no-op `onLine`
 * to check a file, and only then act on its lines.
 */
export async function readBackup(file: string, passphrase: string, onLine: (line: BackupLine) => Promise<void> | void): Promise<{ createdAt: Date }> {
  const { header, preamble } = readBackupHeader(file);
  const size = statSync(file).size;
  if (size < preamble.length + TAG_BYTES) throw new BackupUnreadable(`${file} is damaged (it ends too soon)`);
  const tag = Buffer.alloc(TAG_BYTES);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    closeSync(fd);
  }
  const decipher = createDecipheriv('aes-256-gcm', await deriveKey(passphrase, Buffer.from(header.salt, 'base64'), header.kdf), Buffer.from(header.iv, 'base64'));
  decipher.setAAD(preamble);
  decipher.setAuthTag(tag);
  const unreadable = () => new BackupUnreadable('The passphrase is wrong, or the backup file was damaged or changed: nothing was restored');
  const gunzip = createGunzip();
  const lines = createInterface({ input: gunzip, crlfDelay: Infinity });
  const abort = new AbortController();
  const consume = (async () => {
    for await (const text of lines) {
      const parsed = BackupLine.safeParse(JSON.parse(text, base64AsBinary));
      if (!parsed.success) throw unreadable();
      try {
        await onLine(parsed.data);
      } catch (error) {
        throw new HandlerFailed(error);
      }
    }
  })();
  consume.catch(() => abort.abort());
  try {
    await Promise.all([pipeline(createReadStream(file, { start: preamble.length, end: size - TAG_BYTES - 1 }), decipher, gunzip, { signal: abort.signal }), consume]);
  } catch (error) {
    if (error instanceof BackupUnreadable) throw error;
    // What the caller did with a line failed (a write, say): its own error, not the file's.
    if (error instanceof HandlerFailed) throw error.cause;
    // A wrong key makes gzip or JSON fail on garbage before GCM's own check at the end.
    throw unreadable();
  }
  return { createdAt: new Date(header.createdAt) };
}

/** DynamoDB's binary values (Uint8Array) as {"$b64": …} in JSON, and back. */
function binaryAsBase64(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b64: Buffer.from(value).toString('base64') };
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return { $b64: Buffer.from((value as { data: number[] }).data).toString('base64') };
  }
  return value;
}

function base64AsBinary(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$b64' && typeof (value as { $b64: unknown }).$b64 === 'string') return Buffer.from((value as { $b64: string }).$b64, 'base64');
  }
  return value;
}

