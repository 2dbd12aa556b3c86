/** Importing participants from CSV: all rows or none. */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { firstOwner } from '../../functions/storage/members.js';
import { createStudyWithConsent } from '../../functions/storage/studies.js';
import { callRoute } from '../support/call-route.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const t = (en: string) => ({ en, cy: en });

async function study(studyId: string) {
  const createdAt = new Date().toISOString();
  await createStudyWithConsent(
    {
      studyId,
      title: t('Study'),
      supportContacts: [],
      attributes: [{ id: 'age_band', label: t('Age band'), values: [{ value: '16-17', label: t('16–17') }, { value: '18-20', label: t('18–20') }], quasiIdentifier: true }],
      createdAt,
    },
    { studyId, version: 'v1', text: t('Agree?'), createdAt },
    firstOwner(studyId, { userId: 'researcher-1', email: 'researcher-1@example.org' }, createdAt),
  );
}

async function importCsv(studyId: string, csv: string) {
  const { token } = await signLocalResearcherToken({ userId: 'researcher-1', role: 'researcher' });
  return callRoute('POST', `/api/studies/${studyId}/participants/import`, { headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv });
}

const participantsOf = async (studyId: string) =>
  (await table.scanAll()).filter((item) => item.type === 'participant' && item.studyId === studyId).map((item) => item.participantCode).sort();

describe('importing participants', () => {
  it('imports 250 rows (several transactions) and audits the import', async () => {
    await study('import-many');
    const rows = Array.from({ length: 250 }, (_, i) => `P-${String(i + 1).padStart(3, '0')},${i % 2 ? '16-17' : '18-20'}`);

    const result = await importCsv('import-many', ['participant_code,age_band', ...rows].join('\n'));

    expect(result.status).toBe(201);
    expect(result.json).toEqual({ imported: 250 });
    expect(await participantsOf('import-many')).toHaveLength(250);
    expect((await listAuditMonth('import-many', new Date())).map((e) => e.action)).toContain('participants.imported');
  });

  it('imports nothing when one row is bad, and names its line', async () => {
    await study('import-bad-row');
    const csv = ['participant_code,age_band', 'A-1,16-17', 'A-2,twelve', 'A-3,18-20'].join('\n');

    const result = await importCsv('import-bad-row', csv);

    expect(result.status).toBe(422);
    expect(result.json.error.details).toEqual([{ path: 'line 3', message: expect.stringMatching(/"twelve" is not an allowed age_band/) }]);
    expect(await participantsOf('import-bad-row')).toEqual([]);
  });

  it('refuses codes the study already has, importing none of the file', async () => {
    await study('import-duplicates');
    await importCsv('import-duplicates', 'participant_code\nD-1\n');

    const result = await importCsv('import-duplicates', 'participant_code\nD-2\nD-1\n');

    expect(result.status).toBe(422);
    expect(result.json.error.details).toEqual([{ path: 'line 3', message: 'D-1 is already in this study' }]);
    expect(await participantsOf('import-duplicates')).toEqual(['D-1']);
  });

  it('refuses a body that is not CSV', async () => {
    await study('import-json');
    // The study's owner: a non-member would get 404 before the body is looked at.
    const { token } = await signLocalResearcherToken({ userId: 'researcher-1', role: 'researcher' });

    const result = await callRoute('POST', '/api/studies/import-json/participants/import', { headers: { authorization: `Bearer ${token}` }, body: { rows: [] } });

    expect(result.status).toBe(415);
  });
});
