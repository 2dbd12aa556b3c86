/**
 * Where finished dataset packages are kept and how an analyst fetches one.
 * A port with two adapters, chosen by configuration:
 *  - embedded: a folder under .data/, served by the embedded server at a
 *    signed, short-lived URL (the same shape as an S3 presigned URL);
 *  - AWS: a private S3 bucket (encrypted, objects expire after 7 days) and a
 *    presigned GET URL.
 * Either way the URL is handed out only by an authenticated, audited API call.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../config.js';

/** Packages are kept this long, then deleted (the S3 bucket's lifecycle rule says the same). */
export const EXPORT_RETENTION_DAYS = 7;
/** A download URL works this long. */
export const DOWNLOAD_URL_SECONDS = 300;

export type DownloadUrl = { url: string; expiresAt: string };

export interface ExportStore {
  /** Keeps a finished package (a local file) under this key; returns its size in bytes. */
  put(key: string, file: string, now: Date): Promise<number>;
  downloadUrl(key: string, fileName: string, now: Date): Promise<DownloadUrl>;
}

const KEY_PATTERN = /^[a-z0-9-]+\/[A-Za-z0-9-]+\.zip$/;

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
    if (!KEY_PATTERN.test(key) || !Number.isInteger(expires)) return 'forbidden';
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
  if (!KEY_PATTERN.test(key)) throw new Error('An export key is <study>/<export id>.zip');
}

export function exportKey(studyId: string, exportId: string): string {
  return `${studyId}/${exportId}.zip`;
}

let store: ExportStore | undefined;

/** The store this deployment uses: S3 when a bucket is configured, the local folder otherwise. */
export async function exportStore(): Promise<ExportStore> {
  if (store) return store;
  const { EXPORT_BUCKET, EXPORT_DIR, EXPORT_URL_SECRET } = config();
  if (EXPORT_BUCKET) {
    // Loaded only in AWS: the S3 client is large, and embedded mode never needs it.
    const { S3ExportStore } = await import('./s3-export-store.js');
    store = new S3ExportStore(EXPORT_BUCKET);
  } else if (EXPORT_DIR && EXPORT_URL_SECRET) {
    store = new LocalExportStore(EXPORT_DIR, EXPORT_URL_SECRET);
  } else {
    throw new Error('No export store is configured: set EXPORT_BUCKET (AWS) or EXPORT_DIR and EXPORT_URL_SECRET (embedded)');
  }
  return store;
}

/** Embedded mode: forget the store when the platform restarts with other settings. */
export function resetExportStore(): void {
  store = undefined;
}
