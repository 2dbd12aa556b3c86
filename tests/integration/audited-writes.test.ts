/**
 * A change and its audit entry are one transaction: neither is ever stored
 * without the other. The audit entry is made to fail by giving it more than
 * DynamoDB's 400 KB item limit, which cancels the whole transaction.
 */
import { describe, expect, it } from 'vitest';
import { listAuditMonth, type AuditNote } from '../../functions/storage/audit.js';
import { addConsentText } from '../../functions/storage/consent-texts.js';
import { firstOwner } from '../../functions/storage/members.js';
import { importParticipants } from '../../functions/storage/participants.js';
import { createStudyWithConsent, createWave, getWave } from '../../functions/storage/studies.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const t = (en: string) => ({ en, cy: en });

async function study(studyId: string) {
  const createdAt = new Date().toISOString();
  await createStudyWithConsent(
    { studyId, title: t('Study'), supportContacts: [], createdAt },
    { studyId, version: 'v1', text: t('Agree?'), createdAt },
    firstOwner(studyId, { userId: 'researcher-1', email: 'researcher-1@example.org' }, createdAt),
  );
}

const note = (studyId: string, action: string, detail: AuditNote['detail'] = {}): AuditNote => ({ scope: studyId, actor: 'researcher-1', action, detail });
const unwritable = (studyId: string, action: string) => note(studyId, action, { padding: 'x'.repeat(410_000) });
const actions = async (studyId: string) => (await listAuditMonth(studyId, new Date())).map((entry) => entry.action);

const wave = (studyId: string, waveId: string) => ({
  studyId,
  waveId,
  ordinal: 0,
  name: t(waveId),
  window: { kind: 'fixed' as const, opensAt: '2026-01-01T00:00:00.000Z', closesAt: '2027-01-01T00:00:00.000Z' },
  instruments: [],
  consentVersion: 'v1',
});

describe('a change and its audit entry', () => {
  it('are written together', async () => {
    await study('audited-together');

    await createWave(wave('audited-together', 'baseline'), note('audited-together', 'wave.created', { waveId: 'baseline' }));

    expect(await getWave('audited-together', 'baseline')).toBeDefined();
    expect(await actions('audited-together')).toEqual(['wave.created']);
  });

  it('leave nothing when the audit entry cannot be written: the change is not made either', async () => {
    await study('audit-fails');

    await expect(createWave(wave('audit-fails', 'baseline'), unwritable('audit-fails', 'wave.created'))).rejects.toThrow();
    await expect(importParticipants([{ studyId: 'audit-fails', participantCode: 'P-1', createdAt: new Date().toISOString() }], unwritable('audit-fails', 'participants.imported'))).rejects.toThrow();

    expect(await getWave('audit-fails', 'baseline')).toBeUndefined();
    expect((await table.scanAll()).filter((item) => item.type === 'participant' && item.studyId === 'audit-fails')).toEqual([]);
    expect(await actions('audit-fails')).toEqual([]);
  });

  it('leave no entry when the change is refused, and the refusal reads as it would unaudited', async () => {
    await study('change-refused');
    await createWave(wave('change-refused', 'baseline'), note('change-refused', 'wave.created'));

    await expect(createWave(wave('change-refused', 'baseline'), note('change-refused', 'wave.created'))).rejects.toThrow(/already exists/);
    // The stored item comes back through the cancelled transaction: the same text is a repeat, another text a conflict.
    expect(await addConsentText({ studyId: 'change-refused', version: 'v1', text: t('Agree?'), createdAt: new Date().toISOString() }, note('change-refused', 'consent_text.added'))).toBe('unchanged');
    expect(await addConsentText({ studyId: 'change-refused', version: 'v1', text: t('Other'), createdAt: new Date().toISOString() }, note('change-refused', 'consent_text.added'))).toBe('conflict');

    expect(await actions('change-refused')).toEqual(['wave.created']);
  });

  it('ride in the last transaction of a long import, so the entry exists exactly when every row does', async () => {
    await study('long-import');
    const createdAt = new Date().toISOString();
    const rows = Array.from({ length: 250 }, (_, i) => ({ studyId: 'long-import', participantCode: `P-${i}`, createdAt }));

    await expect(importParticipants([...rows, { ...rows[0]! }], note('long-import', 'participants.imported', { count: 251 }))).rejects.toThrow();
    expect((await table.scanAll()).filter((item) => item.type === 'participant' && item.studyId === 'long-import')).toEqual([]);
    expect(await actions('long-import')).toEqual([]);

    await importParticipants(rows, note('long-import', 'participants.imported', { count: 250 }));
    expect((await table.scanAll()).filter((item) => item.type === 'participant' && item.studyId === 'long-import')).toHaveLength(250);
    expect(await actions('long-import')).toEqual(['participants.imported']);
  });
});
