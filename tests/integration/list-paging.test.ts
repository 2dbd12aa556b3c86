/**
 * Lists that grow with the cohort, read a page at a time (issue #24). A
 * wave's responses: a wave of 10,000 participants answered 13 MB in one
 * response, over Lambda's 6 MB limit for a synchronous answer, so the route
 * failed in AWS; a page holds whole participants, at most `limit` of them and
 * about 4 MB of answers. Check-in requests: one Query, so past 1 MB the rest
 * were silently left out. The audit log: a month of a busy study in one answer.
 */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { MAX_PAGE_BYTES } from '../../functions/handlers/list-wave-responses.js';
import { recordAudit } from '../../functions/storage/audit.js';
import { recordCheckInRequest } from '../../functions/storage/check-ins.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { responseItem } from '../../functions/storage/responses.js';
import { routes } from '../../functions/routes.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy, type LinkFixture } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

async function headers() {
  return { authorization: `Bearer ${(await signLocalResearcherToken({ userId: 'researcher-1', role: 'researcher' })).token}` };
}

/** Writes a response for each code and instrument, as a save would store it. */
async function answered(link: LinkFixture, codes: string[], instrumentIds: string[], answers: (code: string) => Record<string, unknown>) {
  const savedAt = new Date().toISOString();
  for (const participantCode of codes) {
    if (participantCode !== link.participantCode) await createParticipant({ studyId: link.studyId, participantCode, createdAt: savedAt });
    for (const instrumentId of instrumentIds) {
      await table.putItem(
        responseItem({ studyId: link.studyId, participantCode, waveId: link.waveId, instrumentId, instrumentVersion: '1.0.0', contentHash: 'h', answers: answers(participantCode), status: 'partial', language: 'en', savedAt, revision: 1 }),
      );
    }
  }
}

/** Every page from the first, following `next`. */
async function allPages(link: LinkFixture, limit?: number) {
  const pages: { status: number; bytes: number; codes: string[]; next: string | null; count: number }[] = [];
  let after: string | null | undefined;
  do {
    const query = new URLSearchParams({ ...(limit ? { limit: String(limit) } : {}), ...(after ? { after } : {}) });
    const page = await callRoute('GET', `/api/studies/${link.studyId}/waves/${link.waveId}/responses?${query.toString()}`, { headers: await headers() });
    expect(page.status).toBe(200);
    const codes = (page.json.responses as { participantCode: string }[]).map((r) => r.participantCode);
    pages.push({ status: page.status, bytes: Buffer.byteLength(page.text), codes, next: page.json.next, count: codes.length });
    after = page.json.next;
  } while (after && pages.length < 50);
  return pages;
}

describe("a wave's responses, a page at a time", () => {
  it('pages by whole participants in code order, each response once, the last page saying there is no more', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    const codes = ['P-001', 'P-002', 'P-003', 'P-004', 'P-005'];
    await answered(link, codes, ['check-in', 'wellbeing'], (code) => ({ mood: Number(code.slice(-1)) }));

    const pages = await allPages(link, 2);

    expect(pages.map((p) => [...new Set(p.codes)])).toEqual([['P-001', 'P-002'], ['P-003', 'P-004'], ['P-005']]);
    expect(pages.map((p) => p.count)).toEqual([4, 4, 2]);
    expect(pages.map((p) => p.next)).toEqual(['P-002', 'P-004', null]);
  });

  it('keeps each page under Lambda’s 6 MB limit however large the answers, and loses none', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    const codes = Array.from({ length: 14 }, (_, i) => `P-${String(i + 1).padStart(3, '0')}`);
    // About 350 KB of answers each (a DynamoDB item holds at most 400 KB): 4.9 MB in all.
    await answered(link, codes, ['check-in'], (code) => ({ story: `${code} `.repeat(50_000) }));

    const pages = await allPages(link);

    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.bytes).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    expect(pages[0]!.bytes).toBeLessThanOrEqual(MAX_PAGE_BYTES + 1000);
    expect(pages.flatMap((p) => p.codes)).toEqual(codes);
  });

  it('refuses a limit out of bounds and an `after` that is not a participant code', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    const path = `/api/studies/${link.studyId}/waves/${link.waveId}/responses`;

    const refused = await Promise.all(['?limit=0', '?limit=501', '?limit=2.5', '?after=..%2Fx', '?after=P%23x'].map(async (q) => (await callRoute('GET', path + q, { headers: await headers() })).json.error.code));

    expect(refused).toEqual(['limit_invalid', 'limit_invalid', 'limit_invalid', 'code_invalid', 'code_invalid']);
  });
});

describe('check-in requests, a page at a time', () => {
  it('pages by wave and code, each request once, and refuses an `after` that is not wave/code', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    const requestedAt = new Date().toISOString();
    const expected: string[] = [];
    for (const waveId of ['baseline', 'follow-up']) {
      for (const participantCode of ['P-001', 'P-002', 'P-003']) {
        await recordCheckInRequest({ studyId: link.studyId, waveId, participantCode, language: 'en', requestedAt });
        expected.push(`${waveId}/${participantCode}`);
      }
    }
    const path = `/api/studies/${link.studyId}/check-ins`;

    const seen: string[] = [];
    const nexts: (string | null)[] = [];
    let after: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '4', ...(after ? { after } : {}) });
      const page = await callRoute('GET', `${path}?${query.toString()}`, { headers: await headers() });
      expect(page.status).toBe(200);
      seen.push(...(page.json.checkIns as { waveId: string; participantCode: string }[]).map((c) => `${c.waveId}/${c.participantCode}`));
      after = page.json.next;
      nexts.push(after);
    } while (after && nexts.length < 10);

    expect(seen).toEqual(expected);
    expect(nexts).toEqual(['follow-up/P-001', null]);
    const refused = await callRoute('GET', `${path}?after=P-001`, { headers: await headers() });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('code_invalid');
  });
});

