/** Embedded-mode password changes (temporary passwords), password rules, sign-in throttling, and the participants list. */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { hashPassword } from '../../functions/domain/passwords.js';
import { ACCOUNT_BACKOFF, SIGN_IN_POLICY } from '../../functions/http/sign-in-attempts.js';
import { listAuditMonth, PLATFORM_SCOPE } from '../../functions/storage/audit.js';
import { setContact } from '../../functions/storage/identities.js';
import { importParticipants } from '../../functions/storage/participants.js';
import { createLocalUser, getLocalUser } from '../../functions/storage/users.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const as = async (role: 'admin' | 'researcher' | 'analyst' = 'researcher') => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId: `${role}-1`, role })).token}` });

async function account(email: string, password: string, temporary: boolean) {
  await createLocalUser({ userId: `u-${email}`, email, role: 'researcher', passwordHash: await hashPassword(password), createdAt: new Date().toISOString(), ...(temporary ? { mustChangePassword: true } : {}) });
}
const change = (body: Record<string, unknown>, sourceIp = '127.0.0.1') => callRoute('POST', '/api/auth/password', { body, sourceIp });
const signIn = (email: string, password: string, sourceIp = '127.0.0.1') => callRoute('POST', '/api/auth/sign-in', { body: { email, password }, sourceIp });

describe('temporary passwords', () => {
  it('give no session until a new password is chosen; then only the new one signs in', async () => {
    await account('temp@example.org', 'printed-at-first-start', true);

    const first = await signIn('temp@example.org', 'printed-at-first-start');
    const changed = await change({ email: 'temp@example.org', currentPassword: 'printed-at-first-start', newPassword: 'my own long password' });
    const withOld = await signIn('temp@example.org', 'printed-at-first-start', '10.0.0.2');
    const withNew = await signIn('temp@example.org', 'my own long password');

    expect(first.status).toBe(403);
    expect(first.json.error.code).toBe('password_change_required');
    expect(first.json.token).toBeUndefined();
    expect(changed.status).toBe(200);
    expect(changed.json.token).toEqual(expect.any(String));
    expect(withOld.status).toBe(401);
    expect(withNew.status).toBe(200);
    expect((await getLocalUser('temp@example.org'))?.mustChangePassword).toBeUndefined();
    const audit = await listAuditMonth(PLATFORM_SCOPE, new Date());
    expect(audit.find((e) => e.action === 'auth.password_changed' && e.actor === 'u-temp@example.org')?.detail).toEqual({ wasTemporary: true });
  });

  it('refuses a new password shorter than 12 characters or equal to the old one', async () => {
    await account('rules@example.org', 'the-old-password', true);

    const short = await change({ email: 'rules@example.org', currentPassword: 'the-old-password', newPassword: 'too-short' });
    const same = await change({ email: 'rules@example.org', currentPassword: 'the-old-password', newPassword: 'the-old-password' });

    expect(short.status).toBe(400);
    expect(JSON.stringify(short.json)).toContain('at least 12 characters');
    expect(same.status).toBe(400);
    expect(same.json.error.code).toBe('password_not_allowed');
    expect((await getLocalUser('rules@example.org'))?.mustChangePassword).toBe(true);
  });

  it('ends every other session of the account, twice in a row; the session it opens works', async () => {
    // Arrange: two sessions, as on two machines.
    await account('sessions@example.org', 'the-first-password', false);
    const elsewhere = (await signIn('sessions@example.org', 'the-first-password')).json.token as string;
    const studies = (token: string) => callRoute('GET', '/api/studies', { headers: { authorization: `Bearer ${token}` } });
    expect((await studies(elsewhere)).status).toBe(200);

    // Act: the password is changed, then changed again from the new session.
    const first = await change({ email: 'sessions@example.org', currentPassword: 'the-first-password', newPassword: 'the second password' });
    const second = await change({ email: 'sessions@example.org', currentPassword: 'the second password', newPassword: 'the third long password' });

    // Assert
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect((await studies(elsewhere)).status).toBe(401);
    expect((await studies(first.json.token)).status).toBe(401);
    expect((await studies(second.json.token)).status).toBe(200);
  });

  it('needs the current password, answering a wrong one like a failed sign-in', async () => {
    await account('guarded@example.org', 'the-real-password', false);

    const wrong = await change({ email: 'guarded@example.org', currentPassword: 'a guess', newPassword: 'attacker password' }, '10.0.0.3');
    const unknown = await change({ email: 'nobody@example.org', currentPassword: 'a guess', newPassword: 'attacker password' }, '10.0.0.3');

    expect(wrong.status).toBe(401);
    expect(unknown.json).toEqual(wrong.json);
  });

  it('rate-limits wrong passwords per client, sign-ins and changes together, and leaves other clients alone', async () => {
    // Arrange: the client's wrong passwords spread over many emails, so that no one account backs off.
    await account('limited@example.org', 'the-real-password', false);
    const ip = '10.9.9.9';
    for (let i = 0; i < SIGN_IN_POLICY.limit / 2; i++) {
      await signIn(`guess-${i}@example.org`, 'wrong', ip);
      await change({ email: `guess-change-${i}@example.org`, currentPassword: 'wrong', newPassword: 'another long password' }, ip);
    }

    const blocked = await signIn('limited@example.org', 'the-real-password', ip);
    const blockedChange = await change({ email: 'limited@example.org', currentPassword: 'the-real-password', newPassword: 'another long password' }, ip);
    const elsewhere = await signIn('limited@example.org', 'the-real-password', '10.9.9.10');

    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(SIGN_IN_POLICY.windowSeconds);
    expect(blockedChange.status).toBe(429);
    expect(elsewhere.status).toBe(200);
  });
});

