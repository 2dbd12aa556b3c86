/**
 * Data upgrades (functions/upgrades/) over a table written as an older Pont
 * wrote it: studies from before study membership (no members, no owner
 * count), and an account from before accounts were listed. The upgrades run
 * once, in order, are recorded, change nothing they need not change, and are
 * safe to run again or twice at once.
 *
 * The tests of this file share one table and build on each other, in order.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { reloadConfig } from '../../functions/config.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import { listInstrumentLibrary, publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { listMembers } from '../../functions/storage/members.js';
import { listUpgradeRecords } from '../../functions/storage/upgrades.js';
import { usersListed } from '../../functions/upgrades/0001-users-listed.js';
import { giveStudiesOwners } from '../../functions/upgrades/0002-study-owners.js';
import { instrumentLibrary } from '../../functions/upgrades/0003-instrument-library.js';
import { runUpgrades, UpgradeFailed, type UpgradeOutcome } from '../../functions/upgrades/run-upgrades.js';
import { upgradeIds, type Upgrade } from '../../functions/upgrades/upgrades.js';
import { handler as deployStep } from '../../functions/workers/run-upgrades.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const REPO_ROOT = join(import.meta.dirname, '../..');

type Item = Record<string, unknown>;
const LEAD = { userId: 'sub-lead', email: 'lead@example.org' };
const ADMIN = { userId: 'sub-admin', email: 'admin@example.org' };
/** An admin made before accounts were listed: only upgrade 0001 makes it visible to 0002. */
const OLD_ADMIN = { userId: 'sub-old-admin', email: 'old-admin@example.org' };

/** An account item as the embedded platform wrote it; `listed: false` as it did before the people page. */
async function writeOlderAccount(account: { userId: string; email: string }, role: string, options: { listed?: boolean; disabled?: boolean } = {}) {
  await table.putItem({
    PK: `USER#${account.email}`,
    SK: 'USER',
    ...(options.listed === false ? {} : { GSI1PK: 'USERS', GSI1SK: account.email }),
    type: 'user',
    userId: account.userId,
    email: account.email,
    role,
    passwordHash: 'scrypt$not-a-real-hash',
    createdAt: '2024-01-02T09:00:00.000Z',
    ...(options.disabled ? { disabled: true, sessionGeneration: 1 } : {}),
  });
}

const shipped = (id: string, version: string) => {
  const file = join(REPO_ROOT, 'instruments', id, `${version}.json`);
  return loadInstrumentText(readFileSync(file, 'utf8'), file);
};

/** A published instrument version as Pont wrote it before the instrument library: no library entry, no publisher. */
async function writeOlderInstrumentVersion(id: string, version: string, publishedAt: string) {
  const instrument = shipped(id, version);
  await table.putItem({
    PK: `INSTR#${id}`,
    SK: `V#${version}`,
    type: 'instrumentVersion',
    instrumentId: id,
    version,
    contentHash: instrument.contentHash,
    instrumentJson: JSON.stringify(instrument),
    publishedAt,
  });
}

/**
 * A study as Pont wrote it before membership: the study, its consent text, two
 * waves, two participants with a response and a link, and, when `createdBy` is
 * given, the `study.created` audit entry written just after the study.
 */
