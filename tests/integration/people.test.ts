/**
 * Admins manage researcher accounts (embedded mode): list, create, change
 * role, disable and enable. The accounts of this file's table accumulate from
 * test to test, so the tests about the last admin run first.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../functions/contracts/researcher.js';
import { hashPassword } from '../../functions/domain/passwords.js';
import { PLATFORM_SCOPE, listAuditMonth } from '../../functions/storage/audit.js';
import { db, tableName } from '../../functions/storage/client.js';
import { createLocalUser, listExistingUsers, resetLocalAdmin } from '../../functions/storage/users.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const PASSWORD = 'a password of the tests';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An account with a chosen password, signed in through the API; returns its id and session token. */
async function account(email: string, role: Role): Promise<{ userId: string; token: string }> {
  const userId = `u-${email}`;
  await createLocalUser({ userId, email, role, passwordHash: await hashPassword(PASSWORD), createdAt: new Date().toISOString() });
  return { userId, token: await signIn(email) };
}

async function signIn(email: string): Promise<string> {
  const result = await callRoute('POST', '/api/auth/sign-in', { body: { email, password: PASSWORD } });
  expect(result.status, `${email} signs in`).toBe(200);
  return result.json.token;
}

const change = (token: string, userId: string, body: { role?: Role; enabled?: boolean }) =>
  callRoute('PUT', `/api/users/${encodeURIComponent(userId)}`, { headers: bearer(token), body });

async function users(token: string): Promise<{ userId: string; email: string; role: Role; status: string }[]> {
  const result = await callRoute('GET', '/api/users', { headers: bearer(token) });
  expect(result.status).toBe(200);
  return result.json.users;
}

describe('the last enabled admin', () => {
  it('cannot demote or disable themselves; with another admin they can step down, but never disable their own account', async () => {
    const first = await account('first-admin@example.org', 'admin');

    const demote = await change(first.token, first.userId, { role: 'researcher' });
    const disable = await change(first.token, first.userId, { enabled: false });

    expect(demote.status).toBe(409);
    expect(demote.json.error.code).toBe('last_admin');
    expect(disable.status).toBe(409);
    expect((await users(first.token)).find((u) => u.userId === first.userId)).toMatchObject({ role: 'admin', status: 'active' });

    await account('second-admin@example.org', 'admin');
    const disableNow = await change(first.token, first.userId, { enabled: false });
    const demoteNow = await change(first.token, first.userId, { role: 'researcher' });

    // Another admin existing makes no difference to disabling oneself: never.
    expect(disableNow.status).toBe(409);
    expect(disableNow.json.error.code).toBe('self_disable');
    expect(demoteNow.status).toBe(200);
    expect(demoteNow.json).toMatchObject({ role: 'researcher', status: 'active' });
    // The demotion ended the session it was made with.
    expect((await callRoute('GET', '/api/users', { headers: bearer(first.token) })).status).toBe(401);
  });

  it('two admins demoting each other at the same moment never both succeed: an admin remains', async () => {
    const second = { userId: 'u-second-admin@example.org', token: await signIn('second-admin@example.org') };
    const third = await account('third-admin@example.org', 'admin');

    const results = await Promise.all([change(second.token, third.userId, { role: 'analyst' }), change(third.token, second.userId, { role: 'analyst' })]);

    // Serialisable transactions: never both (DynamoDB may also cancel both as conflicting, which is safe).
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.every((r) => r.status === 200 || (r.status >= 400 && r.status < 500))).toBe(true);
    const winner = results[0]!.status === 200 ? second : third;
    const admins = (await users(winner.token)).filter((u) => u.role === 'admin' && u.status !== 'disabled').map((u) => u.userId);
    if (results.some((r) => r.status === 200)) expect(admins).toEqual([winner.userId]);
    else expect(admins.sort()).toEqual([second.userId, third.userId].sort());
  });
});

