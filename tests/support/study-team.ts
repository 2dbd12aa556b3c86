/**
 * A study with data access groups and a team (issue #18), written through the
 * storage modules: owner, an ungrouped researcher, a researcher placed in
 * Cardiff, an analyst, and accounts with no part in it. Tokens are real
 * embedded-mode tokens; each account exists as a local user, so members can be
 * added by email.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { reloadConfig } from '../../functions/config.js';
import { resetExportStore } from '../../functions/exports/configured-export-store.js';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import type { StudyRole } from '../../functions/contracts/members.js';
import type { Role } from '../../functions/contracts/researcher.js';
import { recordConsent } from '../../functions/storage/consents.js';
import { publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { issueLink } from '../../functions/storage/links.js';
import { firstOwner, putMember } from '../../functions/storage/members.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { createStudyWithConsent, createWave } from '../../functions/storage/studies.js';
import { createLocalUser } from '../../functions/storage/users.js';
import { checkInInstrument, CONSENT_VERSION } from './fixtures.js';

const t = (en: string) => ({ en, cy: en });

export type TeamAccount = { userId: string; email: string; role: Role; headers: () => Promise<Record<string, string>> };

export async function account(role: Role, name: string, options: { instrumentAuthor?: boolean } = {}): Promise<TeamAccount> {
  const userId = `${name}-${randomUUID().slice(0, 8)}`;
  const email = `${userId}@example.org`;
  await createLocalUser({ userId, email, role, passwordHash: 'unused', createdAt: new Date().toISOString() });
  return {
    userId,
    email,
    role,
    headers: async () => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId, role, ...(options.instrumentAuthor ? { instrumentAuthor: true } : {}) })).token}` }),
  };
}

export async function addToStudy(studyId: string, who: TeamAccount, role: StudyRole, group?: string): Promise<void> {
  await putMember({ studyId, userId: who.userId, email: who.email, role, ...(group ? { group } : {}), addedAt: new Date().toISOString(), addedBy: 'test' }, undefined);
}

export type StudyTeam = {
  studyId: string;
  waveId: string;
  owner: TeamAccount;
  researcher: TeamAccount;
  cardiffResearcher: TeamAccount;
  analyst: TeamAccount;
  outsider: TeamAccount;
  admin: TeamAccount;
  /** Link tokens by participant code, for the baseline wave. */
  tokens: Record<string, string>;
  cardiff: string[];
  swansea: string[];
};

/** A study grouped by local authority with participants C-1, C-2 (Cardiff) and S-1, S-2 (Swansea), each with a link and consent. */
export async function studyWithTeam(): Promise<StudyTeam> {
  const studyId = `team-${randomUUID().slice(0, 8)}`;
  const waveId = 'baseline';
  const createdAt = new Date().toISOString();
  const instrument = checkInInstrument();
  await publishInstrumentVersion(instrument, createdAt);
  const [owner, researcher, cardiffResearcher, analyst, outsider, admin] = await Promise.all([
    account('researcher', 'owner'),
    account('researcher', 'researcher'),
    account('researcher', 'cardiff'),
    account('analyst', 'analyst'),
    account('researcher', 'outsider'),
    account('admin', 'admin'),
  ]);
  await createStudyWithConsent(
    {
      studyId,
      title: t('Team study'),
      supportContacts: [{ name: t('Helpline'), description: t('Help'), phone: '0800 000 000', url: 'https://help.example.org/' }],
      attributes: [
        { id: 'local_authority', label: t('Local authority'), values: [{ value: 'cardiff', label: t('Cardiff') }, { value: 'swansea', label: t('Swansea') }], quasiIdentifier: true },
      ],
      groupBy: 'local_authority',
      createdAt,
    },
    { studyId, version: CONSENT_VERSION, text: t('Do you agree?'), createdAt },
    firstOwner(studyId, owner, createdAt),
  );
  await addToStudy(studyId, researcher, 'researcher');
  await addToStudy(studyId, cardiffResearcher, 'researcher', 'cardiff');
  await addToStudy(studyId, analyst, 'analyst');
  const now = Date.now();
  await createWave({
    studyId,
    waveId,
    ordinal: 0,
    name: t('Baseline'),
    window: { kind: 'fixed', opensAt: new Date(now - 3600_000).toISOString(), closesAt: new Date(now + 30 * 86_400_000).toISOString() },
    instruments: [{ id: instrument.id, version: instrument.version }],
    consentVersion: CONSENT_VERSION,
    reminders: { afterDays: [7] },
  });
  const cardiff = ['C-1', 'C-2'];
  const swansea = ['S-1', 'S-2'];
  const tokens: Record<string, string> = {};
  for (const code of [...cardiff, ...swansea]) {
    await createParticipant({ studyId, participantCode: code, attributes: { local_authority: cardiff.includes(code) ? 'cardiff' : 'swansea' }, createdAt });
    tokens[code] = await issueLink({ studyId, participantCode: code, waveId }, { reissue: false, now: new Date() });
    await recordConsent({ studyId, participantCode: code, waveId, consentVersion: CONSENT_VERSION, decision: 'agreed', language: 'en', decidedAt: createdAt });
  }
  return { studyId, waveId, owner, researcher, cardiffResearcher, analyst, outsider, admin, tokens, cardiff, swansea };
}

/**
 * An outbox and an export folder of the test file's own (removed after it), and
 * the settings that make emailing links and building exports work in-process.
 */
export function useMailAndExports(): void {
  const scratch = mkdtempSync(join(tmpdir(), 'pont-team-'));
  beforeAll(() => {
    Object.assign(process.env, {
      OUTBOX_DIR: join(scratch, 'outbox'),
      EXPORT_DIR: join(scratch, 'exports'),
      EXPORT_URL_SECRET: 'a-test-secret-that-is-long-enough-for-hmac',
      PUBLIC_WEB_URL: 'https://pont.example.org',
    });
    reloadConfig();
    resetExportStore();
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
}
