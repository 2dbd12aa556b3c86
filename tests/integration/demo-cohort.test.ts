/** npm run pont -- demo-cohort's work against a real DynamoDB Local, read back through the normal storage functions and the progress view. */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { cohortDesign, DEFAULT_SEED, DEMO_COHORT_INSTRUMENTS, syntheticParticipants, type CohortOptions } from '../../cli/synthetic-cohort.js';
import type { InstrumentVersion } from '../../functions/domain/instrument.js';
import { countStatuses, waveStatus } from '../../functions/domain/progress.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { getInstrumentVersion } from '../../functions/storage/instruments.js';
import { listParticipants } from '../../functions/storage/participants.js';
import { listResponsesOfParticipantWave, listResponsesOfWavePage } from '../../functions/storage/responses.js';
import { getStudy, listWaves } from '../../functions/storage/studies.js';
import { createLocalUser } from '../../functions/storage/users.js';
import { createDemoCohort, DemoCohortRefused } from '../../cli/demo-cohort.js';
import { ADMIN_EMAIL } from '../../infra/local/seed.js';
import { callRoute } from '../support/call-route.js';
import { createLink } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
/** The embedded platform's admin account, which the command makes the synthetic study's owner. */
const ADMIN_ID = 'embedded-admin';
const admin = async () => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId: ADMIN_ID, role: 'admin' })).token}` });

describe('demo-cohort', () => {
  it('fills a new synthetic study that reads back like one filled through the API', async () => {
    const now = new Date();
    const request = { studyId: 'synthetic-200', participants: 200, waves: 3, seed: DEFAULT_SEED, now };
    await createLocalUser({ userId: ADMIN_ID, email: ADMIN_EMAIL, role: 'admin', passwordHash: 'unused', createdAt: now.toISOString() });

    const result = await createDemoCohort(request);

    // What the generator made, from the same seed and the versions it pinned.
    const instruments = (await Promise.all(DEMO_COHORT_INSTRUMENTS.map((pin) => getInstrumentVersion(pin.id, pin.version)))) as InstrumentVersion[];
    const options: CohortOptions = { ...request, instruments };
    const expected = [...syntheticParticipants(options)];
    const waves = await listWaves(request.studyId);
    expect(waves).toEqual(cohortDesign(options).waves);
    expect(await getStudy(request.studyId)).toMatchObject({ synthetic: true, attributes: cohortDesign(options).attributes });
    expect(await listParticipants(request.studyId)).toHaveLength(200);

    for (const wave of waves) {
      const { responses: stored, next } = await listResponsesOfWavePage(request.studyId, wave.waveId, { participants: 1000, maxBytes: Infinity, sizeOf: () => 0 });
      expect(next).toBeNull();
      const generated = expected.flatMap((p) => p.responses.filter((r) => r.waveId === wave.waveId));
      expect(stored.length).toBe(generated.length);
      expect(stored.filter((r) => r.status === 'partial').length).toBe(generated.filter((r) => r.status === 'partial').length);
    }
    const first = expected.find((p) => p.responses.some((r) => r.waveId === 'follow-up-2'))!;
    expect(await listResponsesOfParticipantWave(request.studyId, first.participant.participantCode, 'follow-up-2')).toEqual(
      first.responses.filter((r) => r.waveId === 'follow-up-2').sort((a, b) => a.instrumentId.localeCompare(b.instrumentId)),
    );

    // Read through the API by its owner, the embedded admin: the study is not left without members.
    const members = await callRoute('GET', `/api/studies/${request.studyId}/members`, { headers: await admin() });
    expect(members.json.members).toEqual([expect.objectContaining({ userId: ADMIN_ID, role: 'owner' })]);
    const progress = await callRoute('GET', `/api/studies/${request.studyId}/progress`, { headers: await admin() });
    expect(progress.status).toBe(200);
    expect(progress.json.participants).toBe(200);
    for (const [i, wave] of waves.entries()) {
      const statuses = expected.map((p) =>
        waveStatus({
          invited: p.links.some((l) => l.waveId === wave.waveId),
          opened: p.links.some((l) => l.waveId === wave.waveId && l.openedAt),
          consent: p.consents.find((c) => c.waveId === wave.waveId)?.decision ?? null,
          responses: p.responses.filter((r) => r.waveId === wave.waveId).map((r) => r.status),
          instrumentCount: wave.instruments.length,
          withdrawn: !!p.participant.withdrawnAt,
        }),
      );
      expect(progress.json.waves[i].counts).toEqual(countStatuses(statuses));
      expect(progress.json.waves[i].counts.completed).toBeGreaterThan(wave.ordinal === 0 ? 150 : 100);
    }

    const items = await table.scanAll();
    const tokens = items.filter((item) => item.type === 'link' && item.studyId === request.studyId);
    expect(tokens.length).toBe(expected.flatMap((p) => p.links.filter((l) => !l.revoked)).length);
    expect(result.items).toBe(items.filter((item) => item.studyId === request.studyId && !['study', 'consentText', 'wave', 'audit', 'member', 'studyOwners'].includes(item.type as string)).length);
    const audit = await listAuditMonth(request.studyId, new Date());
    expect(audit.find((entry) => entry.action === 'study.synthetic_cohort_generated')?.detail).toEqual({ participants: 200, waves: 3, seed: DEFAULT_SEED, items: result.items });
  });

  it('refuses a study that exists, synthetic or not, and changes nothing', async () => {
    await createDemoCohort({ studyId: 'synthetic-small', participants: 5, waves: 1, seed: 'small' });
    const { studyId: realStudy } = await createLink();
    const before = await table.scanAll();

    await expect(createDemoCohort({ studyId: 'synthetic-small', participants: 5, waves: 1, seed: 'small' })).rejects.toThrow(/already holds a synthetic cohort/);
    await expect(createDemoCohort({ studyId: realStudy, participants: 5, waves: 1, seed: 'small' })).rejects.toThrow(DemoCohortRefused);
    await expect(createDemoCohort({ studyId: realStudy, participants: 5, waves: 1, seed: 'small' })).rejects.toThrow(/is not synthetic/);

    expect(await table.scanAll()).toEqual(before);
    expect((await getStudy(realStudy))?.synthetic).toBeUndefined();
  });
});
