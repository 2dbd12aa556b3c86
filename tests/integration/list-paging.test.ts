/**
 * Lists that grow with the cohort, read a page at a time (issue #24). A
 * wave's responses: a wave of 10,000 participants answered 13 MB in one
 * response, over Lambda's 6 MB limit for a synchronous answer, so the route
 * failed in AWS; a page holds whole participants, at most `limit` of them and
 * about 4 MB of answers. Check-in requests: one Query, so past 1 MB the rest
 * were silently left out.
 */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { MAX_PAGE_BYTES } from '../../functions/handlers/list-wave-responses.js';
import { recordCheckInRequest } from '../../functions/storage/check-ins.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { responseItem } from '../../functions/storage/responses.js';
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