async function writeOlderStudy(studyId: string, createdAt: string, createdBy?: { actor: string; at: string }) {
  const pk = `STUDY#${studyId}`;
  const title = { en: `Study ${studyId}`, cy: `Astudiaeth ${studyId}` };
  const items: Item[] = [
    { PK: pk, SK: 'META', GSI1PK: 'STUDIES', GSI1SK: studyId, type: 'study', studyId, title, supportContacts: [], attributes: [{ id: 'age_band', label: { en: 'Age band', cy: 'Band oedran' }, values: [{ value: '16-18', label: { en: '16 to 18', cy: '16 i 18' } }] }], createdAt },
    { PK: pk, SK: 'CONSENT#v1', type: 'consentText', studyId, version: 'v1', text: { en: 'I agree to take part.', cy: 'Rwy’n cytuno i gymryd rhan.' }, createdAt },
    ...['baseline', 'follow-up'].map((waveId, ordinal) => ({
      PK: pk,
      SK: `WAVE#${waveId}`,
      type: 'wave',
      studyId,
      waveId,
      ordinal,
      name: { en: waveId, cy: waveId },
      window: { kind: 'fixed', opensAt: '2024-02-01T00:00:00.000Z', closesAt: '2024-12-01T00:00:00.000Z' },
      instruments: [{ id: 'context', version: '1.0.0' }],
      consentVersion: 'v1',
    })),
    ...['p001', 'p002'].flatMap((participantCode) => [
      { PK: pk, SK: `P#${participantCode}`, type: 'participant', studyId, participantCode, attributes: { age_band: '16-18' }, agreedWaves: new Set(['baseline']), createdAt },
      {
        PK: `${pk}#P#${participantCode}`,
        SK: 'R#baseline#context',
        GSI1PK: `${pk}#W#baseline`,
        GSI1SK: `P#${participantCode}#context`,
        type: 'response',
        studyId,
        participantCode,
        waveId: 'baseline',
        instrumentId: 'context',
        instrumentVersion: '1.0.0',
        answersJson: '{"q1":"yes"}',
        status: 'complete',
        savedAt: '2024-02-03T10:00:00.000Z',
      },
      { PK: `${pk}#P#${participantCode}`, SK: 'LINK#baseline', GSI1PK: `${pk}#W#baseline`, GSI1SK: `P#${participantCode}#~LINK`, type: 'link', tokenHash: `hash-${studyId}-${participantCode}`, issuedAt: createdAt },
    ]),
  ];
  if (createdBy) {
    items.push({ PK: `AUDIT#${studyId}#${createdBy.at.slice(0, 7)}`, SK: `${createdBy.at}#${randomUUID()}`, type: 'audit', scope: studyId, actor: createdBy.actor, action: 'study.created', detail: { consentVersion: 'v1' }, at: createdBy.at });
    const later = new Date(Date.parse(createdBy.at) + 60_000).toISOString();
    items.push({ PK: `AUDIT#${studyId}#${later.slice(0, 7)}`, SK: `${later}#${randomUUID()}`, type: 'audit', scope: studyId, actor: createdBy.actor, action: 'participants.imported', detail: { count: 2 }, at: later });
  }
  for (const item of items) await table.putItem(item);
}

/** Everything about a study: its partition, its participants' partitions, its audit log. */
async function itemsOf(studyId: string): Promise<Item[]> {
  const pk = String;
  return (await table.scanAll())
    .filter((item) => pk(item.PK) === `STUDY#${studyId}` || pk(item.PK).startsWith(`STUDY#${studyId}#`) || pk(item.PK).startsWith(`AUDIT#${studyId}#`))
    .sort((a, b) => `${pk(a.PK)} ${pk(a.SK)}`.localeCompare(`${pk(b.PK)} ${pk(b.SK)}`));
}

const isMembership = (item: Item) => String(item.SK).startsWith('MEMBER#') || item.SK === 'OWNERS';
const ownerCount = async (studyId: string) => (await table.getItem({ PK: `STUDY#${studyId}`, SK: 'OWNERS' }))?.count;
const ownerByUpgradeEntries = async (studyId: string, months: string[]) =>
  (await Promise.all(months.map((m) => listAuditMonth(studyId, new Date(`${m}-15T00:00:00Z`))))).flat().filter((e) => e.action === 'member.owner_by_upgrade');
const thisMonth = () => [new Date().toISOString().slice(0, 7)];

