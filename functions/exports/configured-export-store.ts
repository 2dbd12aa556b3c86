/** The export store this deployment uses: S3 when a bucket is configured, the local folder otherwise. */
import { config } from '../config.js';
import type { ExportStore } from './export-store.js';
import { LocalExportStore } from './local-export-store.js';

let store: ExportStore | undefined;

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
