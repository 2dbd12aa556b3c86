/** Email invitations and reminders through the Mailer (the real outbox adapter), against DynamoDB Local. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import type { Mailer, StoredMessage } from '../../functions/notifications/mailer.js';
import { participantMail, sendDueReminders, type ParticipantMail } from '../../functions/notifications/participant-mail.js';
import { REMINDER_RUN_LEASE_MS, runDueReminders } from '../../functions/scheduled/send-reminders.js';
import { acquireRunLease, releaseRunLease } from '../../functions/storage/run-locks.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { recordConsent } from '../../functions/storage/consents.js';
import { setContact } from '../../functions/storage/identities.js';
import { getParticipantLink, type LinkDeliveryState } from '../../functions/storage/links.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { createWave, getStudy, getWave } from '../../functions/storage/studies.js';
import { withdrawFromFutureWaves } from '../../functions/storage/withdrawals.js';
import { callRoute } from '../support/call-route.js';
import { CONSENT_VERSION, createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const outboxDir = mkdtempSync(join(tmpdir(), 'pont-mail-'));
const WEB = 'https://pont.example.org';
beforeAll(() => {
  process.env.OUTBOX_DIR = outboxDir;
  process.env.PUBLIC_WEB_URL = WEB;
  reloadConfig();
});
afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

const DAY = 24 * 3600_000;
const as = async (role: 'admin' | 'researcher' | 'analyst' = 'researcher', userId = 'researcher-1') => ({
  authorization: `Bearer ${(await signLocalResearcherToken({ userId, role })).token}`,
});

/** Every message in the outbox, oldest first. */
const messages = (): StoredMessage[] =>
  readdirSync(outboxDir)
    .sort()
    .map((name) => JSON.parse(readFileSync(join(outboxDir, name), 'utf8')) as StoredMessage);
const messagesOf = (studyId: string, kind: string) => messages().filter((m) => m.tag.studyId === studyId && m.tag.kind === kind);
const tokenIn = (text: string) => new RegExp(`${WEB}/s/([A-Za-z0-9_-]{24})`).exec(text)![1]!;

/**
 * A study (from the link fixture) with researcher-1 as a study researcher, a second wave "invite"
 * that has reminders at 7 and 14 days, and participants: E-1…E-n with email addresses (E-1 prefers Welsh), and N-1 without one.
 */
async function studyWithEmails(count = 3) {
  const base = await createLink();
  // researcher-1 works with the study's participants and manages their contact details.
  await joinStudy(base.studyId, 'researcher-1', 'researcher');
  const now = Date.now();
  await createWave({
    studyId: base.studyId,
    waveId: 'invite',
    ordinal: 1,
    name: { en: 'Invited wave', cy: "Ton wedi'i gwahodd" },
    window: { kind: 'fixed', opensAt: new Date(now - DAY).toISOString(), closesAt: new Date(now + 60 * DAY).toISOString() },
    instruments: [{ id: base.instrument.id, version: base.instrument.version }],
    consentVersion: CONSENT_VERSION,
    reminders: { afterDays: [7, 14] },
  });
  const codes = Array.from({ length: count }, (_, i) => `E-${i + 1}`);
  const createdAt = new Date().toISOString();
  for (const code of codes) {
    await createParticipant({ studyId: base.studyId, participantCode: code, createdAt, ...(code === 'E-1' ? { language: 'cy' as const } : {}) });
    await setContact({ studyId: base.studyId, participantCode: code, email: `${code.toLowerCase()}@example.org`, updatedAt: createdAt }, 'researcher-1');
  }
  await createParticipant({ studyId: base.studyId, participantCode: 'N-1', createdAt });
  return { ...base, codes };
}

const agree = (studyId: string, participantCode: string) =>
  recordConsent({ studyId, participantCode, waveId: 'invite', consentVersion: CONSENT_VERSION, decision: 'agreed', language: 'en', decidedAt: new Date().toISOString() });

const issueByEmail = async (studyId: string, body: Record<string, unknown> = {}) =>
  callRoute('POST', `/api/studies/${studyId}/waves/invite/links`, { headers: await as(), body: { reissue: false, delivery: 'email', ...body } });

async function setupOf(studyId: string, mail?: Mailer): Promise<{ setup: ParticipantMail; study: NonNullable<Awaited<ReturnType<typeof getStudy>>>; wave: NonNullable<Awaited<ReturnType<typeof getWave>>> }> {
  const setup = participantMail()!;
  return { setup: mail ? { ...setup, mail } : setup, study: (await getStudy(studyId))!, wave: (await getWave(studyId, 'invite'))! };
}