describe('upgrading a table written before study membership', () => {
  const before = new Map<string, Item[]>();
  let first: UpgradeOutcome[];

  it('gives each study an owner (its creator, else the enabled admins), keeps every item, and records every upgrade', async () => {
    // Arrange: accounts and studies as an older Pont left them.
    await writeOlderAccount(LEAD, 'researcher');
    await writeOlderAccount(ADMIN, 'admin');
    await writeOlderAccount(OLD_ADMIN, 'admin', { listed: false });
    await writeOlderAccount({ userId: 'sub-gone', email: 'disabled-admin@example.org' }, 'admin', { disabled: true });
    await writeOlderStudy('alpha', '2024-03-05T10:00:00.000Z', { actor: LEAD.userId, at: '2024-03-05T10:00:00.120Z' });
    await writeOlderStudy('beta', '2024-04-10T08:30:00.000Z');
    // Created at the last moment of January; its audit entry landed in February.
    await writeOlderStudy('gamma', '2024-01-31T23:59:59.990Z', { actor: 'sub-no-local-account', at: '2024-02-01T00:00:00.030Z' });
    await writeOlderInstrumentVersion('ons4', '1.0.0', '2024-01-03T09:00:00.000Z');
    await writeOlderInstrumentVersion('context', '1.0.0', '2024-01-04T09:00:00.000Z');
    for (const studyId of ['alpha', 'beta', 'gamma']) before.set(studyId, await itemsOf(studyId));
    const versionsBefore = (await table.scanAll()).filter((item) => String(item.PK).startsWith('INSTR#'));

    // Act
    first = await runUpgrades();

    // Assert: each ran, in order, and is recorded.
    expect(first.map((o) => [o.id, o.status])).toEqual([
      ['0001-users-listed', 'ran'],
      ['0002-study-owners', 'ran'],
      ['0003-instrument-library', 'ran'],
    ]);
    expect(first[0]!.summary.details).toEqual({ accountsListed: 1 });
    expect(first[1]!.summary.details).toMatchObject({ studies: 3, ownedByCreator: 2, ownedByAdmins: 1, withoutOwner: 0, alreadyHadMembers: 0, studiesOwnedByAdmins: ['beta'] });
    const records = await listUpgradeRecords();
    expect(records.map((r) => r.id)).toEqual(['0001-users-listed', '0002-study-owners', '0003-instrument-library']);
    for (const record of records) {
      expect(Date.parse(record.at)).not.toBeNaN();
      expect(record.summary).toEqual(first.find((o) => o.id === record.id)!.summary);
    }
    // The old marker of 0001 is still written, for older checkouts of Pont on the same data.
    expect(await table.getItem({ PK: 'MIGRATION', SK: 'users-listed' })).toBeDefined();

    // alpha: its creator, by the email of their account.
    expect(await listMembers('alpha')).toEqual([
      { studyId: 'alpha', userId: LEAD.userId, email: LEAD.email, role: 'owner', addedAt: expect.any(String), addedBy: 'platform' },
    ]);
    expect(await ownerCount('alpha')).toBe(1);
    // gamma: its creator from the next month's audit partition; no account here, so the subject id stands for the email.
    expect(await listMembers('gamma')).toEqual([
      { studyId: 'gamma', userId: 'sub-no-local-account', email: 'sub-no-local-account', role: 'owner', addedAt: expect.any(String), addedBy: 'platform' },
    ]);
    expect(await ownerCount('gamma')).toBe(1);
    // beta: nobody recorded as creator, so every enabled admin, including the one 0001 just listed; not the disabled admin, not the researcher.
    expect((await listMembers('beta')).map((m) => [m.userId, m.email, m.role, m.addedBy])).toEqual([
      [ADMIN.userId, ADMIN.email, 'owner', 'platform'],
      [OLD_ADMIN.userId, OLD_ADMIN.email, 'owner', 'platform'],
    ]);
    expect(await ownerCount('beta')).toBe(2);

    // The admins are told to hand beta on: an audit entry in beta's log, and a notice npm start prints.
    const told = await ownerByUpgradeEntries('beta', thisMonth());
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ scope: 'beta', actor: 'platform', action: 'member.owner_by_upgrade', detail: { owners: 2, userIds: `${ADMIN.userId},${OLD_ADMIN.userId}` } });
    expect(first[1]!.summary.notices).toHaveLength(1);
    expect(first[1]!.summary.notices[0]).toMatch(/^Study "beta": .*admin@example\.org, old-admin@example\.org.*hand ownership on/);
    for (const studyId of ['alpha', 'gamma']) expect(await ownerByUpgradeEntries(studyId, thisMonth())).toEqual([]);

    // Both older instrument versions are in the library, publisher not recorded; the versions themselves are untouched.
    expect(first[2]!.summary.details).toEqual({ versionsFound: 2, versionsListed: 2 });
    expect((await listInstrumentLibrary()).map((e) => [e.instrumentId, e.version, e.publishedAt, e.publishedBy, e.title.en, e.questionCount])).toEqual([
      ['context', '1.0.0', '2024-01-04T09:00:00.000Z', null, shipped('context', '1.0.0').title.en, expect.any(Number)],
      ['ons4', '1.0.0', '2024-01-03T09:00:00.000Z', null, 'Personal well-being (ONS4)', 4],
    ]);
    expect((await table.scanAll()).filter((item) => String(item.PK).startsWith('INSTR#'))).toEqual(versionsBefore);

    // Every item each study had is still there, exactly as it was; what is new is its membership (and beta's notice).
    for (const [studyId, items] of before) {
      const after = (await itemsOf(studyId)).filter((item) => !isMembership(item) && item.action !== 'member.owner_by_upgrade');
      expect(after, studyId).toEqual(items);
    }
  });

  it('changes nothing when run again, recorded or not', async () => {
    const snapshot = await table.scanAll();

    const again = await runUpgrades();
    // Without the records, the upgrades themselves find nothing left to do.
    const ownersAgain = await giveStudiesOwners();
    const usersAgain = await usersListed.run();

    expect(again.map((o) => o.status)).toEqual(['done_before', 'done_before', 'done_before']);
    expect(again.map((o) => o.summary)).toEqual(first.map((o) => o.summary));
    expect(ownersAgain.details).toMatchObject({ studies: 3, alreadyHadMembers: 3, ownedByCreator: 0, ownedByAdmins: 0 });
    expect(ownersAgain.notices).toEqual([]);
    expect(usersAgain.details).toEqual({ accountsListed: 0 });
    expect(await table.scanAll()).toEqual(snapshot);
  });

  it('leaves a library entry written when its version was published as it was', async () => {
    await publishInstrumentVersion(shipped('context', '1.1.0'), '2025-06-01T10:00:00.000Z', { scope: '_platform', actor: LEAD.userId, action: 'instrument.published', detail: {} });
    const entry = (await listInstrumentLibrary()).find((e) => e.instrumentId === 'context' && e.version === '1.1.0');
    expect(entry).toMatchObject({ publishedBy: LEAD.userId, publishedAt: '2025-06-01T10:00:00.000Z' });

    const summary = await instrumentLibrary.run();

    expect(summary.details).toEqual({ versionsFound: 3, versionsListed: 0 });
    expect((await listInstrumentLibrary()).find((e) => e.instrumentId === 'context' && e.version === '1.1.0')).toEqual(entry);
  });

  it('leaves a study that already has a member alone', async () => {
    await writeOlderStudy('delta', '2024-05-01T12:00:00.000Z');
    await table.putItem({ PK: 'STUDY#delta', SK: `MEMBER#${LEAD.userId}`, GSI1PK: `MEMBER#${LEAD.userId}`, GSI1SK: 'STUDY#delta', type: 'member', studyId: 'delta', userId: LEAD.userId, email: LEAD.email, role: 'researcher', addedAt: '2024-05-02T00:00:00.000Z', addedBy: ADMIN.userId });
    const items = await itemsOf('delta');

    const summary = await giveStudiesOwners();

    expect(summary.details).toMatchObject({ studies: 4, alreadyHadMembers: 4 });
    expect(await itemsOf('delta')).toEqual(items);
  });

  it('counts each owner once when several runs upgrade the same studies at the same time', async () => {
    await writeOlderStudy('epsilon', '2024-06-01T12:00:00.000Z', { actor: LEAD.userId, at: '2024-06-01T12:00:00.050Z' });
    await writeOlderStudy('zeta', '2024-06-02T12:00:00.000Z');

    const runs = await Promise.all([giveStudiesOwners(), giveStudiesOwners(), giveStudiesOwners()]);

    // Between them, the runs gave each study its owners once.
    const total = (key: string) => runs.reduce((sum, run) => sum + Number(run.details?.[key]), 0);
    expect(total('ownedByCreator')).toBe(1);
    expect(total('ownedByAdmins')).toBe(1);
    expect(runs.flatMap((run) => run.notices).filter((n) => n.includes('"zeta"'))).toHaveLength(1);
    expect((await listMembers('epsilon')).map((m) => m.userId)).toEqual([LEAD.userId]);
    expect(await ownerCount('epsilon')).toBe(1);
    expect((await listMembers('zeta')).map((m) => m.userId)).toEqual([ADMIN.userId, OLD_ADMIN.userId]);
    expect(await ownerCount('zeta')).toBe(2);
    expect(await ownerByUpgradeEntries('zeta', thisMonth())).toHaveLength(1);
  });
});

