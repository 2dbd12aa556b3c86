/** The embedded adapter of the export store (export-store.ts): a folder, and URLs signed with an HMAC. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DOWNLOAD_URL_SECONDS, EXPORT_KEY_PATTERN, EXPORT_RETENTION_DAYS, type DownloadUrl, type ExportStore } from './export-store.js';

export class LocalExportStore implements ExportStore {
  constructor(
    private readonly dir: string,
    private readonly secret: string,
  ) {}

  async put(key: string, file: string, now: Date): Promise<number> {
    assertKey(key);
    this.deleteExpired(now);
    const target = join(this.dir, key);
    mkdirSync(join(target, '..'), { recursive: true, mode: 0o700 });
    copyFileSync(file, target);
    return statSync(target).size;
  }

  async downloadUrl(key: string, fileName: string, now: Date): Promise<DownloadUrl> {
    assertKey(key);
    const expires = Math.floor(now.getTime() / 1000) + DOWNLOAD_URL_SECONDS;
    const query = new URLSearchParams({ name: fileName, expires: String(expires), signature: this.sign(key, fileName, expires) });
    return { url: `/exports/${key}?${query}`, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /** The package behind a signed URL, or why it cannot be given. */
  open(key: string, query: URLSearchParams, now: Date): { file: string; fileName: string; size: number } | 'forbidden' | 'gone' {
    const fileName = query.get('name') ?? '';
    const expires = Number(query.get('expires'));
    const signature = Buffer.from(query.get('signature') ?? '');
    if (!EXPORT_KEY_PATTERN.test(key) || !Number.isInteger(expires)) return 'forbidden';
    const expected = Buffer.from(this.sign(key, fileName, expires));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return 'forbidden';
    if (expires * 1000 < now.getTime()) return 'gone';
    const file = join(this.dir, key);
    if (!existsSync(file)) return 'gone';
    return { file, fileName, size: statSync(file).size };
  }

  read(file: string) {
    return createReadStream(file);
  }

  private sign(key: string, fileName: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${key}\n${fileName}\n${expires}`).digest('base64url');
  }

  private deleteExpired(now: Date): void {
    if (!existsSync(this.dir)) return;
    const cutoff = now.getTime() - EXPORT_RETENTION_DAYS * 86_400_000;
    for (const study of readdirSync(this.dir)) {
      const folder = join(this.dir, study);
      for (const name of readdirSync(folder)) {
        const file = join(folder, name);
        if (statSync(file).mtimeMs < cutoff) rmSync(file, { force: true });
      }
    }
  }
}

function assertKey(key: string): void {
  if (!EXPORT_KEY_PATTERN.test(key)) throw new Error('An export key is <study>/<export id>.zip');
}
