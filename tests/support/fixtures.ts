/** Builds studies, waves, participants and links straight through the storage modules. */
import { randomUUID } from 'node:crypto';
import type { StudyRole } from '../../functions/contracts/members.js';
import { toInstrumentVersion, type InstrumentFile, type InstrumentVersion } from '../../functions/domain/instrument.js';
import { publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { issueLink } from '../../functions/storage/links.js';
import { putMember } from '../../functions/storage/members.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { recordConsent } from '../../functions/storage/consents.js';
import type { LocalisedText } from '../../functions/contracts/common.js';
import { createConsentText, createStudy, createWave } from '../../functions/storage/studies.js';
import { testInstrumentFile } from './instrument-file.js';

/**
 * Makes an account a member of a study made straight through storage (which
 * has no members: issue #18), with a study role and optionally a data access
 * group. The account need not exist as a local user; its address is on a
 * domain of its own, so tests looking for participants' addresses never find it.
 */
export async function joinStudy(studyId: string, userId: string, role: StudyRole, group?: string): Promise<void> {
  await putMember({ studyId, userId, email: `${userId}@study-team.test`, role, ...(group ? { group } : {}), addedAt: new Date().toISOString(), addedBy: 'test' }, undefined);
}

/** A small instrument exercising the rules the server must enforce. */
export function checkInInstrument(overrides: Partial<InstrumentFile> = {}): InstrumentVersion {
  return toInstrumentVersion(testInstrumentFile({
    id: 'check-in',
    title: { en: 'Check-in', cy: 'Gwirio i mewn' },
    description: { en: 'A test instrument', cy: 'Offeryn prawf' },
    survey: {
      pages: [
        {
          name: 'first',
          elements: [
            { type: 'rating', name: 'mood', title: { en: 'Mood', cy: 'Hwyliau' }, isRequired: true, rateMin: 1, rateMax: 5 },
            {
              type: 'radiogroup',
              name: 'has_adviser',
              title: { en: 'Do you have a personal adviser?', cy: 'Oes gennych chi gynghorydd personol?' },
              isRequired: true,
              choices: [
                { value: 'yes', text: { en: 'Yes', cy: 'Oes' } },
                { value: 'no', text: { en: 'No', cy: 'Nac oes' } },
                { value: 'prefer_not_to_say', text: { en: 'Prefer not to say', cy: "Mae'n well gen i beidio â dweud" } },
              ],
            },
            {
              type: 'text',
              name: 'adviser_contact_weeks',
              title: { en: 'Weeks since you last heard from them', cy: 'Wythnosau ers i chi glywed ganddyn nhw' },
              inputType: 'number',
              visibleIf: "{has_adviser} = 'yes'",
              isRequired: true,
            },
          ],
        },
        {
          name: 'second',
          elements: [
            {
              type: 'checkbox',
              name: 'services',
              title: { en: 'Which services?', cy: 'Pa wasanaethau?' },
              choices: [
                { value: 'housing', text: { en: 'Housing', cy: 'Tai' } },
                { value: 'health', text: { en: 'Health', cy: 'Iechyd' } },
                { value: 'education', text: { en: 'Education', cy: 'Addysg' } },
              ],
            },
            { type: 'comment', name: 'anything_else', title: { en: 'Anything else?', cy: 'Unrhyw beth arall?' }, maxLength: 500 },
          ],
        },
      ],
    },
    ...overrides,
  }));
}

export type LinkFixture = { token: string; studyId: string; waveId: string; participantCode: string; instrument: InstrumentVersion };

export const CONSENT_VERSION = 'consent-v1';

/**
 * A study with one open wave, one participant and their link. By default the
 * participant has already agreed to take part; pass consent: null to leave
 * the decision to the test.
 */
export async function createLink(
  options: {
    instrument?: InstrumentVersion;
    then?: InstrumentVersion[];
    opensAt?: Date;
    closesAt?: Date;
    consent?: 'agreed' | 'declined' | null;
    teamEmail?: string;
    /** The study's neutral name for participants' phones. */
    publicTitle?: LocalisedText;
    /** The wave's name for participants. */
    wavePublicName?: LocalisedText;
  } = {},
): Promise<LinkFixture> {
  const instrument = options.instrument ?? checkInInstrument();
  /** Instruments the wave runs after the first, in order. */
  const then = options.then ?? [];
  const now = Date.now();
  const studyId = `study-${randomUUID().slice(0, 8)}`;
  const waveId = 'baseline';
  const participantCode = 'P-001';
  const createdAt = new Date().toISOString();
  for (const published of [instrument, ...then]) await publishInstrumentVersion(published, createdAt);
  await createStudy({
    studyId,
    title: { en: 'Test study', cy: 'Astudiaeth brawf' },
    supportContacts: [{ name: { en: 'Helpline', cy: 'Llinell gymorth' }, description: { en: 'Help', cy: 'Help' }, phone: '0800 000 000' }],
    ...(options.teamEmail ? { teamEmail: options.teamEmail } : {}),
    ...(options.publicTitle ? { publicTitle: options.publicTitle } : {}),
    createdAt,
  });
  await createConsentText({ studyId, version: CONSENT_VERSION, text: { en: 'Do you agree?', cy: "Ydych chi'n cytuno?" }, createdAt });
  await createWave({
    studyId,
    waveId,
    ordinal: 0,
    name: { en: 'Baseline', cy: 'Llinell sylfaen' },
    ...(options.wavePublicName ? { publicName: options.wavePublicName } : {}),
    window: {
      kind: 'fixed',
      opensAt: (options.opensAt ?? new Date(now - 3600_000)).toISOString(),
      closesAt: (options.closesAt ?? new Date(now + 3600_000)).toISOString(),
    },
    instruments: [instrument, ...then].map(({ id, version }) => ({ id, version })),
    consentVersion: CONSENT_VERSION,
  });
  await createParticipant({ studyId, participantCode, createdAt });
  const token = await issueLink({ studyId, participantCode, waveId }, { reissue: false, now: new Date() });
  const consent = options.consent === undefined ? 'agreed' : options.consent;
  if (consent) {
    await recordConsent({ studyId, participantCode, waveId, consentVersion: CONSENT_VERSION, decision: consent, language: 'en', decidedAt: createdAt });
  }
  return { token, studyId, waveId, participantCode, instrument };
}