describe('the runner', () => {
  const upgrade = (id: string, run: Upgrade['run'] = async () => ({ did: `${id} done`, notices: [] })): Upgrade => ({ id, run });

  it('stops at an upgrade that fails, records only what ran before it, and runs the rest next time', async () => {
    const ran: string[] = [];
    const track = (id: string) => upgrade(id, async () => (ran.push(id), { did: 'done', notices: [] }));
    let broken = true;
    const list = [
      track('0001-before-failure'),
      upgrade('0002-fails-once', async () => {
        ran.push('0002-fails-once');
        if (broken) throw new Error('the disk is full');
        return { did: 'done', notices: [] };
      }),
      track('0003-after-failure'),
    ];

    const failed = runUpgrades({ upgrades: list });
    await expect(failed).rejects.toBeInstanceOf(UpgradeFailed);
    await expect(failed).rejects.toThrow('Data upgrade 0002-fails-once failed: the disk is full');
    expect(ran).toEqual(['0001-before-failure', '0002-fails-once']);
    const recorded = (await listUpgradeRecords()).map((r) => r.id);
    expect(recorded).toContain('0001-before-failure');
    expect(recorded).not.toContain('0002-fails-once');
    expect(recorded).not.toContain('0003-after-failure');

    broken = false;
    ran.length = 0;
    const retried = await runUpgrades({ upgrades: list });
    expect(ran).toEqual(['0002-fails-once', '0003-after-failure']);
    expect(retried.map((o) => o.status)).toEqual(['done_before', 'ran', 'ran']);
  });

  it('runs only the upgrades asked for, as a deploy rolled back asks for the previous ones', async () => {
    const failing = upgrade('0002-rolled-back', async () => {
      throw new Error('this upgrade is broken');
    });
    const list = [upgrade('0001-before-rollback'), failing];
    await runUpgrades({ upgrades: list, only: ['0001-before-rollback'] });
    await expect(runUpgrades({ upgrades: list, only: ['0001-before-rollback', '0002-rolled-back'] })).rejects.toThrow(UpgradeFailed);

    // CloudFormation's rollback asks again with the previous deploy's list: nothing to run, nothing fails.
    const rollback = await runUpgrades({ upgrades: list, only: ['0001-before-rollback'] });

    expect(rollback.map((o) => [o.id, o.status])).toEqual([['0001-before-rollback', 'done_before']]);
    await expect(runUpgrades({ upgrades: list, only: ['0003-unknown'] })).rejects.toThrow(/Unknown data upgrade/);
  });

  it('lets one of two runners at once record an upgrade, and tells the other', async () => {
    let started = 0;
    let bothStarted!: () => void;
    const together = new Promise<void>((resolve) => (bothStarted = resolve));
    const list = [
      upgrade('0001-two-runners', async () => {
        started += 1;
        if (started === 2) bothStarted();
        await together;
        return { did: 'nothing to change', notices: [] };
      }),
    ];

    const outcomes = (await Promise.all([runUpgrades({ upgrades: list }), runUpgrades({ upgrades: list })])).flat();

    expect(outcomes.map((o) => o.status).sort()).toEqual(['ran', 'ran_recorded_elsewhere']);
    expect((await listUpgradeRecords()).filter((r) => r.id === '0001-two-runners')).toHaveLength(1);
  });

  it('refuses a list out of order', async () => {
    await expect(runUpgrades({ upgrades: [upgrade('0002-second'), upgrade('0001-first')] })).rejects.toThrow(/out of order/);
    await expect(runUpgrades({ upgrades: [upgrade('first')] })).rejects.toThrow(/<4 digits>-<name>/);
  });
});

