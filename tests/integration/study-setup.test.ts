/** Researchers set up studies and waves through the API. */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { recordConsent } from '../../functions/storage/consents.js';
import { publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { getStudy } from '../../functions/storage/studies.js';
import { shippedInstrument } from '../support/export-design.js';
import { issueLink } from '../../functions/storage/links.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { callRoute } from '../support/call-route.js';
import { checkInInstrument } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

useTestTable();

const t = (en: string) => ({ en, cy: `${en} (cy)` });
const as = async (role: 'admin' | 'researcher' | 'analyst') => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId: `${role}-1`, role })).token}` });

/** Created by researcher-1, who becomes its owner and so may add its waves. */
async function newStudy(studyId: string) {
  return callRoute('POST', '/api/studies', {
    headers: await as('researcher'),
    body: {
      studyId,
      title: t('Engagement study'),
      supportContacts: [],
      attributes: [{ id: 'age_band', label: t('Age band'), values: [{ value: '16-17', label: t('16–17') }], quasiIdentifier: true }],
      consent: { version: 'v1', text: t('Do you agree?') },
    },
  });
}

const day = 24 * 3600_000;
const baselineWave = (overrides: Record<string, unknown> = {}) => ({
  waveId: 'baseline',
  name: t('Baseline'),
  ordinal: 0,
  window: { kind: 'fixed', opensAt: new Date(Date.now() - day).toISOString(), closesAt: new Date(Date.now() + 30 * day).toISOString() },
  instruments: [{ id: 'check-in', version: '1.0.0' }],
  consentVersion: 'v1',
  ...overrides,
});
const addWave = async (studyId: string, body: Record<string, unknown>) => callRoute('POST', `/api/studies/${studyId}/waves`, { headers: await as('researcher'), body });

describe('creating a study', () => {
  it('creates it once with its consent text; the second time is a clear conflict', async () => {
    const first = await newStudy('setup-once');
    const second = await newStudy('setup-once');

    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe('study_exists');
  });

  it('keeps the neutral names participants see for the study and a wave, and refuses one missing a language or too long for a phone', async () => {
    const body = (studyId: string, publicTitle: unknown) => ({ studyId, title: t('Care leavers engagement study'), publicTitle, supportContacts: [], attributes: [], consent: { version: 'v1', text: t('Do you agree?') } });
    const blank = await callRoute('POST', '/api/studies', { headers: await as('researcher'), body: body('setup-public-blank', { en: 'Your say', cy: ' ' }) });
    const long = await callRoute('POST', '/api/studies', { headers: await as('researcher'), body: body('setup-public-long', { en: 'x'.repeat(81), cy: 'Eich llais' }) });
    await publishInstrumentVersion(checkInInstrument(), new Date().toISOString());
    const good = await callRoute('POST', '/api/studies', { headers: await as('researcher'), body: body('setup-public', { en: 'Your say', cy: 'Eich llais' }) });
    const wave = await addWave('setup-public', baselineWave({ publicName: { en: 'Six months on', cy: 'Chwe mis yn ddiweddarach' } }));
    const blankWave = await addWave('setup-public', baselineWave({ waveId: 'later', ordinal: 1, publicName: { en: 'Later' } }));

    expect([blank.status, long.status]).toEqual([400, 400]);
    expect(blank.json.error.details).toEqual([{ path: 'publicTitle.cy', message: 'write it in both English and Welsh' }]);
    expect(long.json.error.details[0]).toMatchObject({ path: 'publicTitle.en', message: expect.stringContaining('80 characters') });
    expect([good.status, wave.status, blankWave.status]).toEqual([201, 201, 400]);
    const listed = (await callRoute('GET', '/api/studies', { headers: await as('researcher') })).json.studies.find((s: { studyId: string }) => s.studyId === 'setup-public');
    expect(listed.publicTitle).toEqual({ en: 'Your say', cy: 'Eich llais' });
    expect(listed.waves[0].publicName).toEqual({ en: 'Six months on', cy: 'Chwe mis yn ddiweddarach' });
  });

  it('keeps the study team’s own address, and refuses one that is not an email address', async () => {
    const body = (studyId: string, teamEmail: string) => ({ studyId, title: t('S'), supportContacts: [], attributes: [], consent: { version: 'v1', text: t('Do you agree?') }, teamEmail });
    const bad = await callRoute('POST', '/api/studies', { headers: await as('researcher'), body: body('setup-team-bad', 'the leaving care team') });
    const good = await callRoute('POST', '/api/studies', { headers: await as('researcher'), body: body('setup-team', 'Leaving-Care@Council.example.gov.wales') });
    const listed = await callRoute('GET', '/api/studies', { headers: await as('researcher') });

    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([{ path: 'teamEmail', message: expect.stringMatching(/give an email address/) }]);
    expect(good.status).toBe(201);
    expect(listed.json.studies.find((s: { studyId: string }) => s.studyId === 'setup-team').teamEmail).toBe('leaving-care@council.example.gov.wales');
    expect(listed.json.studies.some((s: { studyId: string }) => s.studyId === 'setup-team-bad')).toBe(false);
  });

  it('refuses a blank consent text or an unsafe version id, naming the field, and stores nothing', async () => {
    const body = (consent: unknown) => ({ studyId: 'setup-blank-consent', title: t('S'), supportContacts: [], attributes: [], consent });
    const blank = await callRoute('POST', '/api/studies', { headers: await as('admin'), body: body({ version: 'v1', text: { en: 'Do you agree?', cy: '  ' } }) });
    const unsafe = await callRoute('POST', '/api/studies', { headers: await as('admin'), body: body({ version: 'v1 / final', text: t('Do you agree?') }) });

    expect(blank.status).toBe(400);
    expect(JSON.stringify(blank.json.error)).toContain('consent');
    expect(JSON.stringify(blank.json.error)).toContain('write the consent text');
    expect(unsafe.status).toBe(400);
    expect(JSON.stringify(unsafe.json.error)).toContain('consent');
    expect((await newStudy('setup-blank-consent')).status).toBe(201); // nothing was stored under that id
  });

  it('is for admins and researchers, whoever creates it being its owner; analysts may not', async () => {
    const analyst = await callRoute('POST', '/api/studies', { headers: await as('analyst'), body: {} });
    const byAdmin = await callRoute('POST', '/api/studies', {
      headers: await as('admin'),
      body: { studyId: 'setup-by-admin', title: t('S'), supportContacts: [], attributes: [], consent: { version: 'v1', text: t('Do you agree?') } },
    });
    const members = await callRoute('GET', '/api/studies/setup-by-admin/members', { headers: await as('admin') });
    const researcherWaves = await addWave('setup-by-admin', baselineWave());

    expect(analyst.status).toBe(403);
    expect(byAdmin.status).toBe(201);
    expect(members.status).toBe(200);
    expect(members.json.members).toEqual([expect.objectContaining({ userId: 'admin-1', role: 'owner' })]);
    // researcher-1 is not a member of the admin's study: it answers as one that does not exist.
    expect(researcherWaves.status).toBe(404);
    expect(researcherWaves.json.error.code).toBe('study_not_found');
  });
});

describe("a study's quasi-identifiers and their disclosure control", () => {
  const LOCAL_AUTHORITIES = ['cardiff', 'swansea', 'powys'];
  const body = (extra: Record<string, unknown>, attributes: unknown[] = [{ id: 'local_authority', label: t('Local authority'), values: LOCAL_AUTHORITIES.map((value) => ({ value, label: t(value) })) }]) => ({
    studyId: 'setup-disclosure',
    title: t('S'),
    supportContacts: [],
    attributes,
    consent: { version: 'v1', text: t('Do you agree?') },
    ...extra,
  });
  const region = (members: string[]) => ({ id: 'region', label: t('Region'), groups: [{ value: 'south', label: t('South'), members }] });

  it('makes a declared attribute a quasi-identifier unless the study says why not, and keeps its hierarchies', async () => {
    const created = await callRoute('POST', '/api/studies', {
      headers: await as('researcher'),
      body: body(
        { disclosureControl: { local_authority: { priority: 1, levels: [region(LOCAL_AUTHORITIES)] } } },
        [
          { id: 'local_authority', label: t('Local authority'), values: LOCAL_AUTHORITIES.map((value) => ({ value, label: t(value) })) },
          { id: 'cohort', label: t('Cohort'), values: [{ value: 'spring', label: t('Spring') }], quasiIdentifier: false, notQuasiIdentifierBecause: 'everyone in a cohort started together' },
        ],
      ),
    });

    expect(created.status).toBe(201);
    const study = await getStudy('setup-disclosure');
    expect(study?.attributes?.map((a) => [a.id, a.quasiIdentifier, a.notQuasiIdentifierBecause])).toEqual([['local_authority', true, undefined], ['cohort', false, 'everyone in a cohort started together']]);
    expect(study?.disclosureControl).toEqual({ local_authority: { priority: 1, levels: [region(LOCAL_AUTHORITIES)] } });
  });

  it('refuses an attribute unticked as a quasi-identifier without a reason, naming the field', async () => {
    const unticked = await callRoute('POST', '/api/studies', {
      headers: await as('researcher'),
      body: body({ studyId: 'setup-unticked' }, [{ id: 'home', label: t('Home'), values: [{ value: 'flat', label: t('Flat') }], quasiIdentifier: false }]),
    });

    expect(unticked.status).toBe(400);
    expect(JSON.stringify(unticked.json.error)).toContain('notQuasiIdentifierBecause');
  });

  it('refuses hierarchies that do not fit: an unknown attribute, a value left unmapped, a question its instrument does not ask, with every problem named', async () => {
    const context = shippedInstrument('context@1.1.0');
    await publishInstrumentVersion(context, new Date().toISOString());
    const refused = await callRoute('POST', '/api/studies', {
      headers: await as('researcher'),
      body: body({
        studyId: 'setup-bad-hierarchy',
        disclosureControl: {
          area: { priority: 1 },
          local_authority: { levels: [region(['cardiff', 'swansea'])] },
          ctx_postcode: { instrument: 'context' },
          ctx_age_band: { instrument: 'context', levels: [{ id: 'two', label: t('Two'), groups: [{ value: 'young', label: t('Young'), members: ['age_16_17', 'age_18_20', 'prefer_not_to_say'] }] }] },
        },
      }),
    });

    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('body_invalid');
    expect(refused.json.error.message).toMatch(/^The disclosure control does not fit the study: "area" is not a declared attribute/);
    expect(refused.json.error.details.map((d: { path: string }) => d.path)).toEqual([
      'disclosureControl.area',
      'disclosureControl.local_authority.levels[0].groups',
      'disclosureControl.ctx_postcode',
      'disclosureControl.ctx_age_band.levels[0].groups[0].members[2]',
      'disclosureControl.ctx_age_band.levels[0].groups',
    ]);
    expect(JSON.stringify(refused.json.error.details)).toContain('leaves \\"powys\\" unmapped');
    expect(await getStudy('setup-bad-hierarchy')).toBeUndefined();
  });
});

describe('creating waves', () => {
  it('pins published versions and refuses unpublished ones', async () => {
    await publishInstrumentVersion(checkInInstrument(), new Date().toISOString());
    await newStudy('setup-waves');

    const unpublished = await addWave('setup-waves', baselineWave({ instruments: [{ id: 'check-in', version: '9.9.9' }] }));
    const ok = await addWave('setup-waves', baselineWave());
    const again = await addWave('setup-waves', baselineWave());

    expect(unpublished.status).toBe(422);
    expect(unpublished.json.error.code).toBe('instrument_not_published');
    expect(ok.status).toBe(201);
    expect(ok.json.warnings).toEqual([]);
    expect(again.status).toBe(409);
    const listed = await callRoute('GET', '/api/studies', { headers: await as('researcher') });
    const study = listed.json.studies.find((s: { studyId: string }) => s.studyId === 'setup-waves');
    expect(study.attributes.map((a: { id: string }) => a.id)).toEqual(['age_band']);
    expect(study.waves).toEqual([expect.objectContaining({ waveId: 'baseline', instruments: [{ id: 'check-in', version: '1.0.0' }], consentVersion: 'v1' })]);
  });

  it('refuses an instrument that requires registration until the reference is recorded', async () => {
    const owned = checkInInstrument({ id: 'owned-scale', licence: { name: 'Owners', requiresRegistration: true } });
    await publishInstrumentVersion(owned, new Date().toISOString());
    await newStudy('setup-registration');
    const pins = [{ id: 'owned-scale', version: '1.0.0' }];

    const refused = await addWave('setup-registration', baselineWave({ instruments: pins }));
    const accepted = await addWave('setup-registration', baselineWave({ instruments: pins, registrations: { 'owned-scale': 'REG-123' } }));

    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe('registration_required');
    expect(accepted.status).toBe(201);
  });

  it('warns a follow-up pinning another version than baseline about comparability', async () => {
    await publishInstrumentVersion(checkInInstrument(), new Date().toISOString());
    const survey = structuredClone(checkInInstrument().survey) as any;
    survey.pages[0].elements[0].rateMax = 7;
    await publishInstrumentVersion(checkInInstrument({ version: '2.0.0', survey }), new Date().toISOString());
    await newStudy('setup-versions');
    await addWave('setup-versions', baselineWave());

    const followUp = await addWave('setup-versions', {
      ...baselineWave(),
      waveId: 'follow-up-6m',
      ordinal: 1,
      window: { kind: 'relative', opensAfterDays: 182, openForDays: 42 },
      instruments: [{ id: 'check-in', version: '2.0.0' }],
    });

    expect(followUp.status).toBe(201);
    expect(followUp.json.warnings).toEqual([{ instrumentId: 'check-in', message: expect.stringMatching(/runs check-in@2\.0\.0 but baseline ran @1\.0\.0/) }]);
  });

  it('refuses a relative window for the baseline and a window that closes before it opens', async () => {
    await newStudy('setup-windows');

    const relativeBaseline = await addWave('setup-windows', baselineWave({ window: { kind: 'relative', opensAfterDays: 10, openForDays: 10 } }));
    const backwards = await addWave('setup-windows', baselineWave({ window: { kind: 'fixed', opensAt: '2026-05-01T00:00:00Z', closesAt: '2026-04-01T00:00:00Z' } }));

    expect(relativeBaseline.status).toBe(400);
    expect(backwards.status).toBe(400);
  });
});

describe('a follow-up relative to baseline completion', () => {
  it('stays closed until the participant completes the baseline, then opens at their own date', async () => {
    await publishInstrumentVersion(checkInInstrument(), new Date().toISOString());
    await newStudy('setup-relative');
    await addWave('setup-relative', baselineWave());
    await addWave('setup-relative', { ...baselineWave(), waveId: 'follow-up', ordinal: 1, window: { kind: 'relative', opensAfterDays: 1, openForDays: 10 } });
    const createdAt = new Date().toISOString();
    await createParticipant({ studyId: 'setup-relative', participantCode: 'R-1', createdAt });
    const now = new Date();
    const tokens = {
      baseline: await issueLink({ studyId: 'setup-relative', participantCode: 'R-1', waveId: 'baseline' }, { reissue: false, now }),
      followUp: await issueLink({ studyId: 'setup-relative', participantCode: 'R-1', waveId: 'follow-up' }, { reissue: false, now }),
    };
    await recordConsent({ studyId: 'setup-relative', participantCode: 'R-1', waveId: 'baseline', consentVersion: 'v1', decision: 'agreed', language: 'en', decidedAt: createdAt });

    const beforeBaseline = await callRoute('GET', `/api/s/${tokens.followUp}`);
    await callRoute('PUT', `/api/s/${tokens.baseline}/responses/check-in`, { body: { answers: { mood: 3, has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 0 } });
    const afterBaseline = await callRoute('GET', `/api/s/${tokens.followUp}`);

    expect(beforeBaseline.status).toBe(403);
    expect(beforeBaseline.json.error.message).toMatch(/after you finish the first part/);
    expect(afterBaseline.status).toBe(403);
    expect(afterBaseline.json.error.message).toMatch(new RegExp(`opens on ${new Date(Date.now() + day).toISOString().slice(0, 10)}`));
  });
});
