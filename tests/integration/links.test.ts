/** Issuing and reissuing personal links. */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../functions/storage/client.js';
import { keys } from '../../functions/storage/keys.js';
import { issueLink, ParticipantWithdrawn } from '../../functions/storage/links.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { withdrawFromFutureWaves } from '../../functions/storage/withdrawals.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy } from '../support/fixtures.js';
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
    await joinStudy(studyId, 'researcher-1', 'researcher');
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
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    await callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body: { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0, pageName: 'first' } });

    const reissued = await issue(link.studyId, { participantCodes: [link.participantCode], reissue: true });
    const newToken = tokenOf(reissued.json.links[0].path);

    expect((await callRoute('GET', `/api/s/${link.token}`)).json.error.code).toBe('link_not_valid');
    const reopened = await callRoute('GET', `/api/s/${newToken}`);
    expect(reopened.json.instruments[0].response).toMatchObject({ status: 'partial', answers: { mood: 2 } });
  });

  it('refuses a final submission through a link reissued after this server last resolved it, and stores nothing', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    // Opening the link and saving a page leave its target in the process's memory, where a submission may take it from.
    expect((await callRoute('GET', `/api/s/${link.token}`)).status).toBe(200);
    const page = { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0, pageName: 'first' };
    expect((await callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body: page })).status).toBe(200);
    const reissued = await issue(link.studyId, { participantCodes: [link.participantCode], reissue: true });
    expect(reissued.status).toBe(200);

    const complete = { answers: { mood: 4, has_adviser: 'yes', adviser_contact_weeks: 3, services: ['housing'] }, language: 'en', complete: true, baseRevision: 1 };
    const stale = await callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body: complete });

    expect(stale.status).toBe(404);
    expect(stale.json.error.code).toBe('link_not_valid');
    const reopened = await callRoute('GET', `/api/s/${tokenOf(reissued.json.links[0].path)}`);
    expect(reopened.json.instruments[0].response).toMatchObject({ status: 'partial', answers: { mood: 2 } });
    // Through the new link the same submission is stored.
    const fresh = await callRoute('PUT', `/api/s/${tokenOf(reissued.json.links[0].path)}/responses/check-in`, { body: complete });
    expect(fresh.status).toBe(200);
    expect(fresh.json.status).toBe('complete');
  });

  it('keeps a reissued link "opened" when the old one had been opened', async () => {
    const link = await createLink({ consent: null });
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
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
    await joinStudy(studyId, 'researcher-1', 'researcher');

    const result = await issue(studyId, { participantCodes: ['NOBODY'], reissue: false });

    expect(result.status).toBe(422);
    expect(result.json.error.code).toBe('unknown_participants');
  });
});

describe('links and withdrawn participants', () => {
  const researcherHeaders = async () => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId: 'researcher-1', role: 'researcher' })).token}` });

  it('issues nothing to someone who has withdrawn, and says how many were skipped for it', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'researcher');
    for (const code of ['P-002', 'P-003']) await createParticipant({ studyId, participantCode: code, createdAt: new Date().toISOString() });
    await withdrawFromFutureWaves(studyId, 'P-003', new Date());

    const issued = await issue(studyId, { reissue: false });

    expect(issued.status).toBe(200);
    expect(issued.json.links.map((l: { participantCode: string }) => l.participantCode)).toEqual(['P-002']);
    expect(issued.json.skipped).toContainEqual({ participantCode: 'P-003', reason: 'withdrawn from the study' });
    expect(issued.json.withdrawn).toBe(1);
    expect(await table.getItem(keys.participantLink(studyId, 'P-003', 'baseline'))).toBeUndefined();
    const audit = await listAuditMonth(studyId, new Date());
    expect(audit.find((e) => e.action === 'links.issued')?.detail).toEqual({ waveId: 'baseline', count: 1, withdrawn: 1 });
  });

  it('skips withdrawn participants in a reissue of the whole wave, leaving no working link', async () => {
    const { studyId, token } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'researcher');
    await createParticipant({ studyId, participantCode: 'P-002', createdAt: new Date().toISOString() });
    await withdrawFromFutureWaves(studyId, 'P-001', new Date());

    const reissued = await issue(studyId, { participantCodes: ['P-001', 'P-002'], reissue: true });

    expect(reissued.status).toBe(200);
    expect(reissued.json.links.map((l: { participantCode: string }) => l.participantCode)).toEqual(['P-002']);
    expect(reissued.json.skipped).toEqual([{ participantCode: 'P-001', reason: 'withdrawn from the study' }]);
    expect((await callRoute('GET', `/api/s/${token}`)).status).toBe(404);
    expect((await table.scanAll()).filter((item) => item.type === 'link' && item.studyId === studyId && item.participantCode === 'P-001')).toEqual([]);
  });

  it('refuses with 409 a reissue for one participant who has withdrawn', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'researcher');
    await withdrawFromFutureWaves(link.studyId, link.participantCode, new Date());

    const result = await callRoute('POST', `/api/studies/${link.studyId}/waves/baseline/links`, {
      headers: await researcherHeaders(),
      body: { participantCodes: [link.participantCode], reissue: true },
    });

    expect(result.status).toBe(409);
    expect(result.json.error.code).toBe('participant_withdrawn');
    expect(result.json.error.message).toMatch(/P-001 has withdrawn/);
  });

  it('refuses in the write itself, so a withdrawal racing an issue cannot leave a link', async () => {
    const link = await createLink();
    await withdrawFromFutureWaves(link.studyId, link.participantCode, new Date());
    await createParticipant({ studyId: link.studyId, participantCode: 'P-002', createdAt: new Date().toISOString() });
    await withdrawFromFutureWaves(link.studyId, 'P-002', new Date());

    // As if the handler had read them before the withdrawal: straight to the storage call.
    await expect(issueLink({ studyId: link.studyId, participantCode: 'P-001', waveId: 'baseline' }, { reissue: true, now: new Date() })).rejects.toThrow(ParticipantWithdrawn);
    await expect(issueLink({ studyId: link.studyId, participantCode: 'P-002', waveId: 'baseline' }, { reissue: false, now: new Date() })).rejects.toThrow(ParticipantWithdrawn);
    await expect(issueLink({ studyId: link.studyId, participantCode: 'NOBODY', waveId: 'baseline' }, { reissue: false, now: new Date() })).rejects.toThrow(/No participant/);
    expect((await table.scanAll()).filter((item) => item.type === 'link' && item.studyId === link.studyId)).toEqual([]);
  });

  it('answers a link of someone withdrawn exactly like a link that is not valid, and stores nothing through it', async () => {
    // A link that outlived the withdrawal: issued before this check existed, or in the moment between
    // the withdrawal being recorded and its tokens being deleted.
    const link = await createLink();
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.participant(link.studyId, link.participantCode),
        UpdateExpression: 'SET withdrawnAt = :now',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
    const unknown = await callRoute('GET', `/api/s/${'A'.repeat(24)}`);

    const opened = await callRoute('GET', `/api/s/${link.token}`);
    const saved = await callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body: { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0 } });
    const submitted = await callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body: { answers: { mood: 2, has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 0 } });

    expect(opened.status).toBe(404);
    expect(opened.json).toEqual(unknown.json);
    expect(saved.status).toBe(404);
    expect(submitted.status).toBe(404);
    expect(submitted.json.error.code).toBe('link_not_valid');
    expect((await table.scanAll()).filter((item) => item.type === 'response' && item.studyId === link.studyId)).toEqual([]);
  });
});