describe('choosing a password that is not guessable', () => {
  it('refuses a repeated character, a common password and the email\'s name, each reason a detail on newPassword', async () => {
    // Arrange
    await account('Robin.Hood@example.org', 'printed-at-first-start', true);
    const choose = (newPassword: string) => change({ email: 'robin.hood@example.org', currentPassword: 'printed-at-first-start', newPassword });

    // Act
    const repeated = await choose('aaaaaaaaaaaa');
    const common = await choose('qwerty123456');
    const withName = await choose('ROBIN.HOOD of the green wood');
    const both = await choose('robin.hoodrobin.hood');

    // Assert
    for (const refused of [repeated, common, withName, both]) {
      expect(refused.status).toBe(400);
      expect(refused.json.error.code).toBe('password_not_allowed');
      expect(refused.json.error.details.every((d: { path: string }) => d.path === 'newPassword')).toBe(true);
    }
    expect(repeated.json.error.details).toEqual([{ path: 'newPassword', message: expect.stringContaining('too easy to guess (Repeated characters like "aaa"') }]);
    expect(common.json.error.details).toEqual([{ path: 'newPassword', message: 'this is one of the most commonly used passwords: choose another' }]);
    expect(withName.json.error.details).toEqual([{ path: 'newPassword', message: expect.stringContaining('the name in your email address') }]);
    expect(both.json.error.details.map((d: { message: string }) => d.message)).toEqual([expect.stringContaining('the name in your email address'), expect.stringContaining('too easy to guess')]);
    expect((await getLocalUser('robin.hood@example.org'))?.mustChangePassword).toBe(true);
    expect((await choose('three random words for robin')).status).toBe(200);
  });
});

