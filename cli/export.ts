/**
 * npm run pont -- export <study> --out <dir> [--include-partial] [--include-free-text] [--study-stable-key] [--k 5]
 *
 * Asks a running Pont for an anonymised dataset package, shows its progress,
 * and saves the zip in <dir>. Uses the same API as the console (analyst or
 * admin role), so the request and the download are audited the same way.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { ExportDownload, ExportJob, type CreateExportRequest } from '../functions/contracts/exports.js';
import { errorMessage, openSession, reach, type ApiSession } from './api-session.js';

const POLL_MS = 1000;

export async function exportCommand(args: string[], session: () => Promise<ApiSession> = () => openSession()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        'include-partial': { type: 'boolean', default: false },
        'include-free-text': { type: 'boolean', default: false },
        'study-stable-key': { type: 'boolean', default: false },
        k: { type: 'string' },
      },
    });
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const [studyId, ...extra] = parsed.positionals;
  const { out } = parsed.values;
  if (!studyId || extra.length > 0 || !out) {
    console.error('Usage: npm run pont -- export <study> --out <dir> [--include-partial] [--include-free-text] [--study-stable-key] [--k 5]');
    return 2;
  }
  const k = parsed.values.k === undefined ? undefined : Number(parsed.values.k);
  if (k !== undefined && !Number.isInteger(k)) {
    console.error('--k must be a whole number, e.g. --k 5');
    return 2;
  }
  const request: CreateExportRequest = {
    includePartial: parsed.values['include-partial'],
    includeFreeText: parsed.values['include-free-text'],
    studyStableKey: parsed.values['study-stable-key'],
    ...(k !== undefined ? { k } : {}),
  };

  const api = await session();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await reach(api.url, path, {
      method,
      headers: { authorization: `Bearer ${api.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json: unknown = await response.json();
    if (!response.ok) throw new Error(errorMessage(json, response.status));
    return json;
  };

  try {
    let job = ExportJob.parse(await call('POST', `/api/studies/${encodeURIComponent(studyId)}/exports`, request));
    console.log(`Export ${job.exportId} of ${studyId} started`);
    while (job.status === 'queued' || job.status === 'running') {
      await new Promise((done) => setTimeout(done, POLL_MS));
      job = ExportJob.parse(await call('GET', `/api/studies/${encodeURIComponent(studyId)}/exports/${job.exportId}`));
      const { phase, done, total } = job.progress;
      process.stdout.write(`\r  ${phase}${total ? ` ${done}/${total}` : done ? ` ${done}` : ''}        `);
    }
    process.stdout.write('\n');
    if (job.status === 'failed') {
      console.error(`✗ ${job.error ?? 'The export failed'}`);
      return 1;
    }
    const download = ExportDownload.parse(await call('POST', `/api/studies/${encodeURIComponent(studyId)}/exports/${job.exportId}/download`));
    // Embedded mode hands out a path on the platform's own origin; S3 presigned URLs are absolute.
    const url = new URL(download.url, api.url);
    const file = await reach(url.origin, `${url.pathname}${url.search}`, { method: 'GET' });
    if (!file.ok || !file.body) throw new Error(`The download failed (HTTP ${file.status})`);
    mkdirSync(out, { recursive: true });
    const target = join(out, download.fileName);
    await pipeline(Readable.fromWeb(file.body as import('node:stream/web').ReadableStream), createWriteStream(target, { mode: 0o600 }));
    const summary = job.summary;
    console.log(`✓ ${target} (${((job.bytes ?? 0) / 1024).toFixed(0)} KB)${summary ? `: ${summary.participants} participants, ${summary.responses} responses, ${summary.suppressedValues} values suppressed${summary.synthetic ? ', SYNTHETIC data' : ''}` : ''}`);
    return 0;
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    return 1;
  }
}
