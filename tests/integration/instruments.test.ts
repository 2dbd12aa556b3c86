import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { listAuditMonth, PLATFORM_SCOPE } from '../../functions/storage/audit.js';
import { InstrumentDiffResult, ListInstrumentsResult } from '../../functions/contracts/instruments.js';
import { toInstrumentVersion } from '../../functions/domain/instrument.js';
import { getInstrumentVersion, publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { callRoute } from '../support/call-route.js';
import { checkInInstrument } from '../support/fixtures.js';
import { account } from '../support/study-team.js';
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

describe('the instrument library', () => {
  const upload = async (body: unknown, headers: Record<string, string>) => callRoute('POST', '/api/instruments', { body, headers });

  it('publishes an uploaded file at the id and version it names, and lists it with who published it', async () => {
    const author = await account('researcher', 'library-author', { instrumentAuthor: true });
    const analyst = await account('analyst', 'library-reader');
    const file = instrumentFile('library-upload');

    const published = await upload(file, await author.headers());
    const listed = await callRoute('GET', '/api/instruments', { headers: await analyst.headers() });

    expect(published.status).toBe(201);
    expect(published.json).toMatchObject({ status: 'published', id: 'library-upload', version: '1.0.0' });
    expect(listed.status).toBe(200);
    const entry = ListInstrumentsResult.parse(listed.json).instruments.find((i) => i.id === 'library-upload');
    expect(entry).toEqual({
      id: 'library-upload',
      version: '1.0.0',
      contentHash: published.json.contentHash,
      title: file.title,
      description: file.description,
      source: file.source,
      validated: file.validated,
      licence: file.licence,
      translations: file.translations,
      questionCount: 5,
      scaleCount: 0,
      publishedAt: expect.any(String),
      publishedBy: author.email,
    });
  });

  it('lists versions in version order (1.2.0 before 1.10.0), and what Pont ships as published by Pont', async () => {
    const reader = await account('researcher', 'library-order');
    for (const version of ['1.10.0', '1.2.0', '1.9.1']) await publishInstrumentVersion(toInstrumentVersion({ ...instrumentFile('library-order'), version } as never), new Date().toISOString());

    const listed = ListInstrumentsResult.parse((await callRoute('GET', '/api/instruments', { headers: await reader.headers() })).json);

    const versions = listed.instruments.filter((i) => i.id === 'library-order');
    expect(versions.map((v) => v.version)).toEqual(['1.2.0', '1.9.1', '1.10.0']);
    expect(versions.every((v) => v.publishedBy === 'Pont')).toBe(true);
  });

  it("refuses an upload with problems, saying where each is, and stores nothing", async () => {
    const author = await account('researcher', 'library-bad', { instrumentAuthor: true });
    const before = await table.scanAll();
    const { id: _id, ...withoutId } = instrumentFile('library-bad', { title: { en: 'English only' } });

    const result = await upload(withoutId, await author.headers());

    expect(result.status).toBe(422);
    expect(result.json.error.details).toEqual(expect.arrayContaining([{ path: 'id', message: expect.any(String) }, { path: 'title.cy', message: expect.any(String) }]));
    expect(await table.scanAll()).toEqual(before);
  });

  it('lets only instrument authors upload', async () => {
    const researcher = await account('researcher', 'library-not-author');
    const before = await table.scanAll();

    const result = await upload(instrumentFile('library-refused'), await researcher.headers());

    expect(result.status).toBe(403);
    expect(await table.scanAll()).toEqual(before);
  });

  it('compares two published versions as `instrument diff` does, and says which version is missing', async () => {
    const reader = await account('analyst', 'library-diff');
    const first = instrumentFile('library-diff');
    const survey = structuredClone(first.survey) as { pages: { elements: { name: string; title: unknown }[] }[] };
    survey.pages[0]!.elements[0]!.title = { en: 'Reworded', cy: 'Wedi aralleirio' };
    await publishInstrumentVersion(toInstrumentVersion(first as never), new Date().toISOString());
    await publishInstrumentVersion(toInstrumentVersion({ ...first, version: '1.1.0', survey } as never), new Date().toISOString());

    const diff = await callRoute('GET', '/api/instruments/library-diff/diff?from=1.0.0&to=1.1.0', { headers: await reader.headers() });
    const missing = await callRoute('GET', '/api/instruments/library-diff/diff?from=1.0.0&to=9.0.0', { headers: await reader.headers() });

    expect(diff.status).toBe(200);
    expect(InstrumentDiffResult.parse(diff.json)).toEqual({
      from: 'library-diff@1.0.0',
      to: 'library-diff@1.1.0',
      items: [{ name: survey.pages[0]!.elements[0]!.name, kind: 'reworded', what: ['title'] }],
      scales: [],
      privacy: [],
      answerRules: [],
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toContain('9.0.0');
  });
});
