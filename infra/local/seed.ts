/**
 * First-start content for the embedded platform: the shipped instruments, a
 * demo study with one open wave and three participants, and an admin account.
 * Runs once: everything is written with conditions, so a restart changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import { hashPassword, newPassword } from '../../functions/domain/passwords.js';
import { InstrumentVersionConflict, publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { issueLink } from '../../functions/storage/links.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { compareVersions } from '../../functions/domain/instrument-library.js';
import { firstOwner } from '../../functions/storage/members.js';
import { createStudyWithConsent, createWave, getStudy, type SupportContact } from '../../functions/storage/studies.js';
import { createLocalUser, getLocalUser } from '../../functions/storage/users.js';

export const DEMO_STUDY_ID = 'demo';
export const DEMO_WAVE_ID = 'baseline';
export const DEMO_INSTRUMENTS = [{ id: 'ons4', version: '1.1.0' }];
export const ADMIN_EMAIL = 'admin@pont.local';

// 1.1: the Welsh no longer says "hepgor", and the text says who "we" are and how to take answers back.
export const DEMO_CONSENT_VERSION = 'demo-consent-1.1';

/** Demo wording only: a real study uses the consent text its ethics committee approved. Welsh is a draft. */
export const DEMO_CONSENT_TEXT = {
  en: [
    "We're a team of researchers asking young people who have left care about the support they get, so that services can get better.",
    "Taking part is up to you. You can skip any question, stop at any time, and come back later using this link. Saying no won't change the support you get.",
    "Your answers are kept private. They are stored with a code, not your name, and nobody who supports you will see what you say. We only share results in a way that nobody can be picked out.",
    "Nobody reads your answers straight away, so this is not the way to ask for help: the contacts on this page can help at any time. If you change your mind after finishing, tell the person who sent you this link and we will take your answers out.",
    'Do you agree to take part?',
  ].join('\n\n'),
  cy: [
    "Rydyn ni'n dîm o ymchwilwyr sy'n holi pobl ifanc sydd wedi gadael gofal am y cymorth maen nhw'n ei gael, er mwyn i wasanaethau allu gwella.",
    "Chi sy'n penderfynu a ydych chi am gymryd rhan. Does dim rhaid i chi ateb pob cwestiwn. Gallwch chi stopio unrhyw bryd, a dod yn ôl wedyn gan ddefnyddio'r ddolen hon. Fydd dweud na ddim yn newid y cymorth rydych chi'n ei gael.",
    "Mae eich atebion yn cael eu cadw'n breifat. Maen nhw'n cael eu cadw gyda chod, nid eich enw, a fydd neb sy'n eich cefnogi chi'n gweld beth rydych chi'n ei ddweud. Dim ond mewn ffordd lle na all neb gael ei adnabod rydyn ni'n rhannu canlyniadau.",
    "Does neb yn darllen eich atebion yn syth, felly nid dyma'r ffordd i ofyn am help: gall y cysylltiadau ar y dudalen hon helpu unrhyw bryd. Os byddwch chi'n newid eich meddwl ar ôl gorffen, dywedwch wrth y person a anfonodd y ddolen hon atoch chi a byddwn ni'n tynnu eich atebion allan.",
    "Ydych chi'n cytuno i gymryd rhan?",
  ].join('\n\n'),
};

/** Demo contacts; a study configures and checks its own before it runs. */
export const DEMO_SUPPORT_CONTACTS: SupportContact[] = [
  {
    name: { en: 'Meic', cy: 'Meic' },
    description: {
      en: 'Free, confidential helpline for children and young people in Wales up to 25, in English or Welsh.',
      cy: "Llinell gymorth gyfrinachol am ddim i blant a phobl ifanc yng Nghymru hyd at 25 oed, yn Gymraeg neu'n Saesneg.",
    },
    phone: '080880 23456',
    url: 'https://www.meiccymru.org/',
    hours: { en: 'Every day, 8am to midnight', cy: "Bob dydd, 8yb tan hanner nos" },
  },
  {
    name: { en: 'Samaritans', cy: 'Samariaid' },
    description: { en: 'Someone to talk to, whatever you are going through.', cy: "Rhywun i siarad ag e, beth bynnag rydych chi'n ei wynebu." },
    phone: '116 123',
    url: 'https://www.samaritans.org/',
    hours: { en: 'Any time, day or night', cy: 'Unrhyw bryd, ddydd neu nos' },
  },
];

export type DemoLink = { participantCode: string; token: string };
/** The instrument versions in instruments/, and how many of them this start published (the others were already). */
export type ShippedInstruments = { shipped: number; publishedNow: number };
export type SeedResult = { demoLinks: DemoLink[]; adminPassword?: string; instruments: ShippedInstruments };

/** Publishes the given shipped versions; returns how many were published now (the rest were already). */
export async function publishShippedInstruments(instrumentsDir: string, pins: { id: string; version: string }[]): Promise<number> {
  const now = new Date().toISOString();
  let published = 0;
  for (const pin of pins) {
    const file = join(instrumentsDir, pin.id, `${pin.version}.json`);
    if ((await publishInstrumentVersion(loadInstrumentText(readFileSync(file, 'utf8'), file), now)) === 'published') published += 1;
  }
  return published;
}

