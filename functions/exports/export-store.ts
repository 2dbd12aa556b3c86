/**
 * Where finished dataset packages are kept and how an analyst fetches one: the
 * port. Two adapters, chosen by configuration (configured-export-store.ts):
 *  - embedded: a folder under .data/, served by the embedded server at a
 *    signed, short-lived URL (the same shape as an S3 presigned URL):
 *    local-export-store.ts;
 *  - AWS: a private S3 bucket (encrypted, objects expire after 7 days) and a
 *    presigned GET URL: s3-export-store.ts.
 * Either way the URL is handed out only by an authenticated, audited API call.
 */

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

/** `<study>/<export id>.zip`: the only keys a store takes. */
export const EXPORT_KEY_PATTERN = /^[a-z0-9-]+\/[A-Za-z0-9-]+\.zip$/;

export function exportKey(studyId: string, exportId: string): string {
  return `${studyId}/${exportId}.zip`;
}
