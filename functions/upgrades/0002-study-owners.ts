/**
 * Upgrade 0002: every study gets an owner (issue #18, "Upgrading studies that
 * already exist"). Studies made before study membership have no members, so
 * nobody but a platform admin could reach them.
 *
 * For each study that has no member at all (a study with any member is left
 * alone: it was made with its owner, or someone has already set it up):
 * - its creator, when the audit log names one (`study.created` in the study's
 *   scope, in the month of the study's `createdAt` or the next: the entry is
 *   written just after the study, so a study made at the end of a month may
 *   have its entry in the next one);
 * - otherwise the platform's enabled admin accounts, who are told to hand
 *   ownership on: an audit entry (`member.owner_by_upgrade`, actor `platform`)
 *   and a notice (printed by `npm start`);
 * - otherwise, in AWS, where accounts are in Cognito and this code cannot list
 *   them, no owner: the summary names the study, and a platform admin adds
 *   themselves (POST /api/studies/{id}/members).
 *
 * The owners, the owner count and the audit entry are one conditional
 * transaction (functions/storage/upgrades.ts `giveFirstOwners`), so a second
 * run, or two at once, cannot add owners twice or count them twice.
 */
import { config } from '../config.js';
import { listAuditMonth } from '../storage/audit.js';
import { listMembers, type StoredMember } from '../storage/members.js';
import { giveFirstOwners, listEveryStudy, type UpgradeSummary } from '../storage/upgrades.js';
import { listLocalUsers, type LocalUser } from '../storage/users.js';
import type { Upgrade } from './upgrade.js';

const ID = '0002-study-owners';
/** Who the upgrade acts as, in member items (`addedBy`) and audit entries (`actor`). */
const ACTOR = 'platform';
/** How many times a study whose owners could not be written (someone else writing them) is looked at again. */
const ATTEMPTS = 3;

export const studyOwners: Upgrade = { id: ID, run: () => giveStudiesOwners() };

type Outcome =
  | { kind: 'had_members' }
  | { kind: 'creator'; owner: StoredMember }
  | { kind: 'admins'; owners: StoredMember[] }
  | { kind: 'no_owner'; why: string };

export async function giveStudiesOwners(now: () => Date = () => new Date()): Promise<UpgradeSummary> {
  // Embedded mode: accounts are in the table. AWS: in Cognito, which this code cannot list.
  const accounts = config().AUTH_MODE === 'local' ? await listLocalUsers() : undefined;
  const admins = accounts
    ?.filter((account) => account.role === 'admin' && !account.disabled)
    .sort((a, b) => a.email.localeCompare(b.email));
  const studies = (await listEveryStudy()).sort((a, b) => a.studyId.localeCompare(b.studyId));

  const byKind = { had_members: [] as string[], creator: [] as string[], admins: [] as string[], no_owner: [] as string[] };
  const notices: string[] = [];
  // One study at a time: a one-off, and the notices come out in a stable order.
  for (const study of studies) {
    const outcome = await giveStudyOwners(study, { accounts, admins }, now);
    byKind[outcome.kind].push(study.studyId);
    if (outcome.kind === 'admins') {
      notices.push(
        `Study "${study.studyId}": nobody is recorded as its creator, so the platform admins (${outcome.owners.map((o) => o.email).join(', ')}) were made its owners: hand ownership on to the people who run it on the study's members page.`,
      );
    }
    if (outcome.kind === 'no_owner') {
      notices.push(`Study "${study.studyId}" has no owner: nobody is recorded as its creator, and ${outcome.why}. A platform admin can add themselves as its owner (POST /api/studies/${study.studyId}/members) and hand it on.`);
    }
  }

  const given = byKind.creator.length + byKind.admins.length;
  const parts = [
    `${given} ${given === 1 ? 'study' : 'studies'} given owners (${byKind.creator.length} by creator, ${byKind.admins.length} by platform admins)`,
    ...(byKind.no_owner.length ? [`${byKind.no_owner.length} left without an owner`] : []),
    ...(byKind.had_members.length ? [`${byKind.had_members.length} already had members`] : []),
  ];
  return {
    did: studies.length === 0 ? 'no studies to upgrade' : parts.join('; '),
    notices,
    details: {
      studies: studies.length,
      ownedByCreator: byKind.creator.length,
      ownedByAdmins: byKind.admins.length,
      withoutOwner: byKind.no_owner.length,
      alreadyHadMembers: byKind.had_members.length,
      studiesOwnedByAdmins: byKind.admins,
      studiesWithoutOwner: byKind.no_owner,
    },
  };
}

async function giveStudyOwners(
  study: { studyId: string; createdAt: string | undefined },
  directory: { accounts: LocalUser[] | undefined; admins: LocalUser[] | undefined },
  now: () => Date,
): Promise<Outcome> {
  const { studyId } = study;
  for (let attempt = 1; ; attempt += 1) {
    if ((await listMembers(studyId)).length > 0) return { kind: 'had_members' };

    const at = now();
    const creatorId = await creatorOf(study);
    let outcome: Outcome;
    if (creatorId) {
      // Its email as the account has it; the subject id itself where the account is not known here (Cognito, or deleted).
      const email = directory.accounts?.find((account) => account.userId === creatorId)?.email ?? creatorId;
      outcome = { kind: 'creator', owner: owner(studyId, { userId: creatorId, email }, at) };
    } else if (directory.admins?.length) {
      outcome = { kind: 'admins', owners: directory.admins.map((admin) => owner(studyId, admin, at)) };
    } else {
      return { kind: 'no_owner', why: directory.admins ? 'there is no enabled admin account' : 'accounts are in Cognito, which this upgrade cannot list' };
    }

    const owners = outcome.kind === 'creator' ? [outcome.owner] : outcome.owners;
    const audit =
      outcome.kind === 'admins'
        ? { actor: ACTOR, action: 'member.owner_by_upgrade', detail: { upgrade: ID, reason: 'creator_unknown', owners: owners.length, userIds: owners.map((o) => o.userId).join(','), handOn: true } }
        : undefined;
    if (await giveFirstOwners(studyId, owners, audit, at)) return outcome;

    // Cancelled: someone else wrote an owner or the count meanwhile (another run, or an admin adding
    // themselves). The next look finds their members; a transaction still in flight may need a moment.
    if (attempt === ATTEMPTS) {
      throw new Error(`Study ${studyId}: its owners could not be written and it still has no members (an OWNERS count without members?)`);
    }
    await new Promise((done) => setTimeout(done, 100 * attempt));
  }
}

/** The subject id that created the study, from its `study.created` audit entry; undefined when there is none. */
async function creatorOf(study: { studyId: string; createdAt: string | undefined }): Promise<string | undefined> {
  const created = study.createdAt ? new Date(study.createdAt) : undefined;
  if (!created || Number.isNaN(created.getTime())) return undefined;
  const nextMonth = new Date(Date.UTC(created.getUTCFullYear(), created.getUTCMonth() + 1, 1));
  for (const month of [created, nextMonth]) {
    // Entries come in time order: the first is the creation.
    const entry = (await listAuditMonth(study.studyId, month)).find((e) => e.action === 'study.created');
    if (entry && typeof entry.actor === 'string' && entry.actor) return entry.actor;
  }
  return undefined;
}

function owner(studyId: string, account: { userId: string; email: string }, at: Date): StoredMember {
  return { studyId, userId: account.userId, email: account.email, role: 'owner', addedAt: at.toISOString(), addedBy: ACTOR };
}
