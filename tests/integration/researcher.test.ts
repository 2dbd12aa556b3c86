import { SignJWT, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { hashPassword } from '../../functions/domain/passwords.js';
import { routes } from '../../functions/routes.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { createLocalUser } from '../../functions/storage/users.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

useTestTable();

const researcherRoutes = routes.filter((route) => route.access.kind === 'researcher');
/** A concrete path for a route template. */
const pathOf = (template: string) => template.replace(/\{(\w+)\}/g, (_m, name: string) => `sample-${name}`);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('researcher access', () => {
  it.each(researcherRoutes.map((route) => [route.name, route] as const))('%s refuses a request without a token (401)', async (_name, route) => {
    const result = await callRoute(route.method, pathOf(route.path));

    expect(result.status).toBe(401);
    expect(result.json.error.code).toBe('not_signed_in');
  });

  /**
   * Routes open to every platform role have no wrong role to try: on a route
   * that names a study the study role decides (every such route is checked in
   * tests/integration/study-access.test.ts), listing studies shows only the
   * caller's own, and the instrument library (its list and comparisons) holds
   * no personal data and is the same for everyone.
   */
  const restrictedRoutes = researcherRoutes.filter((route) => route.access.kind === 'researcher' && route.access.roles.length < 3);
  it('has routes restricted by platform role to test, and every other route but the list of studies and the instrument library names a study scope', () => {
    expect(restrictedRoutes.map((route) => route.name)).toEqual(
      expect.arrayContaining(['CreateStudy', 'ReadAuditLog', 'CreateLocalUser', 'PublishInstrumentVersion', 'PublishInstrument', 'ListUsers', 'UpdateUser']),
    );
    const openToEveryRole = researcherRoutes.filter((route) => !restrictedRoutes.includes(route));
    const unscopedOnPurpose = ['ListStudies', 'ListInstruments', 'DiffInstrumentVersions'];
    for (const route of openToEveryRole) {
      const scoped = route.access.kind === 'researcher' && route.access.study !== undefined;
      expect(scoped || unscopedOnPurpose.includes(route.name), `${route.name} is open to every platform role without a study scope`).toBe(true);
    }
  });

  it.each(restrictedRoutes.map((route) => [route.name, route] as const))('%s refuses a role it does not allow (403)', async (_name, route) => {
    const allowed = route.access.kind === 'researcher' ? route.access.roles : [];
    const wrongRole = (['admin', 'researcher', 'analyst'] as const).find((role) => !allowed.includes(role));
    expect(wrongRole).toBeDefined();
    const { token } = await signLocalResearcherToken({ userId: 'someone', role: wrongRole! });

    const result = await callRoute(route.method, pathOf(route.path), { headers: bearer(token) });

    expect(result.status).toBe(403);
  });

  /** Instrument authoring (publishing, drafts and their comments) needs the permission on top of the role. */
  const authorRoutes = researcherRoutes.filter((route) => route.access.kind === 'researcher' && route.access.permission === 'instrumentAuthor');
  it('has the instrument library\'s authoring routes to test', () => {
    expect(authorRoutes.map((route) => route.name).sort()).toEqual(['GetDraft', 'ListDrafts', 'PublishInstrument', 'PublishInstrumentVersion', 'ShareDraft']);
  });

  it.each(authorRoutes.map((route) => [route.name, route] as const))('%s refuses an allowed role without the instrument author permission (403)', async (_name, route) => {
    const role = route.access.kind === 'researcher' ? route.access.roles[0]! : 'researcher';
    const { token } = await signLocalResearcherToken({ userId: 'not-an-author', role });

    const result = await callRoute(route.method, pathOf(route.path), { headers: bearer(token) });

    expect(result.status).toBe(403);
  });

  it('refuses a token signed with another key, an expired token and an unsigned one', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ 'pont:role': 'admin' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('intruder')
      .setIssuer('pont-local')
      .setAudience('pont-researcher')
      .setExpirationTime('1h')
      .sign(privateKey);
    const { token: expired } = await signLocalResearcherToken({ userId: 'someone', role: 'admin' }, new Date(Date.now() - 9 * 3600_000));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","pont:role":"admin"}').toString('base64url')}.`;

    for (const token of [forged, expired, unsigned]) {
      const result = await callRoute('GET', '/api/studies', { headers: bearer(token) });
      expect(result.status).toBe(401);
    }
  });
});

describe('signing in locally and reading responses', () => {
  it('signs in with the right password only, without saying which part was wrong', async () => {
    await createLocalUser({ userId: 'u-1', email: 'Researcher@Example.org', role: 'researcher', passwordHash: await hashPassword('correct horse'), createdAt: new Date().toISOString() });

    const wrongPassword = await callRoute('POST', '/api/auth/sign-in', { body: { email: 'researcher@example.org', password: 'wrong' } });
    const unknownEmail = await callRoute('POST', '/api/auth/sign-in', { body: { email: 'nobody@example.org', password: 'wrong' } });
    const right = await callRoute('POST', '/api/auth/sign-in', { body: { email: 'researcher@example.org', password: 'correct horse' } });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.json).toEqual(wrongPassword.json);
    expect(right.status).toBe(200);
    expect(right.json.role).toBe('researcher');
    const studies = await callRoute('GET', '/api/studies', { headers: bearer(right.json.token) });
    expect(studies.status).toBe(200);
  });

  it('shows a wave\'s responses by participant code and audits the access', async () => {
    const link = await createLink();
    const answers = { mood: 3, has_adviser: 'no' };
    await callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body: { answers, language: 'en', complete: true, baseRevision: 0 } });
    await joinStudy(link.studyId, 'researcher-7', 'researcher');
    const { token } = await signLocalResearcherToken({ userId: 'researcher-7', role: 'researcher' });

    const result = await callRoute('GET', `/api/studies/${link.studyId}/waves/${link.waveId}/responses`, { headers: bearer(token) });

    expect(result.status).toBe(200);
    expect(result.json.responses).toEqual([
      expect.objectContaining({ participantCode: link.participantCode, instrumentId: 'check-in', status: 'complete', answers }),
    ]);
    expect(JSON.stringify(result.json)).not.toContain(link.token);
    const audit = await listAuditMonth(link.studyId, new Date());
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'researcher-7', action: 'responses.viewed', detail: { waveId: link.waveId, count: 1 } }),
    ]);
  });

  it('answers 404 for a wave that does not exist', async () => {
    // A member of the study, so the 404 is the wave's and not the study's.
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-7', 'researcher');
    const { token } = await signLocalResearcherToken({ userId: 'researcher-7', role: 'researcher' });

    const result = await callRoute('GET', `/api/studies/${link.studyId}/waves/nope/responses`, { headers: bearer(token) });

    expect(result.status).toBe(404);
    expect(result.json.error.code).toBe('wave_not_found');
  });
});
