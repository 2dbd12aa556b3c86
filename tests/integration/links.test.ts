/** Issuing and reissuing personal links. */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { callRoute } from '../support/call-route.js';
import { createLink } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();

async function issue(studyId: string, body: Record<string, unknown>) {
  const { token } = await signLocalResearcherToken({ userId: 'researcher-1', role: 'researcher' });
  return callRoute('POST', `/api/studies/${studyId}/waves/baseline/links`, { headers: { authorization: `Bearer ${token}` }, body });
}
const tokenOf = (path: string) => path.replace('/s/', '');

describe('issuing links', () => {
  it('gives every participant without a link one, once, and audits it without tokens', async () => {
    const { studyId } = await createLink();
    for (const code of ['P-002', 'P-003']) await createParticipant({ studyId, participantCode: code, createdAt: new Date().toISOString() });

    const issued = await issue(studyId, { reissue: false });

    expect(issued.status).toBe(200);
    expect(issued.json.links.map((l: { participantCode: string }) => l.participantCode)).toEqual(['P-002', 'P-003']);
    expect(issued.json.skipped).toEqual([{ participantCode: 'P-001', reason: expect.stringMatching(/already has a link/) }]);
    for (const link of issued.json.links) {
      expect((await callRoute('GET', `/api/s/${tokenOf(link.path)}`)).status).toBe(200);
    }
    const audit = await listAuditMonth(studyId, new Date());
    expect(audit.find((e) => e.action === 'links.issued')?.detail).toEqual({ waveId: 'baseline', count: 2 });
    expect(JSON.stringify(await table.scanAll())).not.toContain(tokenOf(issued.json.links[0].path));
  });

  it('reissues a link: the old one stops working and partial answers carry over', async () => {
    const link = await createLink();
    await callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body: { answers: { mood: 2 }, language: 'en', complete: false, pageName: 'first' } });

    const reissued = await issue(link.studyId, { participantCodes: [link.participantCode], reissue: true });
    const newToken = tokenOf(reissued.json.links[0].path);

    expect((await callRoute('GET', `/api/s/${link.token}`)).json.error.code).toBe('link_not_valid');
    const reopened = await callRoute('GET', `/api/s/${newToken}`);
    expect(reopened.json.instruments[0].response).toMatchObject({ status: 'partial', answers: { mood: 2 } });
  });

  it('keeps a reissued link "opened" when the old one had been opened', async () => {
    const link = await createLink({ consent: null });
    expect((await callRoute('GET', `/api/s/${link.token}`)).status).toBe(200);
    const { token } = await signLocalResearcherToken({ userId: 'researcher-1', role: 'researcher' });
    const standing = async () =>
      (await callRoute('GET', `/api/studies/${link.studyId}/participants`, { headers: { authorization: `Bearer ${token}` } })).json.participants[0].waves.baseline.status;
    expect(await standing()).toBe('opened');

    const reissued = await issue(link.studyId, { participantCodes: [link.participantCode], reissue: true });

    expect(reissued.status).toBe(200);
    expect(await standing()).toBe('opened');
  });

  it('refuses participants the study does not have', async () => {
    const { studyId } = await createLink();

    const result = await issue(studyId, { participantCodes: ['NOBODY'], reissue: false });

    expect(result.status).toBe(422);
    expect(result.json.error.code).toBe('unknown_participants');
  });
});