describe("a month of the audit log, a page at a time", () => {
  it('pages oldest first, as JSON and as CSV (the next page in a header), each entry once', async () => {
    const link = await createLink();
    const admin = { authorization: `Bearer ${(await signLocalResearcherToken({ userId: 'admin-1', role: 'admin' })).token}` };
    for (let i = 1; i <= 7; i += 1) await recordAudit({ scope: link.studyId, actor: `member-${i}`, action: 'participants.listed', detail: { count: i } });
    const month = new Date().toISOString().slice(0, 7);
    const page = (after: string | null, accept?: string) =>
      callRoute('GET', `/api/audit/${link.studyId}?${new URLSearchParams({ month, limit: '3', ...(after ? { after } : {}) }).toString()}`, { headers: { ...admin, ...(accept ? { accept } : {}) } });

    // Every page read is itself audited (audit.read), so the log grows while it is read: each reading sees that.
    const jsonEntries: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const json = await page(after);
      expect(json.status).toBe(200);
      jsonEntries.push(...(json.json.entries as object[]).map((e) => JSON.stringify(e)));
      after = json.json.next;
      if (!after) break;
    }
    const csvLines: string[] = [];
    after = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const csv = await page(after, 'text/csv');
      expect(csv.status).toBe(200);
      csvLines.push(...csv.text.trim().split('\n').slice(1));
      after = csv.headers['x-next-page'] ?? null;
      if (!after) break;
    }

    const listed = (entries: string[]) => entries.filter((e) => e.includes('participants.listed'));
    expect(after).toBeNull();
    expect(new Set(jsonEntries).size).toBe(jsonEntries.length);
    expect(listed(jsonEntries).map((e) => (JSON.parse(e) as { actor: string }).actor)).toEqual(['member-1', 'member-2', 'member-3', 'member-4', 'member-5', 'member-6', 'member-7']);
    expect(new Set(csvLines).size).toBe(csvLines.length);
    expect(listed(csvLines).map((line) => line.split(',')[1])).toEqual(['member-1', 'member-2', 'member-3', 'member-4', 'member-5', 'member-6', 'member-7']);
    // The JSON reading audited itself page by page, and the CSV reading found those entries too.
    expect(csvLines.filter((line) => line.includes('audit.read')).length).toBeGreaterThan(0);
    expect((await page('not-a-key')).json.error.code).toBe('code_invalid');
  });
});

/**
 * Every GET route, and why its answer stays under Lambda's 6 MB: paged (a
 * page is bounded) or bounded by something other than the cohort's size. A
 * new GET route fails here until someone says which.
 */
const PAGED = ['ListWaveResponses', 'ListParticipants', 'ListCheckIns', 'ReadAuditLog', 'ListSentMessages'];
const BOUNDED: Record<string, string> = {
  OpenLink: "one participant's wave: at most 10 instruments' responses",
  GetInstrumentSurvey: 'one published instrument version',
  ListStudies: "the caller's studies",
  StudyProgress: 'counts per wave and status, whatever the cohort',
  GetParticipantContact: "one participant's contact",
  ListInstruments: 'one summary per published instrument version',
  ListDrafts: 'drafts shared for review, a summary each',
  GetDraft: 'one instrument file and its comments',
  OpenReview: 'one instrument file and its comments',
  DiffInstrumentVersions: 'two instrument versions compared',
  ListExports: 'export jobs, kept 7 days',
  GetExport: 'one export job',
  ListLinkJobs: "the caller's link jobs among the study's last 50, a summary each",
  GetLinkJob: 'one link job',
  ReadSentMessage: 'one message',
  ListConsentTexts: "the study's consent texts",
  ListUsers: 'the platform accounts (the team, not participants)',
  ListMembers: "the study's members",
};

describe('every GET route says how its answer stays under 6 MB', () => {
  it('is paged or bounded by something other than the cohort', () => {
    const gets = routes.filter((route) => route.method === 'GET').map((route) => route.name).sort();
    expect([...PAGED, ...Object.keys(BOUNDED)].sort()).toEqual(gets);
  });

  it.each(PAGED)('%s refuses a page larger than its bound', async (name) => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'owner');
    const route = routes.find((r) => r.name === name)!;
    const path = route.path.replace('{studyId}', link.studyId).replace('{waveId}', link.waveId).replace('{scope}', link.studyId);
    const admin = { authorization: `Bearer ${(await signLocalResearcherToken({ userId: 'researcher-1', role: 'admin' })).token}` };

    const refused = await callRoute('GET', `${path}?month=${new Date().toISOString().slice(0, 7)}&limit=100000`, { headers: admin });

    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/limit/);
  });
});