/** Every shipped instrument version: instruments/<id>/<version>.json. */
export function shippedInstrumentPins(instrumentsDir: string): { id: string; version: string }[] {
  return readdirSync(instrumentsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(join(instrumentsDir, dir.name))
        .filter((name) => /^\d+\.\d+\.\d+\.json$/.test(name))
        .map((name) => ({ id: dir.name, version: name.slice(0, -'.json'.length) })),
    )
    .sort((a, b) => `${a.id}@${a.version}`.localeCompare(`${b.id}@${b.version}`));
}

/** The newest shipped version of each instrument (1.10.0 after 1.9.0). */
export function latestShippedPins(instrumentsDir: string): { id: string; version: string }[] {
  const latest = new Map<string, { id: string; version: string }>();
  for (const pin of shippedInstrumentPins(instrumentsDir)) {
    const seen = latest.get(pin.id);
    if (!seen || compareVersions(pin.version, seen.version) > 0) latest.set(pin.id, pin);
  }
  return [...latest.values()];
}

/**
 * The platform publishes the instruments it ships (publishing needs the
 * instrument author permission; these come with Pont). At every start, so a
 * version added to instruments/ is available at once; publishing is a no-op
 * for a version already published. A shipped file changed after its version
 * was published is refused, as any republication is, and reported rather than
 * stopping the platform.
 */
async function publishEveryShippedInstrument(instrumentsDir: string): Promise<ShippedInstruments & { warnings: string[] }> {
  const warnings: string[] = [];
  const pins = shippedInstrumentPins(instrumentsDir);
  let published = 0;
  for (const pin of pins) {
    try {
      published += await publishShippedInstruments(instrumentsDir, [pin]);
    } catch (error) {
      if (!(error instanceof InstrumentVersionConflict)) throw error;
      warnings.push(`${pin.id}@${pin.version}: the file differs from the version already published, so it was not published again (give the change a new version)`);
    }
  }
  return { shipped: pins.length, publishedNow: published, warnings };
}

/** Returns the demo links only when it created them: tokens are stored hashed, so they cannot be read back later. */
export async function seedDemo(instrumentsDir: string, now = new Date()): Promise<SeedResult> {
  const { warnings: instrumentWarnings, ...instruments } = await publishEveryShippedInstrument(instrumentsDir);
  for (const warning of instrumentWarnings) console.warn(`Instrument not published: ${warning}`);
  const adminPassword = await seedAdmin();
  if (await getStudy(DEMO_STUDY_ID)) return { demoLinks: [], instruments, ...(adminPassword ? { adminPassword } : {}) };

  const createdAt = now.toISOString();
  const admin = await getLocalUser(ADMIN_EMAIL);
  await createStudyWithConsent(
    {
      studyId: DEMO_STUDY_ID,
      title: { en: 'Demo study: staying in touch after care', cy: 'Astudiaeth enghreifftiol: cadw mewn cysylltiad ar ôl gofal' },
      // What a participant's phone shows: nothing about care.
      publicTitle: { en: 'Your say', cy: 'Eich llais' },
      supportContacts: DEMO_SUPPORT_CONTACTS,
      createdAt,
    },
    { studyId: DEMO_STUDY_ID, version: DEMO_CONSENT_VERSION, text: DEMO_CONSENT_TEXT, createdAt },
    // The admin account runs the demo study: it is its first owner.
    admin ? firstOwner(DEMO_STUDY_ID, admin, createdAt) : undefined,
  );
  await createWave({
    studyId: DEMO_STUDY_ID,
    waveId: DEMO_WAVE_ID,
    ordinal: 0,
    name: { en: 'Baseline', cy: 'Llinell sylfaen' },
    window: {
      kind: 'fixed',
      opensAt: new Date(now.getTime() - 24 * 3600_000).toISOString(),
      closesAt: new Date(now.getTime() + 365 * 24 * 3600_000).toISOString(),
    },
    instruments: DEMO_INSTRUMENTS,
    consentVersion: DEMO_CONSENT_VERSION,
  });
  const demoLinks: DemoLink[] = [];
  for (const participantCode of ['DEMO-001', 'DEMO-002', 'DEMO-003']) {
    await createParticipant({ studyId: DEMO_STUDY_ID, participantCode, createdAt });
    const token = await issueLink({ studyId: DEMO_STUDY_ID, participantCode, waveId: DEMO_WAVE_ID }, { reissue: false, now });
    demoLinks.push({ participantCode, token });
  }
  return { demoLinks, instruments, ...(adminPassword ? { adminPassword } : {}) };
}

/** Creates the admin account with a fresh random temporary password; undefined when it already exists. */
async function seedAdmin(): Promise<string | undefined> {
  const password = newPassword();
  const created = await createLocalUser({
    userId: randomUUID(),
    email: ADMIN_EMAIL,
    role: 'admin',
    passwordHash: await hashPassword(password),
    createdAt: new Date().toISOString(),
    // Printed in the terminal: the first sign-in must replace it.
    mustChangePassword: true,
    // The operator's account publishes the instruments the study team writes (`npm run pont -- instrument publish`).
    instrumentAuthor: true,
  });
  return created ? password : undefined;
}