describe('managing accounts', () => {
  async function anAdmin() {
    return account(`admin-${Math.random().toString(36).slice(2, 8)}@example.org`, 'admin');
  }

  it('lists every account with email, role and status, never a password hash', async () => {
    const admin = await anAdmin();
    const created = await callRoute('POST', '/api/users', { headers: bearer(admin.token), body: { email: 'New.Person@Example.org', role: 'researcher' } });

    const list = await callRoute('GET', '/api/users', { headers: bearer(admin.token) });

    expect(created.status).toBe(201);
    expect(list.json.users).toEqual(expect.arrayContaining([expect.objectContaining({ email: 'new.person@example.org', role: 'researcher', status: 'invited' })]));
    expect(list.json.users.find((u: { userId: string }) => u.userId === admin.userId)).toMatchObject({ role: 'admin', status: 'active' });
    expect(list.text).not.toMatch(/passwordHash|scrypt/);
  });

  it('a new role ends the account\'s sessions; signing in again carries the new role; audited', async () => {
    const admin = await anAdmin();
    const researcher = await account('changing-role@example.org', 'researcher');
    // A study researcher of a study: the platform role caps the study role at every request.
    const { studyId } = await createLink();
    await joinStudy(studyId, researcher.userId, 'researcher');
    expect((await callRoute('GET', `/api/studies/${studyId}/progress`, { headers: bearer(researcher.token) })).status).toBe(200);

    const changed = await change(admin.token, researcher.userId, { role: 'analyst' });
    const withOldToken = await callRoute('GET', '/api/studies', { headers: bearer(researcher.token) });
    const again = await callRoute('POST', '/api/auth/sign-in', { body: { email: 'changing-role@example.org', password: PASSWORD } });
    const progressAsAnalyst = await callRoute('GET', `/api/studies/${studyId}/progress`, { headers: bearer(again.json.token) });

    expect(changed.status).toBe(200);
    expect(withOldToken.status).toBe(401);
    expect(again.json.role).toBe('analyst');
    // Still a member, but an analyst account acts as a study analyst: no participant work.
    expect(progressAsAnalyst.status).toBe(403);
    expect(progressAsAnalyst.json.error.code).toBe('study_role_insufficient');
    const audit = await listAuditMonth(PLATFORM_SCOPE, new Date());
    expect(audit).toContainEqual(expect.objectContaining({ actor: admin.userId, action: 'user.changed', detail: { userId: researcher.userId, role: 'analyst' } }));
  });

  it('a disabled account stops working at its next request and cannot sign in; enabled again it can, but old tokens stay dead', async () => {
    const admin = await anAdmin();
    const researcher = await account('to-disable@example.org', 'researcher');
    expect((await callRoute('GET', '/api/studies', { headers: bearer(researcher.token) })).status).toBe(200);

    const disabled = await change(admin.token, researcher.userId, { enabled: false });
    const withToken = await callRoute('GET', '/api/studies', { headers: bearer(researcher.token) });
    const signInDisabled = await callRoute('POST', '/api/auth/sign-in', { body: { email: 'to-disable@example.org', password: PASSWORD } });
    const passwordChange = await callRoute('POST', '/api/auth/password', { body: { email: 'to-disable@example.org', currentPassword: PASSWORD, newPassword: 'another long password' } });

    expect(disabled.status).toBe(200);
    expect(disabled.json.status).toBe('disabled');
    expect(withToken.status).toBe(401);
    expect(signInDisabled.status).toBe(403);
    expect(signInDisabled.json.error.code).toBe('account_disabled');
    expect(passwordChange.status).toBe(403);

    const enabled = await change(admin.token, researcher.userId, { enabled: true });
    const fresh = await signIn('to-disable@example.org');

    expect(enabled.json.status).toBe('active');
    expect((await callRoute('GET', '/api/studies', { headers: bearer(fresh) })).status).toBe(200);
    expect((await callRoute('GET', '/api/studies', { headers: bearer(researcher.token) })).status).toBe(401);
    const actions = (await listAuditMonth(PLATFORM_SCOPE, new Date())).filter((e) => e.detail.userId === researcher.userId).map((e) => e.detail.enabled);
    expect(actions).toEqual([false, true]);
  });

  it('answers 404 for an account that does not exist, and refuses a body with nothing to change', async () => {
    const admin = await anAdmin();

    expect((await change(admin.token, 'no-such-user', { role: 'analyst' })).status).toBe(404);
    expect((await change(admin.token, admin.userId, {})).status).toBe(400);
  });

  it('lists accounts made before accounts were listed, once', async () => {
    const admin = await anAdmin();
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { PK: 'USER#older@example.org', SK: 'USER', type: 'user', userId: 'u-older', email: 'older@example.org', role: 'researcher', passwordHash: 'x', createdAt: '2026-01-01T00:00:00.000Z' },
      }),
    );
    expect((await users(admin.token)).map((u) => u.email)).not.toContain('older@example.org');

    expect(await listExistingUsers()).toBe(1);
    expect(await listExistingUsers()).toBe(0);
    expect((await users(admin.token)).map((u) => u.email)).toContain('older@example.org');
    expect(await table.getItem({ PK: 'MIGRATION', SK: 'users-listed' })).toBeDefined();
  });
});

describe("the operator's reset (npm start -- --reset-admin-password)", () => {
  it('makes a disabled, demoted account an enabled admin again, with a temporary password to replace', async () => {
    const locked = await account('locked-out-admin@example.org', 'admin');
    const other = await account('other-admin@example.org', 'admin');
    expect((await change(other.token, locked.userId, { role: 'analyst' })).status).toBe(200);
    expect((await change(other.token, locked.userId, { enabled: false })).status).toBe(200);
    const lockedOut = await callRoute('POST', '/api/auth/sign-in', { body: { email: 'locked-out-admin@example.org', password: PASSWORD } });
    expect(lockedOut.json.error.code).toBe('account_disabled');

    expect(await resetLocalAdmin('locked-out-admin@example.org', await hashPassword('temporary from the reset'))).toEqual({ userId: locked.userId });

    // The temporary password only lets them choose their own; then they are an admin again.
    const temporary = await callRoute('POST', '/api/auth/sign-in', { body: { email: 'locked-out-admin@example.org', password: 'temporary from the reset' } });
    expect(temporary.json.error.code).toBe('password_change_required');
    const listed = (await users(other.token)).find((u) => u.userId === locked.userId);
    expect(listed).toMatchObject({ role: 'admin', status: 'invited' });
    expect(await resetLocalAdmin('nobody@example.org', await hashPassword('x'))).toBe(false);
  });
});

