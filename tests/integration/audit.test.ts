/** The audit log: every read of participant data is in it, a month is read in full, and no entry names a participant. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import { listAuditMonth, recordAudit } from '../../functions/storage/audit.js';
import { callRoute } from '../support/call-route.js';
import { createLink } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

useTestTable();
const outboxDir = mkdtempSync(join(tmpdir(), 'pont-audit-'));
beforeAll(() => {
  process.env.OUTBOX_DIR = outboxDir;
  process.env.PUBLIC_WEB_URL = 'https://pont.example.org';
  reloadConfig();
});
afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

const as = async (role: 'admin' | 'researcher', userId = `${role}-1`) => ({
  authorization: `Bearer ${(await signLocalResearcherToken({ userId, role })).token}`,
});
const month = () => new Date().toISOString().slice(0, 7);

describe('reads of participant data', () => {
  it('audits listing participants, check-in requests and sent messages, with counts only', async () => {
    const link = await createLink();
    await callRoute('POST', `/api/s/${link.token}/check-in`, { body: { language: 'en' } });
    const headers = await as('researcher', 'r-7');

    const participants = await callRoute('GET', `/api/studies/${link.studyId}/participants?prefix=P-0`, { headers });
    const checkIns = await callRoute('GET', `/api/studies/${link.studyId}/check-ins`, { headers });
    const messages = await callRoute('GET', `/api/studies/${link.studyId}/messages`, { headers });

    expect([participants.status, checkIns.status, messages.status]).toEqual([200, 200, 200]);
    const audit = await listAuditMonth(link.studyId, new Date());
    const byAction = (action: string) => audit.filter((e) => e.action === action).map(({ actor, detail }) => ({ actor, detail }));
    expect(byAction('participants.listed')).toEqual([{ actor: 'r-7', detail: { count: 1 } }]);
    expect(byAction('check_ins.listed')).toEqual([{ actor: 'r-7', detail: { count: 1 } }]);
    expect(byAction('messages.listed')).toEqual([{ actor: 'r-7', detail: { offset: 0, count: 1 } }]);
    // Not even the search prefix: it can be a whole participant code.
    expect(JSON.stringify(audit)).not.toContain(link.participantCode);
  });
});

describe('a month of the audit log', () => {
  it('is read in full, as JSON and as CSV, beyond one 1 MB page of DynamoDB', async () => {
    const { studyId } = await createLink();
    // 130 entries of about 10 KB: about 1.3 MB in the month's partition, more than one Query returns.
    const filler = 'x'.repeat(10_000);
    const at = new Date();
    for (let i = 0; i < 130; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => recordAudit({ scope: studyId, actor: 'load', action: 'test.filler', detail: { i: i + j, filler } }, at)));
    }

    const entries = await listAuditMonth(studyId, at);
    const log = await callRoute('GET', `/api/audit/${studyId}?month=${month()}`, { headers: await as('admin') });
    const csv = await callRoute('GET', `/api/audit/${studyId}?month=${month()}`, { headers: { ...(await as('admin')), accept: 'text/csv' } });

    expect(entries.filter((e) => e.action === 'test.filler')).toHaveLength(130);
    expect(log.status).toBe(200);
    expect(log.json.entries.filter((e: { action: string }) => e.action === 'test.filler')).toHaveLength(130);
    expect(csv.text.split(/\r?\n/).filter((line) => line.includes('test.filler'))).toHaveLength(130);
  });
});
