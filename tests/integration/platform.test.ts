/** The embedded platform as `npm start` runs it: one origin, persisted data, clean stop. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startPlatform, type Platform } from '../../infra/local/platform.js';
import { DEMO_CONSENT_VERSION } from '../../infra/local/seed.js';

const dataDir = mkdtempSync(join(tmpdir(), 'pont-platform-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const start = () => startPlatform({ dataDir, port: 0, host: '127.0.0.1', seed: true });

describe('the embedded platform', () => {
  let first: Platform;
  const answers = { ons4_life_satisfaction: 6, ons4_worthwhile: 7, ons4_happiness: 8, ons4_anxiety: 2 };

  // Starting DynamoDB Local takes seconds, more when the other test files load both cores: a hook, with the hook timeout.
  beforeAll(async () => {
    first = await start();
  });

  it('starts with a seeded demo study, serves the app and the API on one origin', async () => {
    expect(first.demoLinks).toHaveLength(3);
    expect(first.adminPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    // Every version in instruments/ is published at the first start, ready for waves.
    const shipped = readdirSync(join(REPO_ROOT, 'instruments'), { recursive: true }).filter((f) => /\/\d+\.\d+\.\d+\.json$/.test(String(f))).length;
    expect(shipped).toBeGreaterThan(3);
    expect(first.instruments).toEqual({ shipped, publishedNow: shipped });
    const token = first.demoLinks[0]!.token;
    const page = await fetch(`${first.url}/s/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())![1]!;
    const asset = await fetch(`${first.url}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-security-policy')).toBeNull();
    const api = await fetch(`${first.url}/api/s/${token}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(api.status).toBe(200);
    // Over 1 KB (the consent text and support contacts, in two languages): compressed, as CloudFront does in AWS.
    expect(api.headers.get('content-encoding')).toBe('br');
    const { id, version, contentHash } = (await api.json()).instruments[0];
    expect(id).toBe('ons4');
    const survey = await fetch(`${first.url}/api/surveys/${id}/${version}/${contentHash}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(survey.status).toBe(200);
    expect(survey.headers.get('content-encoding')).toBe('br');
    expect(survey.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers unknown API paths and oversized bodies with JSON errors', async () => {
    const unknown = await fetch(`${first.url}/api/nothing-here`);
    const oversized = await fetch(`${first.url}/api/s/${first.demoLinks[0]!.token}/responses/ons4`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });

    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('not_found');
    expect(oversized.status).toBe(413);
  });

  it('stores a response over HTTP and stops DynamoDB Local with it', async () => {
    const consent = await fetch(`${first.url}/api/s/${first.demoLinks[1]!.token}/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: DEMO_CONSENT_VERSION, decision: 'agreed', language: 'en' }),
    });
    expect(consent.status).toBe(200);
    const saved = await fetch(`${first.url}/api/s/${first.demoLinks[1]!.token}/responses/ons4`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answers, language: 'en', complete: true, baseRevision: 0 }),
    });
    expect(saved.status).toBe(200);
    const checkIn = await fetch(`${first.url}/api/s/${first.demoLinks[1]!.token}/check-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'en' }),
    });
    expect(checkIn.status).toBe(200);
    expect(readdirSync(join(dataDir, 'outbox'))).toHaveLength(1);
    const javaPid = first.dynamo.pid!;
    expect(isRunning(javaPid)).toBe(true);

    await first.stop();

    expect(isRunning(javaPid)).toBe(false);
  });

  it('finds the data from the first start after a restart, without seeding twice', { timeout: 90_000 }, async () => {
    const second = await start();
    try {
      expect(second.adminPassword).toBeUndefined();
      expect(second.instruments).toEqual({ shipped: first.instruments!.shipped, publishedNow: 0 });
      expect(second.demoLinks.map((l) => l.token)).toEqual(first.demoLinks.map((l) => l.token));
      const reopened = await (await fetch(`${second.url}/api/s/${first.demoLinks[1]!.token}`)).json();
      expect(reopened.instruments[0].response).toMatchObject({ status: 'complete', answers });
    } finally {
      await second.stop();
    }
  });
});

describe('the embedded platform in memory', () => {
  it('still tells local tools where its database is, and takes the pointer away when it stops', async () => {
    const announceIn = mkdtempSync(join(tmpdir(), 'pont-announce-'));
    try {
      const platform = await startPlatform({ announceIn, port: 0, host: '127.0.0.1', seed: false });
      const pointer = JSON.parse(readFileSync(join(announceIn, 'platform.json'), 'utf8'));
      expect(pointer).toMatchObject({ url: platform.url, dynamodbEndpoint: platform.dynamo.endpoint });
      expect(readdirSync(announceIn)).toEqual(['platform.json']); // a pointer, no data

      await platform.stop();

      expect(existsSync(join(announceIn, 'platform.json'))).toBe(false);
    } finally {
      rmSync(announceIn, { recursive: true, force: true });
    }
  });
});
