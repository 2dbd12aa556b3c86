/** The AWS adapter of the export store: a private bucket and presigned GET URLs. */
import { createReadStream, statSync } from 'node:fs';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DOWNLOAD_URL_SECONDS, type DownloadUrl, type ExportStore } from './export-store.js';

export class S3ExportStore implements ExportStore {
  private readonly s3 = new S3Client({});

  constructor(private readonly bucket: string) {}

  async put(key: string, file: string): Promise<number> {
    // The bucket's default encryption (KMS) applies; the upload streams in parts, so memory stays flat.
    await new Upload({ client: this.s3, params: { Bucket: this.bucket, Key: key, Body: createReadStream(file), ContentType: 'application/zip' } }).done();
    return statSync(file).size;
  }

  async downloadUrl(key: string, fileName: string, now: Date): Promise<DownloadUrl> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    });
    const url = await getSignedUrl(this.s3, command, { expiresIn: DOWNLOAD_URL_SECONDS });
    return { url, expiresAt: new Date(now.getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString() };
  }
}
