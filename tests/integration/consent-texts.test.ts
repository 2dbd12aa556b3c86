import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { callRoute } from '../support/call-route.js';
import { CONSENT_VERSION, checkInInstrument, createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const as = async (role: 'admin' | 'researcher' | 'analyst') => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId: `${role}-1`, role })).token}` });
const v2 = { version: 'consent-v2', text: { en: 'Version two: do you agree?', cy: "Fersiwn dau: ydych chi'n cytuno?" } };

describe('consent text versions after the study exists', () => {
  it('adds a version, lists it with the first, and audits the addition', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'owner');

    const added = await callRoute('POST', `/api/studies/${studyId}/consents`, { headers: await as('researcher'), body: v2 });
    const listed = await callRoute('GET', `/api/studies/${studyId}/consents`, { headers: await as('researcher') });

    expect(added.status).toBe(201);
    expect(added.json).toEqual({ version: 'consent-v2', created: true });
    expect(listed.status).toBe(200);
    expect(listed.json.consents.map((c: { version: string }) => c.version)).toEqual([CONSENT_VERSION, 'consent-v2']);
    expect(listed.json.consents[1].text).toEqual(v2.text);
    expect(await table.getItem({ PK: `STUDY#${studyId}`, SK: 'CONSENT#consent-v2' })).toMatchObject({ text: v2.text });
    const audit = await listAuditMonth(studyId, new Date());
    expect(audit.filter((e) => e.action === 'consent_text.added')).toEqual([expect.objectContaining({ actor: 'researcher-1', detail: { consentVersion: 'consent-v2' } })]);
  });

  it('treats the same version with the same text as a harmless repeat, and refuses another text under it (409) without changing it', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'admin-1', 'owner');
    await callRoute('POST', `/api/studies/${studyId}/consents`, { headers: await as('admin'), body: v2 });

    const repeat = await callRoute('POST', `/api/studies/${studyId}/consents`, { headers: await as('admin'), body: v2 });
    const changed = await callRoute('POST', `/api/studies/${studyId}/consents`, { headers: await as('admin'), body: { ...v2, text: { ...v2.text, en: 'Something else' } } });
    const first = await callRoute('POST', `/api/studies/${studyId}/consents`, { headers: await as('admin'), body: { version: CONSENT_VERSION, text: v2.text } });

    expect(repeat.status).toBe(200);
    expect(repeat.json.created).toBe(false);
    expect(changed.status).toBe(409);
    expect(changed.json.error.code).toBe('consent_version_exists');
    expect(first.status).toBe(409);
    expect((await table.getItem({ PK: `STUDY#${studyId}`, SK: 'CONSENT#consent-v2' }))?.text).toEqual(v2.text);
    expect((await listAuditMonth(studyId, new Date())).filter((e) => e.action === 'consent_text.added')).toHaveLength(1);
  });

  it('refuses blank or over-long wording, a version id that is not one, and a missing language', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'owner');
    const bodies = [
      { version: 'v3', text: { en: '   ', cy: 'Cytuno?' } },
      { version: 'v3', text: { en: 'x'.repeat(10_001), cy: 'Cytuno?' } },
      { version: 'v 3/../', text: v2.text },
      { version: 'x'.repeat(101), text: v2.text },
      { version: 'v3', text: { en: 'Agree?' } },
      { version: 'v3', text: { en: 'Agree?', cy: 'Cytuno?', fr: "D'accord ?" } },
    ];
    for (const body of bodies) {
      const result = await callRoute('POST', `/api/studies/${studyId}/consents`, { headers: await as('researcher'), body });
      expect(result.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect(await table.getItem({ PK: `STUDY#${studyId}`, SK: 'CONSENT#v3' })).toBeUndefined();
  });

  it('answers 404 for a study that does not exist or that the caller is not a member of, and refuses members who are not owners', async () => {
    const { studyId } = await createLink();
    await joinStudy(studyId, 'researcher-1', 'researcher');
    await joinStudy(studyId, 'analyst-1', 'analyst');

    const missing = await callRoute('POST', '/api/studies/no-such-study/consents', { headers: await as('admin'), body: v2 });
    const notMember = await callRoute('POST', `/api/studies/${studyId}/consents`, { headers: await as('admin'), body: v2 });
    const researcher = await callRoute('POST', `/api/studies/${studyId}/consents`, { headers: await as('researcher'), body: v2 });
    const analyst = await callRoute('POST', `/api/studies/${studyId}/consents`, { headers: await as('analyst'), body: v2 });

    expect(missing.status).toBe(404);
    // A platform admin who is not a member sees the study as one that does not exist.
    expect(notMember.status).toBe(404);
    expect(notMember.json).toEqual(missing.json);
    expect(researcher.status).toBe(403);
    expect(researcher.json.error.code).toBe('study_role_insufficient');
    expect(analyst.status).toBe(403);
    expect(analyst.json.error.code).toBe('study_role_insufficient');
    expect(await table.getItem({ PK: 'STUDY#no-such-study', SK: 'CONSENT#consent-v2' })).toBeUndefined();
    expect(await table.getItem({ PK: `STUDY#${studyId}`, SK: 'CONSENT#consent-v2' })).toBeUndefined();
  });

  it('lets a new wave ask for the added version', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'researcher-1', 'owner');
    await callRoute('POST', `/api/studies/${link.studyId}/consents`, { headers: await as('researcher'), body: v2 });

    const wave = await callRoute('POST', `/api/studies/${link.studyId}/waves`, {
      headers: await as('researcher'),
      body: {
        waveId: 'follow-up',
        name: { en: 'Follow-up', cy: 'Dilynol' },
        ordinal: 1,
        window: { kind: 'relative', opensAfterDays: 182, openForDays: 42 },
        instruments: [{ id: checkInInstrument().id, version: checkInInstrument().version }],
        consentVersion: 'consent-v2',
      },
    });
    const studies = await callRoute('GET', '/api/studies', { headers: await as('researcher') });

    expect(wave.status).toBe(201);
    const study = studies.json.studies.find((s: { studyId: string }) => s.studyId === link.studyId);
    expect(study.waves.find((w: { waveId: string }) => w.waveId === 'follow-up').consentVersion).toBe('consent-v2');
  });
});

describe('the consent text a personal link shows', () => {
  it('is read once and then taken from the container: a version never changes, and every page load shows it', async () => {
    const link = await createLink();
    const key = { PK: `STUDY#${link.studyId}`, SK: `CONSENT#${CONSENT_VERSION}` };
    const first = await callRoute('GET', `/api/s/${link.token}`);
    const stored = await table.getItem(key);
    // Changed under the platform's feet, which no route can do: a second page load still shows what the first read.
    await table.putItem({ ...stored, text: { en: 'Changed behind the cache', cy: 'Wedi newid' } });

    const second = await callRoute('GET', `/api/s/${link.token}`);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.json.consent.text).toEqual(first.json.consent.text);
    expect(second.json.consent.text.en).not.toBe('Changed behind the cache');
  });
});