describe('in AWS mode (accounts in Cognito)', () => {
  afterEach(() => {
    process.env.AUTH_MODE = 'local';
    reloadConfig();
  });

  it('gives a study its creator by subject id, leaves one without a known creator ownerless and says so, and never scans for accounts', async () => {
    await writeOlderStudy('eta', '2024-07-01T12:00:00.000Z');
    await writeOlderStudy('theta', '2024-07-02T12:00:00.000Z', { actor: LEAD.userId, at: '2024-07-02T12:00:00.040Z' });
    await writeOlderAccount({ userId: 'sub-unlisted', email: 'unlisted@example.org' }, 'researcher', { listed: false });
    process.env.AUTH_MODE = 'cognito';
    reloadConfig();

    const owners = await giveStudiesOwners();
    const users = await usersListed.run();

    expect(owners.details).toMatchObject({ ownedByCreator: 1, ownedByAdmins: 0, withoutOwner: 1, studiesWithoutOwner: ['eta'] });
    expect(owners.notices).toEqual([expect.stringMatching(/^Study "eta" has no owner: .*Cognito.*POST \/api\/studies\/eta\/members/)]);
    expect(await listMembers('eta')).toEqual([]);
    expect(await ownerCount('eta')).toBeUndefined();
    expect((await listMembers('theta')).map((m) => [m.userId, m.email])).toEqual([[LEAD.userId, LEAD.userId]]);
    expect(users.did).toMatch(/nothing to do/);
    expect(await table.getItem({ PK: 'USER#unlisted@example.org', SK: 'USER' })).not.toHaveProperty('GSI1PK');
  });
});