describe('email invitations', () => {
  it('emails each participant with an address their own link, in their language first, and skips the others', async () => {
    const { studyId, codes } = await studyWithEmails();

    const issued = await issueByEmail(studyId);

    expect(issued.status).toBe(200);
    expect(issued.json.emailed).toEqual(codes);
    expect(issued.json.links).toEqual([]);
    expect(issued.json.skipped).toEqual(expect.arrayContaining([{ participantCode: 'N-1', reason: 'no email address held' }]));
    const sent = messagesOf(studyId, 'invitation');
    expect(sent.map((m) => m.to).sort()).toEqual(codes.map((c) => `${c.toLowerCase()}@example.org`));
    const welsh = sent.find((m) => m.to === 'e-1@example.org')!;
    expect(welsh.subject).toMatch(/^Eich dolen/);
    expect(sent.find((m) => m.to === 'e-2@example.org')!.subject).toMatch(/^Your link/);
    const opened = await callRoute('GET', `/api/s/${tokenIn(welsh.text)}`);
    expect(opened.status).toBe(200);
    expect(((await getParticipantLink(studyId, 'E-1', 'invite')) as LinkDeliveryState).delivery).toBe('email');
  });

  it('audits the batch with counts only, and keeps no address or token in the main table', async () => {
    const { studyId } = await studyWithEmails(2);

    await issueByEmail(studyId);

    const entry = (await listAuditMonth(studyId, new Date())).find((e) => e.action === 'links.issued');
    // P-001 (from the fixture) and N-1 have no address.
    expect(entry?.detail).toEqual({ waveId: 'invite', count: 2, delivery: 'email', emailed: 2, emailFailed: 0, noEmail: 2 });
    const stored = JSON.stringify(await table.scanAll());
    expect(stored).not.toContain('@example.org');
    for (const m of messagesOf(studyId, 'invitation')) expect(stored).not.toContain(tokenIn(m.text));
  });

  it('hands back, for a sheet, the links whose email could not be sent', async () => {
    const { studyId } = await studyWithEmails(2);
    const { setup, study, wave } = await setupOf(studyId);
    const { sendInvitations } = await import('../../functions/notifications/participant-mail.js');
    const failing: Mailer = { send: async () => Promise.reject(new Error('SES is down')), forgetParticipant: async () => 0 };

    const result = await sendInvitations({ ...setup, mail: failing }, study, wave, [{ participantCode: 'E-1', token: 'A'.repeat(24), email: 'e-1@example.org', language: 'en' }], new Date());

    expect(result).toEqual({ emailed: [], failed: [expect.objectContaining({ participantCode: 'E-1' })] });
  });

  it('emails nobody who has withdrawn, even with an address held, and counts them as skipped', async () => {
    const { studyId } = await studyWithEmails(2);
    await withdrawFromFutureWaves(studyId, 'E-2', new Date());

    const issued = await issueByEmail(studyId);

    expect(issued.status).toBe(200);
    expect(issued.json.emailed).toEqual(['E-1']);
    expect(issued.json.withdrawn).toBe(1);
    expect(issued.json.skipped).toContainEqual({ participantCode: 'E-2', reason: 'withdrawn from the study' });
    expect(messagesOf(studyId, 'invitation').map((m) => m.to)).toEqual(['e-1@example.org']);
    expect(await getParticipantLink(studyId, 'E-2', 'invite')).toBeUndefined();
    const entry = (await listAuditMonth(studyId, new Date())).find((e) => e.action === 'links.issued');
    expect(entry?.detail).toEqual({ waveId: 'invite', count: 1, withdrawn: 1, delivery: 'email', emailed: 1, emailFailed: 0, noEmail: 2 });
  });

  it('lets a sheet still be the default', async () => {
    const { studyId } = await studyWithEmails(1);
    const before = messages().length;

    const issued = await callRoute('POST', `/api/studies/${studyId}/waves/invite/links`, { headers: await as(), body: { reissue: false } });

    expect(issued.json.links.map((l: { participantCode: string }) => l.participantCode)).toEqual(['E-1', 'N-1', 'P-001']);
    expect(issued.json.emailed).toBeUndefined();
    expect(messages()).toHaveLength(before);
  });
});

