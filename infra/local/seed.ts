/**
 * First-start content for the embedded platform: the shipped instruments, a
 * demo study with one open wave and three participants, and an admin account.
 * Runs once: everything is written with conditions, so a restart changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import { hashPassword, newPassword } from '../../functions/domain/passwords.js';
import { hashToken, newLinkToken } from '../../functions/domain/tokens.js';
import { publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { createLinkToken, createParticipant } from '../../functions/storage/participants.js';
import { createStudy, createWave, getStudy } from '../../functions/storage/studies.js';
import { createLocalUser } from '../../functions/storage/users.js';

export const DEMO_STUDY_ID = 'demo';
export const DEMO_WAVE_ID = 'baseline';
export const DEMO_INSTRUMENTS = [{ id: 'ons4', version: '1.0.0' }];
export const ADMIN_EMAIL = 'admin@pont.local';

export type DemoLink = { participantCode: string; token: string };
export type SeedResult = { demoLinks: DemoLink[]; adminPassword?: string };

export async function publishShippedInstruments(instrumentsDir: string, pins: { id: string; version: string }[]): Promise<void> {
  const now = new Date().toISOString();
  for (const pin of pins) {
    const file = join(instrumentsDir, pin.id, `${pin.version}.json`);
    await publishInstrumentVersion(loadInstrumentText(readFileSync(file, 'utf8'), file), now);
  }
}

/** Returns the demo links only when it created them: tokens are stored hashed, so they cannot be read back later. */
export async function seedDemo(instrumentsDir: string, now = new Date()): Promise<SeedResult> {
  await publishShippedInstruments(instrumentsDir, DEMO_INSTRUMENTS);
  const adminPassword = await seedAdmin();
  if (await getStudy(DEMO_STUDY_ID)) return { demoLinks: [], ...(adminPassword ? { adminPassword } : {}) };

  const createdAt = now.toISOString();
  await createStudy({
    studyId: DEMO_STUDY_ID,
    title: { en: 'Demo study: staying in touch after care', cy: 'Astudiaeth enghreifftiol: cadw mewn cysylltiad ar ôl gofal' },
    createdAt,
  });
  await createWave({
    studyId: DEMO_STUDY_ID,
    waveId: DEMO_WAVE_ID,
    ordinal: 0,
    name: { en: 'Baseline', cy: 'Llinell sylfaen' },
    opensAt: new Date(now.getTime() - 24 * 3600_000).toISOString(),
    closesAt: new Date(now.getTime() + 365 * 24 * 3600_000).toISOString(),
    instruments: DEMO_INSTRUMENTS,
  });
  const demoLinks: DemoLink[] = [];
  for (const participantCode of ['DEMO-001', 'DEMO-002', 'DEMO-003']) {
    await createParticipant({ studyId: DEMO_STUDY_ID, participantCode, createdAt });
    const token = newLinkToken();
    await createLinkToken(hashToken(token), { studyId: DEMO_STUDY_ID, participantCode, waveId: DEMO_WAVE_ID }, createdAt);
    demoLinks.push({ participantCode, token });
  }
  return { demoLinks, ...(adminPassword ? { adminPassword } : {}) };
}

/** Creates the admin account with a fresh random password; undefined when it already exists. */
async function seedAdmin(): Promise<string | undefined> {
  const password = newPassword();
  const created = await createLocalUser({
    userId: randomUUID(),
    email: ADMIN_EMAIL,
    role: 'admin',
    passwordHash: await hashPassword(password),
    createdAt: new Date().toISOString(),
  });
  return created ? password : undefined;
}
