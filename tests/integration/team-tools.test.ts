/** Check-in requests for the team, the audit log, and researcher accounts. */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { routes } from '../../functions/routes.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

useTestTable();
const as = async (role: 'admin' | 'researcher' | 'analyst', userId = `${role}-1`) => ({
  authorization: `Bearer ${(await signLocalResearcherToken({ userId, role })).token}`,
});

describe('check-in requests', () => {
  it('appear for the team with the participant code only, and can be marked handled once', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    await callRoute('POST', `/api/s/${link.token}/check-in`, { body: { language: 'cy' } });
    const headers = await as('researcher');

    const listed = await callRoute('GET', `/api/studies/${link.studyId}/check-ins`, { headers });
    const handled = await callRoute('POST', `/api/studies/${link.studyId}/check-ins/${link.waveId}/${link.participantCode}/handled`, { headers });
    const after = await callRoute('GET', `/api/studies/${link.studyId}/check-ins`, { headers });
    const missing = await callRoute('POST', `/api/studies/${link.studyId}/check-ins/${link.waveId}/NOBODY/handled`, { headers });

    expect(listed.json.checkIns).toEqual([{ participantCode: link.participantCode, waveId: 'baseline', language: 'cy', requestedAt: expect.any(String), handledAt: null }]);
    expect(handled.status).toBe(200);
    expect(after.json.checkIns[0].handledAt).toEqual(expect.any(String));
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('participant_not_found');
  });
});

describe('the audit log', () => {
  it('shows admins who did what, as JSON or CSV, and records that it was read', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'r-42', 'researcher');
    await callRoute('GET', `/api/studies/${link.studyId}/waves/baseline/responses`, { headers: await as('researcher', 'r-42') });
    const month = new Date().toISOString().slice(0, 7);

    const log = await callRoute('GET', `/api/audit/${link.studyId}?month=${month}`, { headers: await as('admin') });
    const csv = await callRoute('GET', `/api/audit/${link.studyId}?month=${month}`, { headers: { ...(await as('admin')), accept: 'text/csv' } });
    const again = await callRoute('GET', `/api/audit/${link.studyId}?month=${month}`, { headers: await as('admin') });

    expect(log.json.entries).toContainEqual(expect.objectContaining({ actor: 'r-42', action: 'responses.viewed' }));
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('at,actor,action,detail');
    expect(again.json.entries.map((e: { action: string }) => e.action)).toContain('audit.read');
  });

  it('is for admins only and has no route that changes it', async () => {
    const asResearcher = await callRoute('GET', '/api/audit/anything', { headers: await as('researcher') });

    expect(asResearcher.status).toBe(403);
    expect(routes.filter((r) => r.path.startsWith('/api/audit') && r.method !== 'GET')).toEqual([]);
  });

  it('refuses a malformed month', async () => {
    const result = await callRoute('GET', '/api/audit/x?month=2026-13', { headers: await as('admin') });

    expect(result.status).toBe(400);
  });
});

describe('researcher accounts (embedded mode)', () => {
  it('lets an admin add an account whose temporary password must be replaced before it signs in with its role', async () => {
    const created = await callRoute('POST', '/api/users', { headers: await as('admin'), body: { email: 'Analyst@Example.org', role: 'analyst' } });
    const duplicate = await callRoute('POST', '/api/users', { headers: await as('admin'), body: { email: 'analyst@example.org', role: 'analyst' } });
    const temporary = await callRoute('POST', '/api/auth/sign-in', { body: { email: 'analyst@example.org', password: created.json.temporaryPassword } });
    const changed = await callRoute('POST', '/api/auth/password', { body: { email: 'analyst@example.org', currentPassword: created.json.temporaryPassword, newPassword: 'a password of my own' } });

    expect(created.status).toBe(201);
    expect(duplicate.status).toBe(409);
    expect(temporary.status).toBe(403);
    expect(temporary.json.error.code).toBe('password_change_required');
    expect(changed.json.role).toBe('analyst');
  });
});