describe('the deploy step (custom resource handler)', () => {
  const event = (RequestType: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown>) =>
    ({
      RequestType,
      ServiceToken: 'arn:aws:lambda:eu-west-2:123456789012:function:provider',
      ResponseURL: 'https://example.invalid/response',
      StackId: 'arn:aws:cloudformation:eu-west-2:123456789012:stack/Pont-test/1',
      RequestId: randomUUID(),
      LogicalResourceId: 'DataUpgradesRun',
      ResourceType: 'Custom::PontDataUpgrades',
      ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-2:123456789012:function:provider', ...properties },
      ...(RequestType === 'Create' ? {} : { PhysicalResourceId: 'pont-data-upgrades', OldResourceProperties: {} }),
    }) as unknown as CloudFormationCustomResourceEvent;

  it('runs the listed upgrades not yet recorded, keeps one physical id, and does nothing on delete', async () => {
    const created = await deployStep(event('Create', { upgrades: upgradeIds() }));
    const deleted = await deployStep(event('Delete', { upgrades: upgradeIds() }));

    // This table has had every upgrade (the tests above).
    expect(created).toEqual({ PhysicalResourceId: 'pont-data-upgrades', Data: { ran: '' } });
    expect(deleted.PhysicalResourceId).toBe('pont-data-upgrades');
    await expect(deployStep(event('Update', {}))).rejects.toThrow(/upgrade ids/);
  });
});
