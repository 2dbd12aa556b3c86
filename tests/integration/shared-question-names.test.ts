/**
 * Question names are dataset columns (issue #21). Two instruments asking a
 * question of the same name cannot be pinned in one study any more; a study
 * already in that state still exports, under names that say whose column is
 * whose; and an export that cannot be built says why to whoever asked.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toInstrumentVersion, type InstrumentVersion } from '../../functions/domain/instrument.js';
import { exportsInFlight } from '../../functions/exports/export-jobs.js';
import { publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { createWave, getWave } from '../../functions/storage/studies.js';
import { callRoute } from '../support/call-route.js';
import { CONSENT_VERSION } from '../support/fixtures.js';
import { testInstrumentFile } from '../support/instrument-file.js';
import { studyWithTeam, useMailAndExports, type StudyTeam } from '../support/study-team.js';
import { useTestTable } from '../support/test-table.js';
import { parseCsv, readZip } from '../support/zip-and-csv.js';

useTestTable();
useMailAndExports();

const t = (en: string) => ({ en, cy: en });

/** An instrument asking for a contact email and one question of its own. */
function asksEmail(id: string): InstrumentVersion {
  return toInstrumentVersion(
    testInstrumentFile({
      id,
      survey: {
        pages: [
          {
            name: 'p1',
            elements: [
              { type: 'text', name: 'email', inputType: 'email', title: t(`${id}: email`) },
              { type: 'radiogroup', name: `${id.replace(/-/g, '_')}_ok`, title: t('OK?'), choices: [{ value: 'yes', text: t('Yes') }, { value: 'no', text: t('No') }] },
            ],
          },
        ],
      },
    }),
  );
}

const window = () => ({ kind: 'fixed' as const, opensAt: new Date(Date.now() - 3_600_000).toISOString(), closesAt: new Date(Date.now() + 86_400_000).toISOString() });

describe('questions of the same name in two instruments of a study', () => {
  let team: StudyTeam;
  const first = asksEmail('contact-a');
  const second = asksEmail('contact-b');
  beforeAll(async () => {
    team = await studyWithTeam();
    for (const instrument of [first, second]) await publishInstrumentVersion(instrument, new Date().toISOString());
  });

  it('refuse a wave that pins both, naming the question and both instruments', async () => {
    const created = await callRoute('POST', `/api/studies/${team.studyId}/waves`, {
      headers: await team.owner.headers(),
      body: { waveId: 'both', ordinal: 5, name: t('Both'), window: window(), consentVersion: CONSENT_VERSION, instruments: [first, second].map(({ id, version }) => ({ id, version })) },
    });

    expect(created.status).toBe(422);
    expect(created.json.error.code).toBe('question_names_shared');
    expect(created.json.error.details).toEqual([{ path: 'instruments', message: '"email" is asked by both contact-a and contact-b' }]);
    expect(await getWave(team.studyId, 'both')).toBeUndefined();
  });

  it('refuse a later wave that brings in the second instrument', async () => {
    const pin = (instrument: InstrumentVersion) => [{ id: instrument.id, version: instrument.version }];
    const ok = await callRoute('POST', `/api/studies/${team.studyId}/waves`, {
      headers: await team.owner.headers(),
      body: { waveId: 'with-a', ordinal: 6, name: t('A'), window: window(), consentVersion: CONSENT_VERSION, instruments: pin(first) },
    });
    const refused = await callRoute('POST', `/api/studies/${team.studyId}/waves`, {
      headers: await team.owner.headers(),
      body: { waveId: 'with-b', ordinal: 7, name: t('B'), window: window(), consentVersion: CONSENT_VERSION, instruments: pin(second) },
    });

    expect(ok.status).toBe(201);
    expect(refused.status).toBe(422);
    expect(refused.json.error.details[0].message).toBe('"email" is asked by both contact-a and contact-b');
  });

  it('still export when a study already pins both: each instrument keeps its own column, and the codebook says which is which', async () => {
    // A study set up before the check: written straight to the table.
    const studyWithBoth = await studyWithTeam();
    await createWave({ studyId: studyWithBoth.studyId, waveId: 'legacy', ordinal: 1, name: t('Legacy'), window: window(), instruments: [first, second].map(({ id, version }) => ({ id, version })), consentVersion: CONSENT_VERSION });
    const link = await callRoute('POST', `/api/studies/${studyWithBoth.studyId}/waves/legacy/links`, { headers: await studyWithBoth.owner.headers(), body: { participantCodes: ['C-1'], reissue: false } });
    expect(link.status, JSON.stringify(link.json)).toBe(200);
    const token = link.json.links[0].path.slice('/s/'.length);
    const consent = await callRoute('POST', `/api/s/${token}/consent`, { body: { decision: 'agreed', version: CONSENT_VERSION, language: 'en' } });
    expect(consent.status).toBe(200);
    for (const [instrument, answers] of [
      [first, { email: 'a@example.org', contact_a_ok: 'yes' }],
      [second, { email: 'b@example.org', contact_b_ok: 'no' }],
    ] as const) {
      const saved = await callRoute('PUT', `/api/s/${token}/responses/${instrument.id}`, { body: { answers, language: 'en', complete: true, baseRevision: 0, pageName: 'p1' } });
      expect(saved.status, JSON.stringify(saved.json)).toBe(200);
    }

    const started = await callRoute('POST', `/api/studies/${studyWithBoth.studyId}/exports`, { headers: await studyWithBoth.owner.headers(), body: { includeFreeText: true, k: 2 } });
    await exportsInFlight();
    const job = await callRoute('GET', `/api/studies/${studyWithBoth.studyId}/exports/${started.json.exportId}`, { headers: await studyWithBoth.owner.headers() });

    expect(job.json.status).toBe('done');
    const files = await readZip(join(process.env.EXPORT_DIR!, studyWithBoth.studyId, `${started.json.exportId}.zip`));
    const wide = parseCsv(files.get('responses_wide.csv')!.toString('utf8'));
    expect(wide.rows).toHaveLength(1);
    expect(wide.rows[0]).toMatchObject({ f1_email: 'a@example.org', f1_contact_a_ok: 'yes', f1_contact_b_email: 'b@example.org', f1_contact_b_ok: 'no' });
    const long = parseCsv(files.get('responses_long.csv')!.toString('utf8'));
    expect(long.header).toEqual(expect.arrayContaining(['email', 'contact_b_email']));
    const codebook = JSON.parse(files.get('codebook.json')!.toString('utf8'));
    const renamed = codebook.variables.find((v: { name: string }) => v.name === 'contact_b_email');
    expect(renamed.derivation).toMatch(/Renamed from "email": contact-a also asks a question of that name/);
  });

  it('say why an export cannot be built, to the person who asked', async () => {
    const broken = await studyWithTeam();
    // A wave pinning a version that was never published: nothing an export can lay out.
    await createWave({ studyId: broken.studyId, waveId: 'unpublished', ordinal: 1, name: t('X'), window: window(), instruments: [{ id: 'never-published', version: '9.9.9' }], consentVersion: CONSENT_VERSION });

    const started = await callRoute('POST', `/api/studies/${broken.studyId}/exports`, { headers: await broken.owner.headers(), body: {} });
    await exportsInFlight();
    const job = await callRoute('GET', `/api/studies/${broken.studyId}/exports/${started.json.exportId}`, { headers: await broken.owner.headers() });

    expect(job.json.status).toBe('failed');
    expect(job.json.error).toMatch(/trying again will not help: Wave unpublished pins never-published@9\.9\.9, which is not published/);
  });
});