describe('reminders', () => {
  it('sends nothing before the first reminder day', async () => {
    const { studyId } = await studyWithEmails(2);
    await issueByEmail(studyId);

    const result = await callRoute('POST', `/api/studies/${studyId}/waves/invite/reminders`, { headers: await as() });

    expect(result.status).toBe(200);
    expect(result.json).toEqual({ waveId: 'invite', emailed: 2, due: 0, sent: 0, failed: 0, skipped: 0 });
    expect((await listAuditMonth(studyId, new Date())).find((e) => e.action === 'reminders.sent')?.detail).toEqual(result.json);
  });

  it('reissues a due participant\'s link and emails it: the old link stops working, partial answers are kept', async () => {
    const { studyId } = await studyWithEmails(1);
    await issueByEmail(studyId);
    const oldToken = tokenIn(messagesOf(studyId, 'invitation')[0]!.text);
    await agree(studyId, 'E-1');
    await callRoute('PUT', `/api/s/${oldToken}/responses/check-in`, { body: { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0, pageName: 'first' } });
    const { setup, study, wave } = await setupOf(studyId);

    const run = await sendDueReminders(setup, study, wave, new Date(Date.now() + 8 * DAY));

    expect(run).toMatchObject({ due: 1, sent: 1, failed: 0 });
    const reminder = messagesOf(studyId, 'reminder')[0]!;
    expect(reminder.to).toBe('e-1@example.org');
    expect(reminder.text).toContain('Links we sent you before have stopped working');
    expect((await callRoute('GET', `/api/s/${oldToken}`)).json.error.code).toBe('link_not_valid');
    const reopened = await callRoute('GET', `/api/s/${tokenIn(reminder.text)}`);
    expect(reopened.json.instruments[0].response).toMatchObject({ status: 'partial', answers: { mood: 2 } });
  });

  it('sends each step once, even when runs overlap or repeat', async () => {
    const { studyId, codes } = await studyWithEmails(5);
    await issueByEmail(studyId);
    const { setup, study, wave } = await setupOf(studyId);
    const day8 = new Date(Date.now() + 8 * DAY);

    const runs = await Promise.all([sendDueReminders(setup, study, wave, day8), sendDueReminders(setup, study, wave, day8), sendDueReminders(setup, study, wave, day8)]);
    const again = await sendDueReminders(setup, study, wave, new Date(day8.getTime() + 3600_000));
    const day15 = await sendDueReminders(setup, study, wave, new Date(Date.now() + 15 * DAY));

    expect(runs.reduce((sum, r) => sum + r.sent, 0)).toBe(codes.length);
    expect(again).toMatchObject({ due: 0, sent: 0 });
    expect(day15).toMatchObject({ due: codes.length, sent: codes.length });
    const reminders = messagesOf(studyId, 'reminder');
    expect(reminders).toHaveLength(2 * codes.length);
    for (const code of codes) expect(reminders.filter((m) => m.to === `${code.toLowerCase()}@example.org`)).toHaveLength(2);
  });

  it('never reminds sheet links, nor anyone who completed, declined or withdrew', async () => {
    const { studyId } = await studyWithEmails(4);
    // E-4 gets a sheet link instead (a personal adviser hands it out).
    await callRoute('POST', `/api/studies/${studyId}/waves/invite/links`, { headers: await as(), body: { reissue: false, participantCodes: ['E-4'] } });
    await issueByEmail(studyId);
    const tokens = new Map(messagesOf(studyId, 'invitation').map((m) => [m.to, tokenIn(m.text)]));
    await agree(studyId, 'E-1');
    await callRoute('PUT', `/api/s/${tokens.get('e-1@example.org')}/responses/check-in`, { body: { answers: { mood: 3, has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 0 } });
    await recordConsent({ studyId, participantCode: 'E-2', waveId: 'invite', consentVersion: CONSENT_VERSION, decision: 'declined', language: 'en', decidedAt: new Date().toISOString() });
    await withdrawFromFutureWaves(studyId, 'E-3', new Date());
    const { setup, study, wave } = await setupOf(studyId);

    const run = await sendDueReminders(setup, study, wave, new Date(Date.now() + 8 * DAY));

    expect(run).toMatchObject({ emailed: 3, due: 0, sent: 0 });
    expect(messagesOf(studyId, 'reminder')).toEqual([]);
  });

  it('sends a failed reminder again at the next run, with a link that works', async () => {
    const { studyId } = await studyWithEmails(1);
    await issueByEmail(studyId);
    const failing: Mailer = { send: async () => Promise.reject(new Error('throttled')), forgetParticipant: async () => 0 };
    const first = await setupOf(studyId, failing);
    const day8 = new Date(Date.now() + 8 * DAY);

    const failed = await sendDueReminders(first.setup, first.study, first.wave, day8);
    const working = await setupOf(studyId);
    const retried = await sendDueReminders(working.setup, working.study, working.wave, new Date(day8.getTime() + 3600_000));

    expect(failed).toMatchObject({ due: 1, sent: 0, failed: 1 });
    expect(retried).toMatchObject({ due: 1, sent: 1 });
    expect((await getParticipantLink(studyId, 'E-1', 'invite')) as LinkDeliveryState).toMatchObject({ remindersSent: 1 });
    expect((await callRoute('GET', `/api/s/${tokenIn(messagesOf(studyId, 'reminder')[0]!.text)}`)).status).toBe(200);
  });

  it('runs for every wave with a schedule in the scheduled function, audited as the scheduler', async () => {
    const { studyId } = await studyWithEmails(1);
    await issueByEmail(studyId);

    const summary = await runDueReminders(new Date(Date.now() + 8 * DAY));

    expect(summary?.sent).toBeGreaterThanOrEqual(1);
    expect((await listAuditMonth(studyId, new Date())).find((e) => e.action === 'reminders.sent' && e.actor === 'scheduler')?.detail).toMatchObject({ sent: 1 });
  });

  it('never runs twice at once: a run finding the lease held sends nothing, and a lease left by a dead run expires', async () => {
    const { studyId } = await studyWithEmails(1);
    await issueByEmail(studyId);
    const day8 = new Date(Date.now() + 8 * DAY);
    const held = await acquireRunLease('reminders', REMINDER_RUN_LEASE_MS);

    const whileHeld = await runDueReminders(day8);
    const remindersWhileHeld = messagesOf(studyId, 'reminder').length;
    // The holder died without releasing: once its lease has passed, another run takes the job.
    const takeover = await acquireRunLease('reminders', 60_000, new Date(Date.now() + REMINDER_RUN_LEASE_MS + 1));
    await releaseRunLease(held!); // the dead holder's late release must not free the new holder's lease
    const stillHeld = await acquireRunLease('reminders', 60_000);
    await releaseRunLease(takeover!);
    const afterRelease = await runDueReminders(day8);

    expect(held).toBeDefined();
    expect(whileHeld).toBeUndefined();
    expect(remindersWhileHeld).toBe(0);
    expect(takeover).toBeDefined();
    expect(stillHeld).toBeUndefined();
    expect(afterRelease?.sent).toBeGreaterThanOrEqual(1);
    expect(messagesOf(studyId, 'reminder')).toHaveLength(1);
    // The finished run gave its lease back.
    const next = await acquireRunLease('reminders', 60_000);
    expect(next).toBeDefined();
    await releaseRunLease(next!);
  });

  it('refuses a wave without a schedule', async () => {
    const { studyId } = await studyWithEmails(1);

    const result = await callRoute('POST', `/api/studies/${studyId}/waves/baseline/reminders`, { headers: await as() });

    expect(result.status).toBe(409);
    expect(result.json.error.code).toBe('no_reminder_schedule');
  });
});

describe('messages to the study team', () => {
  it('go to the address the study names, else the platform’s', async () => {
    const named = await createLink({ teamEmail: 'leaving-care@council.example.gov.wales' });
    const unnamed = await createLink();

    for (const link of [named, unnamed]) {
      const asked = await callRoute('POST', `/api/s/${link.token}/check-in`, { body: { language: 'cy' } });
      expect(asked.status).toBe(200);
    }

    expect(messagesOf(named.studyId, 'study-team').map((m) => m.to)).toEqual(['leaving-care@council.example.gov.wales']);
    expect(messagesOf(unnamed.studyId, 'study-team').map((m) => m.to)).toEqual(['study-team@pont.local']);
  });
});

describe('sent messages (embedded outbox)', () => {
  it('lists a study\'s messages with recipients masked, and audits opening one', async () => {
    const { studyId } = await studyWithEmails(2);
    await issueByEmail(studyId);

    const list = await callRoute('GET', `/api/studies/${studyId}/messages`, { headers: await as() });
    const opened = await callRoute('GET', `/api/studies/${studyId}/messages/${list.json.messages[0].id}`, { headers: await as() });
    // Through another study researcher-1 is also a member of: that study has no such message.
    const another = await createLink();
    await joinStudy(another.studyId, 'researcher-1', 'researcher');
    const foreign = await callRoute('GET', `/api/studies/${another.studyId}/messages/${list.json.messages[0].id}`, { headers: await as() });

    expect(list.json.total).toBe(2);
    expect(list.json.messages.map((m: { to: string }) => m.to).sort()).toEqual(['e***@example.org', 'e***@example.org']);
    expect(list.text).not.toContain('e-1@example.org');
    expect(opened.json.text).toContain(`${WEB}/s/`);
    expect(opened.json.to).toBe('e***@example.org');
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe('message_not_found');
    expect((await listAuditMonth(studyId, new Date())).map((e) => e.action)).toContain('message.read');
  });
});
