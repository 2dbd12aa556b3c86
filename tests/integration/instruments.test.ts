import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { listAuditMonth, PLATFORM_SCOPE } from '../../functions/storage/audit.js';
import { getInstrumentVersion } from '../../functions/storage/instruments.js';
import { callRoute } from '../support/call-route.js';
import { checkInInstrument } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();

/** Publishing needs the instrument author permission, which an admin grants. */
async function asResearcher() {
  const { token } = await signLocalResearcherToken({ userId: 'researcher-1', role: 'researcher', instrumentAuthor: true });
  return { authorization: `Bearer ${token}` };
}

function instrumentFile(id: string, overrides: Record<string, unknown> = {}) {
  const { contentHash: _hash, ...file } = checkInInstrument({ id });
  return { ...file, ...overrides };
}

const publish = async (file: { id: string; version: string; [key: string]: unknown }, body: unknown = file) =>
  callRoute('PUT', `/api/instruments/${file.id}/versions/${file.version}`, { body, headers: await asResearcher() });

describe('publishing an instrument version', () => {
  it('stores a new version with its content hash and audits it', async () => {
    const file = instrumentFile('publish-new');

    const result = await publish(file);

    expect(result.status).toBe(201);
    expect(result.json).toMatchObject({ status: 'published', id: 'publish-new', version: '1.0.0', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const stored = await getInstrumentVersion('publish-new', '1.0.0');
    expect(stored?.contentHash).toBe(result.json.contentHash);
    expect(stored?.survey).toEqual(file.survey);
    const audit = await listAuditMonth(PLATFORM_SCOPE, new Date());
    expect(audit.filter((e) => e.detail.instrumentId === 'publish-new')).toEqual([
      expect.objectContaining({ actor: 'researcher-1', action: 'instrument.published' }),
    ]);
  });

  it('treats the same content again, even reformatted, as a no-op', async () => {
    const file = instrumentFile('publish-same');
    await publish(file);
    const before = await table.scanAll();

    const again = await publish(file, Object.fromEntries(Object.entries(file).reverse()));

    expect(again.status).toBe(200);
    expect(again.json.status).toBe('unchanged');
    expect(await table.scanAll()).toEqual(before);
  });

  it('refuses different content under a published version and keeps the original', async () => {
    const file = instrumentFile('publish-changed');
    const first = await publish(file);

    const changed = await publish({ ...file, title: { en: 'Changed', cy: 'Wedi newid' } });

    expect(changed.status).toBe(409);
    expect(changed.json.error.code).toBe('version_already_published');
    expect((await getInstrumentVersion('publish-changed', '1.0.0'))?.contentHash).toBe(first.json.contentHash);
  });

  it('lets exactly one of two concurrent, different publishes of a version win', async () => {
    const a = instrumentFile('publish-race');
    const b = { ...a, title: { en: 'Other', cy: 'Arall' } };

    const results = await Promise.all([publish(a), publish(b)]);

    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('refuses an invalid instrument with every problem\'s path, writing nothing', async () => {
    const file = instrumentFile('publish-invalid', { title: { en: 'English only' } });
    const before = await table.scanAll();

    const result = await publish(file);

    expect(result.status).toBe(422);
    expect(result.json.error.details).toContainEqual({ path: 'title.cy', message: expect.any(String) });
    expect(await table.scanAll()).toEqual(before);
  });

  it('refuses a file published at another id or version', async () => {
    const file = instrumentFile('publish-mismatch');

    const result = await callRoute('PUT', '/api/instruments/publish-mismatch/versions/2.0.0', { body: file, headers: await asResearcher() });

    expect(result.status).toBe(400);
    expect(result.json.error.code).toBe('instrument_path_mismatch');
  });
});
