/**
 * DynamoDB Local killed under a running platform (issue #19, item 2): the
 * platform notices, restarts it on the same data folder and port, answers 503
 * with Retry-After meanwhile (never a bare 500), and serves again with every
 * acknowledged write still there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../infra/local/platform.js';
import { DEMO_CONSENT_VERSION } from '../../infra/local/seed.js';

const dataDir = mkdtempSync(join(tmpdir(), 'pont-db-restart-'));
let platform: Platform | undefined;

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const ITEMS = ['ons4_life_satisfaction', 'ons4_worthwhile', 'ons4_happiness', 'ons4_anxiety'];

describe('the embedded database killed under a running platform', () => {
  it('is restarted on the same data; requests meanwhile get 503 with Retry-After; no acknowledged write is lost', { timeout: 180_000 }, async () => {
    // Arrange: a respondent who has consented and saved three answers, each acknowledged.
    platform = await startPlatform({ dataDir, port: 0, host: '127.0.0.1', seed: true });
    const { url } = platform;
    const link = `${url}/api/s/${platform.demoLinks[0]!.token}`;
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${link}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await send('POST', '/consent', { version: DEMO_CONSENT_VERSION, decision: 'agreed', language: 'en' })).status).toBe(200);
    const answers: Record<string, number> = {};
    for (const [revision, item] of ITEMS.slice(0, 3).entries()) {
      answers[item] = revision + 5;
      const saved = await send('PUT', '/responses/ons4', { answers, language: 'en', complete: false, baseRevision: revision, pageName: 'wellbeing' });
      expect(saved.status).toBe(200);
    }
    const killedPid = platform.dynamo.pid!;

    // Act: kill DynamoDB Local, then keep asking until the link opens again.
    process.kill(killedPid, 'SIGKILL');
    const refusals: { status: number; retryAfter: string | null; code: string | undefined }[] = [];
    const deadline = Date.now() + 120_000;
    let reopened: Response | undefined;
    while (Date.now() < deadline) {
      const response = await send('GET', '');
      if (response.status === 200) {
        reopened = response;
        break;
      }
      refusals.push({ status: response.status, retryAfter: response.headers.get('retry-after'), code: ((await response.json()) as { error?: { code?: string } }).error?.code });
      await new Promise((done) => setTimeout(done, 100));
    }

    // Assert
    expect(reopened, 'the platform never served again').toBeDefined();
    expect(platform.dynamo.pid).not.toBe(killedPid);
    expect(platform.dynamo.state()).toBe('ready');
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) expect(refusal).toEqual({ status: 503, retryAfter: '5', code: 'database_unavailable' });
    const state = JSON.stringify(await reopened!.json());
    for (const item of ITEMS.slice(0, 3)) expect(state).toContain(`"${item}":${answers[item]}`);
    // And it takes writes again, on the revision it had.
    const next = await send('PUT', '/responses/ons4', { answers: { ...answers, [ITEMS[3]!]: 8 }, language: 'en', complete: false, baseRevision: 3, pageName: 'wellbeing' });
    expect(next.status).toBe(200);
  });
});
