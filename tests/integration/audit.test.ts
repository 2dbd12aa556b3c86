/** The audit log: every read of participant data is in it, a month is read in full, and no entry names a participant. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import { OutboxMailer } from '../../functions/notifications/mailer.js';
import { listAuditMonth, participantAuditRef, recordAudit } from '../../functions/storage/audit.js';
import { setContact } from '../../functions/storage/identities.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
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
    await joinStudy(link.studyId, 'r-7', 'researcher');
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

describe('participants in the audit log', () => {
  it('are named only by a reference, never by code or contact, the same in every entry about them', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'r-1', 'researcher');
    await callRoute('POST', `/api/s/${link.token}/check-in`, { body: { language: 'en' } });
    const researcher = await as('researcher', 'r-1');
    const base = `/api/studies/${link.studyId}/participants/${link.participantCode}`;

    expect((await callRoute('PUT', `${base}/contact`, { headers: researcher, body: { email: 'sam.jones@example.org', phone: '07700 900123' } })).status).toBe(200);
    expect((await callRoute('GET', `${base}/contact`, { headers: researcher })).status).toBe(200);
    expect((await callRoute('POST', `/api/studies/${link.studyId}/check-ins/baseline/${link.participantCode}/handled`, { headers: researcher })).status).toBe(200);
    expect((await callRoute('POST', `${base}/withdraw`, { headers: researcher, body: { scope: 'future-waves' } })).status).toBe(200);

    const audit = await listAuditMonth(link.studyId, new Date());
    const about = audit.filter((e) => ['contact.set', 'contact.read', 'check_in.handled', 'participant.withdrawn'].includes(e.action));
    expect(about.map((e) => e.action).sort()).toEqual(['check_in.handled', 'contact.read', 'contact.set', 'participant.withdrawn']);
    const ref = await participantAuditRef(link.studyId, link.participantCode);
    expect(ref).toMatch(/^pref_[A-Za-z0-9_-]{22}$/);
    for (const entry of about) expect(entry.detail.participant).toBe(ref);
    expect(audit.find((e) => e.action === 'check_in.handled')?.detail).toEqual({ waveId: 'baseline', participant: ref });
    const text = JSON.stringify(audit);
    for (const personal of [link.participantCode, 'sam.jones', '07700']) expect(text).not.toContain(personal);
  });

  it("can be looked up by code while the participant exists: who read their contact details, and nothing about anyone else", async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'r-3', 'researcher');
    await createParticipant({ studyId: link.studyId, participantCode: 'P-009', createdAt: new Date().toISOString() });
    const researcher = await as('researcher', 'r-3');
    const admin = await as('admin', 'admin-9');
    const base = `/api/studies/${link.studyId}/participants`;
    await callRoute('PUT', `${base}/${link.participantCode}/contact`, { headers: researcher, body: { email: 'looked.up@example.org' } });
    await callRoute('GET', `${base}/${link.participantCode}/contact`, { headers: researcher });
    await callRoute('PUT', `${base}/P-009/contact`, { headers: researcher, body: { email: 'someone.else@example.org' } });
    const auditOf = (query: string) => callRoute('GET', `/api/audit/${link.studyId}?month=${month()}${query}`, { headers: admin });

    const theirs = await auditOf(`&participant=${link.participantCode}`);
    await createParticipant({ studyId: link.studyId, participantCode: 'P-011', createdAt: new Date().toISOString() });
    const neverAudited = await auditOf('&participant=P-011');
    const unknown = await auditOf('&participant=P-404');
    const unsafe = await auditOf(`&participant=${encodeURIComponent('P#1')}`);

    expect(theirs.status).toBe(200);
    expect(theirs.json.entries.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`)).toEqual(['r-3 contact.set', 'r-3 contact.read']);
    expect([neverAudited.status, neverAudited.json.entries]).toEqual([200, []]);
    expect(unknown.status).toBe(404);
    expect(unsafe.status).toBe(400);
    // The look-up is itself audited, by reference.
    const ref = await participantAuditRef(link.studyId, link.participantCode);
    const reads = (await listAuditMonth(link.studyId, new Date())).filter((e) => e.action === 'audit.read');
    expect(reads.map((e) => e.detail.participant)).toContain(ref);
    expect(JSON.stringify(reads)).not.toContain(link.participantCode);

    // After erasure, the code finds nothing: that is the point of the per-participant key.
    await callRoute('POST', `${base}/${link.participantCode}/withdraw`, { headers: researcher, body: { scope: 'erase-all' } });
    expect((await auditOf(`&participant=${link.participantCode}`)).status).toBe(404);
  });

  it('cannot be traced back once the participant is erased: the key the reference came from is gone', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'r-1', 'researcher');
    await createParticipant({ studyId: link.studyId, participantCode: 'P-002', createdAt: new Date().toISOString() });
    const researcher = await as('researcher', 'r-1');
    await callRoute('PUT', `/api/studies/${link.studyId}/participants/${link.participantCode}/contact`, { headers: researcher, body: { email: 'erase.me@example.org' } });
    const ref = (await listAuditMonth(link.studyId, new Date())).find((e) => e.action === 'contact.set')?.detail.participant as string;
    const keyOnRecord = (await table.getItem({ PK: `STUDY#${link.studyId}`, SK: `P#${link.participantCode}` }))?.auditKey as string;
    expect(keyOnRecord).toEqual(expect.any(String));
    // Another participant's reference is another one.
    expect(await participantAuditRef(link.studyId, 'P-002')).not.toBe(ref);

    const erased = await callRoute('POST', `/api/studies/${link.studyId}/participants/${link.participantCode}/withdraw`, { headers: researcher, body: { scope: 'erase-all' } });

    expect(erased.status).toBe(200);
    expect(await participantAuditRef(link.studyId, link.participantCode)).toBeUndefined();
    const everything = await table.scanAll();
    expect(everything.filter((item) => JSON.stringify(item).includes(keyOnRecord))).toEqual([]);
    // The reference is left only in audit entries, where nothing can turn it back into a code.
    expect(everything.filter((item) => JSON.stringify(item).includes(ref)).map((item) => item.type)).toEqual(['audit']);
    expect(JSON.stringify(everything)).not.toContain('erase.me');
  });
});

describe('erasure and the outbox', () => {
  const filesOf = (studyId: string) =>
    readdirSync(outboxDir)
      .filter((name) => name.includes(`_${studyId}_`))
      .map((name) => readFileSync(join(outboxDir, name), 'utf8'));

  it('removes every message to or about the participant, and only theirs', async () => {
    const link = await createLink();
    const { studyId } = link;
    await joinStudy(studyId, 'r-1', 'researcher');
    const createdAt = new Date().toISOString();
    await createParticipant({ studyId, participantCode: 'KEEP-1', createdAt });
    await setContact({ studyId, participantCode: link.participantCode, email: 'gone@example.org', updatedAt: createdAt }, 'r-1');
    await setContact({ studyId, participantCode: 'KEEP-1', email: 'kept@example.org', updatedAt: createdAt }, 'r-1');
    const researcher = await as('researcher', 'r-1');
    // An invitation each, and a check-in message to the team naming the participant.
    const issued = await callRoute('POST', `/api/studies/${studyId}/waves/baseline/links`, {
      headers: researcher,
      body: { participantCodes: [link.participantCode, 'KEEP-1'], reissue: true, delivery: 'email' },
    });
    expect(issued.json.emailed).toEqual(['KEEP-1', link.participantCode]);
    const newToken = /\/s\/([A-Za-z0-9_-]{24})/.exec(filesOf(studyId).find((f) => f.includes('gone@example.org'))!)![1]!;
    await callRoute('POST', `/api/s/${newToken}/check-in`, { body: { language: 'en' } });
    // One written before messages said whom they are about: found by the address.
    await new OutboxMailer(outboxDir).send({ to: 'gone@example.org', subject: 'Older', text: 'An older message', tag: { kind: 'reminder', studyId } });
    expect(filesOf(studyId)).toHaveLength(4);

    const erased = await callRoute('POST', `/api/studies/${studyId}/participants/${link.participantCode}/withdraw`, { headers: researcher, body: { scope: 'erase-all' } });

    expect(erased.status).toBe(200);
    expect(erased.json.messagesErased).toBe(3);
    const left = filesOf(studyId);
    expect(left).toHaveLength(1);
    expect(left[0]).toContain('kept@example.org');
    expect(left.join()).not.toContain(link.participantCode);
    expect(left.join()).not.toContain('gone@example.org');
    expect((await listAuditMonth(studyId, new Date())).find((e) => e.action === 'participant.erased')?.detail).toEqual({ itemsErased: erased.json.itemsErased, messagesErased: 3 });
  });
});
