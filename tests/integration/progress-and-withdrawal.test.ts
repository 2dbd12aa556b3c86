/** The progress view, and withdrawal with or without erasure. */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { recordConsent } from '../../functions/storage/consents.js';
import { issueLink } from '../../functions/storage/links.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { createWave } from '../../functions/storage/studies.js';
import { callRoute } from '../support/call-route.js';
import { CONSENT_VERSION, createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const researcher = async () => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId: 'researcher-1', role: 'researcher' })).token}` });
const answers = { mood: 3, has_adviser: 'no' };

/** A participant of the fixture's study with a link of their own, at a given point. */
async function participant(studyId: string, code: string, stage: 'invited' | 'opened' | 'consented' | 'in_progress' | 'completed' | 'declined') {
  const now = new Date();
  await createParticipant({ studyId, participantCode: code, createdAt: now.toISOString() });
  const token = await issueLink({ studyId, participantCode: code, waveId: 'baseline' }, { reissue: false, now });
  if (stage === 'invited') return token;
  await callRoute('GET', `/api/s/${token}`);
  if (stage === 'opened') return token;
  await recordConsent({ studyId, participantCode: code, waveId: 'baseline', consentVersion: CONSENT_VERSION, decision: stage === 'declined' ? 'declined' : 'agreed', language: 'en', decidedAt: now.toISOString() });
  if (stage === 'consented' || stage === 'declined') return token;
  await callRoute('PUT', `/api/s/${token}/responses/check-in`, { body: { answers, language: 'en', complete: stage === 'completed', baseRevision: 0 } });
  return token;
}

describe('the progress view', () => {
  it('counts each participant at the furthest point they reached', async () => {
    const { studyId } = await createLink(); // P-001: consented, not answered yet
    await joinStudy(studyId, 'researcher-1', 'researcher');
    for (const [code, stage] of [['A', 'invited'], ['B', 'opened'], ['C', 'in_progress'], ['D', 'completed'], ['E', 'completed'], ['F', 'declined']] as const) {
      await participant(studyId, code, stage);
    }
    await createParticipant({ studyId, participantCode: 'G', createdAt: new Date().toISOString() });

    const progress = await callRoute('GET', `/api/studies/${studyId}/progress`, { headers: await researcher() });

    expect(progress.status).toBe(200);
    expect(progress.json.participants).toBe(8);
    expect(progress.json.waves[0]).toEqual({
      waveId: 'baseline',
      ordinal: 0,
      counts: { not_invited: 1, invited: 1, opened: 1, consented: 1, in_progress: 1, completed: 2, declined: 1, withdrawn: 0 },
      retentionFromBaseline: null,
      // The fixture's baseline opened before the test: open for all 8.
      window: { openedFor: 8, nextOpensAt: null },
    });
  });
});

describe('a follow-up that has not opened yet', () => {
  it('says when it opens: for a +182-day follow-up, 182 days after the first baseline completed', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'researcher');
    await createWave({
      studyId,
      waveId: 'six-months',
      ordinal: 1,
      name: { en: 'Six months', cy: 'Chwe mis' },
      window: { kind: 'relative', opensAfterDays: 182, openForDays: 42 },
      instruments: [{ id: 'check-in', version: '1.0.0' }],
      consentVersion: CONSENT_VERSION,
    });
    await participant(studyId, 'R-1', 'completed');
    const completedAt = (await table.scanAll()).find((item) => item.type === 'participant' && item.participantCode === 'R-1')!.baselineCompletedAt as string;

    const progress = await callRoute('GET', `/api/studies/${studyId}/progress`, { headers: await researcher() });

    const followUp = progress.json.waves.find((w: { waveId: string }) => w.waveId === 'six-months');
    expect(followUp.window).toEqual({ openedFor: 0, nextOpensAt: new Date(Date.parse(completedAt) + 182 * 86_400_000).toISOString() });
  });
});

describe('withdrawal', () => {
  it('from future waves: the link stops working, the answers stay, progress shows them withdrawn', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'researcher');
    const token = await participant(studyId, 'W-1', 'in_progress');

    const withdrawn = await callRoute('POST', `/api/studies/${studyId}/participants/W-1/withdraw`, { headers: await researcher(), body: { scope: 'future-waves' } });

    expect(withdrawn.status).toBe(200);
    expect((await callRoute('GET', `/api/s/${token}`)).status).toBe(404);
    const items = await table.scanAll();
    expect(items.some((item) => item.type === 'response' && item.participantCode === 'W-1')).toBe(true);
    const progress = await callRoute('GET', `/api/studies/${studyId}/progress`, { headers: await researcher() });
    expect(progress.json.waves[0].counts.withdrawn).toBe(1);
  });

  it('keeps a wave they completed before withdrawing completed, and counts them in retention from baseline', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'researcher');
    const now = Date.now();
    await createWave({
      studyId,
      waveId: 'follow-up',
      ordinal: 1,
      name: { en: 'Follow-up', cy: 'Dilynol' },
      window: { kind: 'fixed', opensAt: new Date(now + 86_400_000).toISOString(), closesAt: new Date(now + 2 * 86_400_000).toISOString() },
      instruments: [{ id: 'check-in', version: '1.0.0' }],
      consentVersion: CONSENT_VERSION,
    });
    await participant(studyId, 'W-2', 'completed');

    const withdrawn = await callRoute('POST', `/api/studies/${studyId}/participants/W-2/withdraw`, { headers: await researcher(), body: { scope: 'future-waves' } });

    expect(withdrawn.status).toBe(200);
    const progress = await callRoute('GET', `/api/studies/${studyId}/progress`, { headers: await researcher() });
    const [baseline, followUp] = progress.json.waves;
    expect(baseline.counts).toMatchObject({ completed: 1, withdrawn: 0 });
    expect(followUp.counts).toMatchObject({ withdrawn: 1, completed: 0 });
    // Of the one who completed the baseline (W-2), none completed the follow-up: 0, not "nobody completed the baseline".
    expect(followUp.retentionFromBaseline).toBe(0);
    // It opens tomorrow: the console says "not yet open" rather than 0%.
    expect(followUp.window).toEqual({ openedFor: 0, nextOpensAt: new Date(now + 86_400_000).toISOString() });
    const list = await callRoute('GET', `/api/studies/${studyId}/participants?prefix=W-2`, { headers: await researcher() });
    expect(list.json.participants[0]).toMatchObject({ withdrawn: true, waves: { baseline: { status: 'completed' }, 'follow-up': { status: 'withdrawn' } } });
  });

  it('with erasure: nothing about them is left in DynamoDB but an audit entry that does not name them', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'researcher');
    const token = await participant(studyId, 'ERASE-ME', 'in_progress');
    await callRoute('POST', `/api/s/${token}/check-in`, { body: { language: 'en' } });
    expect(JSON.stringify(await table.scanAll())).toContain('ERASE-ME');

    const erased = await callRoute('POST', `/api/studies/${studyId}/participants/ERASE-ME/withdraw`, { headers: await researcher(), body: { scope: 'erase-all' } });

    expect(erased.status).toBe(200);
    expect(erased.json.itemsErased).toBeGreaterThanOrEqual(6);
    const everything = JSON.stringify(await table.scanAll());
    expect(everything).not.toContain('ERASE-ME');
    expect((await callRoute('GET', `/api/s/${token}`)).status).toBe(404);
    const audit = await listAuditMonth(studyId, new Date());
    expect(audit.find((e) => e.action === 'participant.erased')?.detail).toEqual({ itemsErased: erased.json.itemsErased, messagesErased: 0 });
  });

  it('answers 404 for someone the study does not have', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'researcher');

    const result = await callRoute('POST', `/api/studies/${studyId}/participants/NOBODY/withdraw`, { headers: await researcher(), body: { scope: 'erase-all' } });

    expect(result.status).toBe(404);
    expect(result.json.error.code).toBe('participant_not_found');
  });
});