describe('wrong passwords for one account', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const ip = (i: number) => `10.20.${Math.floor(i / 250)}.${i % 250}`;

  it('back the account off after 5, whatever the address, sign-ins and password changes alike; the right password starts the count again', async () => {
    // Arrange: 5 wrong passwords, each from its own address (no address reaches its limit).
    await account('backoff@example.org', 'the-real-password', false);
    for (let i = 0; i < ACCOUNT_BACKOFF.freeFailures; i++) expect((await signIn('BackOff@example.org', `guess ${i}`, ip(i))).status).toBe(401);

    // Act + assert: locked for 1 s, even with the right password, from a new address.
    const locked = await signIn('backoff@example.org', 'the-real-password', ip(100));
    const lockedChange = await change({ email: 'backoff@example.org', currentPassword: 'the-real-password', newPassword: 'a new long password' }, ip(101));
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe('too_many_attempts');
    expect(locked.headers['retry-after']).toBe('1');
    expect(lockedChange.status).toBe(429);

    // The next failure doubles the lock.
    await sleep(1100);
    expect((await signIn('backoff@example.org', 'guess 6', ip(102))).status).toBe(401);
    expect((await signIn('backoff@example.org', 'the-real-password', ip(103))).headers['retry-after']).toBe('2');

    // The right password after the lock signs in, and starts the count again: one more failure locks nothing.
    await sleep(2100);
    expect((await signIn('backoff@example.org', 'the-real-password', ip(104))).status).toBe(200);
    expect((await signIn('backoff@example.org', 'guess 7', ip(105))).status).toBe(401);
    expect((await signIn('backoff@example.org', 'the-real-password', ip(106))).status).toBe(200);
  });

  it('back an unknown email off exactly like a known one, and keep no email in clear', async () => {
    // Arrange
    await account('known@example.org', 'the-real-password', false);
    const answers = async (email: string, from: number) => {
      const failures = [];
      for (let i = 0; i < ACCOUNT_BACKOFF.freeFailures; i++) failures.push(await signIn(email, `guess ${i}`, ip(from + i)));
      return { failures, locked: await signIn(email, 'the-real-password', ip(from + 10)) };
    };

    // Act
    const known = await answers('known@example.org', 200);
    const unknown = await answers('unknown@example.org', 300);

    // Assert
    expect(unknown.failures.map((r) => [r.status, r.json])).toEqual(known.failures.map((r) => [r.status, r.json]));
    expect(known.locked.status).toBe(429);
    expect([unknown.locked.status, unknown.locked.json, unknown.locked.headers['retry-after']]).toEqual([429, known.locked.json, known.locked.headers['retry-after']]);
    const counters = (await table.scanAll()).filter((item) => String(item.PK).startsWith('RATE#ACCOUNT#'));
    expect(counters.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(counters)).not.toMatch(/known@|unknown@/);
    expect(counters.every((item) => typeof item.expiresAt === 'number')).toBe(true);
  });
});

describe('the participants list', () => {
  it('pages through participants with their attributes, wave status and whether a contact is held, never the contact', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    const createdAt = new Date().toISOString();
    await importParticipants(Array.from({ length: 250 }, (_, i) => ({ studyId: link.studyId, participantCode: `A-${String(i).padStart(4, '0')}`, attributes: { band: i % 2 ? 'a' : 'b' }, createdAt })));
    await setContact({ studyId: link.studyId, participantCode: 'A-0001', email: 'q1@example.org', updatedAt: createdAt }, 'someone-else');
    await callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body: { answers: { mood: 3, has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 0 } });

    const first = await callRoute('GET', `/api/studies/${link.studyId}/participants?limit=100`, { headers: await as() });
    const second = await callRoute('GET', `/api/studies/${link.studyId}/participants?limit=100&after=${first.json.next}`, { headers: await as() });
    const third = await callRoute('GET', `/api/studies/${link.studyId}/participants?limit=100&after=${second.json.next}`, { headers: await as() });
    const found = await callRoute('GET', `/api/studies/${link.studyId}/participants?prefix=P-`, { headers: await as() });

    expect(first.json.participants).toHaveLength(100);
    expect(first.json.participants[0]).toEqual({
      participantCode: 'A-0000',
      attributes: { band: 'b' },
      withdrawn: false,
      contact: { email: false, phone: false },
      waves: { baseline: { status: 'not_invited', delivery: null } },
    });
    expect(first.json.participants[1].contact).toEqual({ email: true, phone: false });
    expect(first.text).not.toContain('q1@example.org');
    expect(second.json.participants[0].participantCode).toBe('A-0100');
    expect(third.json.participants).toHaveLength(51);
    expect(third.json.next).toBeNull();
    expect(found.json.participants).toEqual([expect.objectContaining({ participantCode: 'P-001', waves: { baseline: { status: 'completed', delivery: 'sheet' } } })]);
  });

  it('is not for analysts, and refuses a malformed page', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    await joinStudy(link.studyId, 'analyst-1', 'analyst');

    // A study analyst is refused by study role; the same analyst outside the study would not even see it.
    const analyst = await callRoute('GET', `/api/studies/${link.studyId}/participants`, { headers: await as('analyst') });
    expect(analyst.status).toBe(403);
    expect(analyst.json.error.code).toBe('study_role_insufficient');
    expect((await callRoute('GET', `/api/studies/${link.studyId}/participants?limit=0`, { headers: await as() })).status).toBe(400);
    expect((await callRoute('GET', `/api/studies/${link.studyId}/participants?after=../x`, { headers: await as() })).status).toBe(400);
    expect((await callRoute('GET', '/api/studies/nope/participants', { headers: await as() })).status).toBe(404);
  });
});
