/** Studies and their waves. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalisedText } from '../contracts/common.js';
import type { DisclosureControl, ParticipantAttribute } from '../contracts/studies.js';
import type { WaveWindow } from '../domain/wave-window.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { itemCache } from './item-cache.js';
import { auditPut, writeAudited, type AuditNote } from './audit.js';
import { keys, prefixes } from './keys.js';
import { memberItem, studyOwnersItem, type StoredMember } from './members.js';

export type SupportContact = { name: LocalisedText; description: LocalisedText; phone?: string; url?: string; hours?: LocalisedText };

export type Study = {
  studyId: string;
  title: LocalisedText;
  /** The neutral name participants' phones show instead of the title. */
  publicTitle?: LocalisedText;
  supportContacts: SupportContact[];
  /** Participant attributes the study declares; nothing else is kept about a participant but their code. */
  attributes?: ParticipantAttribute[];
  /**
   * Set only by the synthetic cohort generator (npm run pont -- demo-cohort), never
   * through the API: exports mark every file of such a study as synthetic data.
   */
  synthetic?: boolean;
  /** Questions whose answers are quasi-identifiers (e.g. a context questionnaire's gender), protected by k-anonymity in exports with the attributes marked as such. */
  quasiIdentifierItems?: string[];
  /** The declared attribute whose values are the study's data access groups (e.g. local_authority), if it has groups. */
  groupBy?: string;
  /** Where messages for the study's team go; the platform's address (STUDY_TEAM_EMAIL) when absent. */
  teamEmail?: string;
  /** Generalisation hierarchies and priorities of its quasi-identifiers, for exports' small-cell protection (defaults where absent). */
  disclosureControl?: DisclosureControl;
  createdAt: string;
};

/** A version of a study's consent text; a wave asks for one version, and a new text means a new version. */
export type ConsentText = { studyId: string; version: string; text: LocalisedText; createdAt: string };

export type InstrumentPin = { id: string; version: string };

export type Wave = {
  studyId: string;
  waveId: string;
  /** 0 for baseline, 1 for the first follow-up, … */
  ordinal: number;
  name: LocalisedText;
  /** What participants see for the wave; nothing when absent. */
  publicName?: LocalisedText;
  window: WaveWindow;
  instruments: InstrumentPin[];
  /** Registration references recorded for instruments whose owners require registration. */
  registrations?: Record<string, string>;
  /** The consent text version asked for in this wave. */
  consentVersion: string;
  /** Reminder emails, in days after each participant's invitation email. */
  reminders?: { afterDays: number[] };
};

/** The stored item of a study, listed under GSI1 `STUDIES`. */
export function studyItem(study: Study) {
  return { ...keys.study(study.studyId), ...keys.studyListing(study.studyId), type: 'study', ...study };
}

/** The stored item of a consent text version. */
export function consentTextItem(consent: ConsentText) {
  return { ...keys.consentText(consent.studyId, consent.version), type: 'consentText', ...consent };
}

export async function createStudy(study: Study): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: studyItem(study),
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export class AlreadyExists extends Error {
  constructor(what: string) {
    super(`${what} already exists`);
    this.name = 'AlreadyExists';
  }
}

/**
 * A new study, its first consent text and its first owner, together or not at
 * all. Only tools that write studies straight to the table (the synthetic
 * cohort, the bench) may leave out the owner, when no account exists to name:
 * an admin then adds themselves on the members page.
 */
export async function createStudyWithConsent(study: Study, consent: ConsentText, owner: StoredMember | undefined, audit?: AuditNote): Promise<void> {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: studyItem(study),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: consentTextItem(consent),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          ...(owner
            ? [
                { Put: { TableName: tableName(), Item: memberItem(owner), ConditionExpression: 'attribute_not_exists(PK)' } },
                { Put: { TableName: tableName(), Item: studyOwnersItem(study.studyId, 1), ConditionExpression: 'attribute_not_exists(PK)' } },
              ]
            : []),
          ...(audit ? [auditPut(audit)] : []),
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) throw new AlreadyExists(`Study ${study.studyId}`);
    throw error;
  }
}

export async function getStudy(studyId: string): Promise<Study | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.study(studyId) }));
  return Item ? toStudy(Item) : undefined;
}

/** The values of a study's grouping attribute: its data access groups (none when it has no grouping). */
export function studyGroups(study: Study): string[] {
  if (!study.groupBy) return [];
  return study.attributes?.find((a) => a.id === study.groupBy)?.values.map((v) => v.value) ?? [];
}

export async function getStudies(studyIds: readonly string[]): Promise<Study[]> {
  return (await Promise.all(studyIds.map((id) => getStudy(id)))).filter((s): s is Study => !!s);
}

export async function listStudies(): Promise<Study[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :studies',
      ExpressionAttributeValues: { ':studies': 'STUDIES' },
    }),
  );
  return Items.map(toStudy);
}

export async function createWave(wave: Wave, audit?: AuditNote): Promise<void> {
  try {
    await writeAudited(
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.wave(wave.studyId, wave.waveId), type: 'wave', ...wave },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      audit,
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw new AlreadyExists(`Wave ${wave.waveId}`);
    throw error;
  }
}

export async function getWave(studyId: string, waveId: string): Promise<Wave | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.wave(studyId, waveId) }));
  return Item ? toWave(Item) : undefined;
}

/**
 * A study and a wave are written once (createStudy, createStudyWithConsent,
 * createWave: all `attribute_not_exists`) and nothing updates them, so every
 * personal-link request can take them from the container's cache instead of
 * reading them again: two GetItems fewer per respondent request. The TTL only
 * bounds how stale a container could be if that ever changed.
 */
const STUDY_CONFIG_TTL_MS = 30_000;
const studies = itemCache<Study>({ ttlMs: STUDY_CONFIG_TTL_MS, maxEntries: 1_000 });
const waves = itemCache<Wave>({ ttlMs: STUDY_CONFIG_TTL_MS, maxEntries: 1_000 });

/** getStudy, from the container's cache when read in the last 30 s. */
export function getStudyCached(studyId: string): Promise<Study | undefined> {
  return studies.get(studyId, () => getStudy(studyId));
}

/** getWave, from the container's cache when read in the last 30 s. */
export function getWaveCached(studyId: string, waveId: string): Promise<Wave | undefined> {
  return waves.get(JSON.stringify([studyId, waveId]), () => getWave(studyId, waveId));
}

export async function listWaves(studyId: string): Promise<Wave[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :wave)',
      ExpressionAttributeValues: { ':pk': keys.study(studyId).PK, ':wave': prefixes.wave },
    }),
  );
  return Items.map(toWave).sort((a, b) => a.ordinal - b.ordinal);
}

/** Consent texts are immutable: a changed text is a new version. */
export async function createConsentText(consent: ConsentText): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: consentTextItem(consent),
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

const consentTexts = itemCache<ConsentText>({ ttlMs: 15 * 60_000, maxEntries: 1_000 });

/**
 * getConsentText, from the container's cache when read in the last 15 minutes:
 * a version's text never changes (createConsentText), and every link opened
 * shows it, so this is one GetItem fewer per page load.
 */
export function getConsentTextCached(studyId: string, version: string): Promise<ConsentText | undefined> {
  return consentTexts.get(JSON.stringify([studyId, version]), () => getConsentText(studyId, version));
}

export async function getConsentText(studyId: string, version: string): Promise<ConsentText | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.consentText(studyId, version) }));
  if (!Item) return undefined;
  const { text, createdAt } = Item as ConsentText;
  return { studyId, version, text, createdAt };
}

function toStudy(item: Record<string, unknown>): Study {
  const { studyId, title, publicTitle, supportContacts = [], attributes = [], synthetic, quasiIdentifierItems, groupBy, teamEmail, disclosureControl, createdAt } = item as Study;
  return {
    studyId,
    title,
    ...(publicTitle ? { publicTitle } : {}),
    supportContacts,
    attributes,
    ...(synthetic ? { synthetic } : {}),
    ...(quasiIdentifierItems?.length ? { quasiIdentifierItems } : {}),
    ...(groupBy ? { groupBy } : {}),
    ...(teamEmail ? { teamEmail } : {}),
    ...(disclosureControl && Object.keys(disclosureControl).length > 0 ? { disclosureControl } : {}),
    createdAt,
  };
}

function toWave(item: Record<string, unknown>): Wave {
  const { studyId, waveId, ordinal, name, publicName, window, instruments, consentVersion, registrations, reminders } = item as Wave;
  return {
    studyId,
    waveId,
    ordinal,
    name,
    ...(publicName ? { publicName } : {}),
    window,
    instruments,
    consentVersion,
    ...(registrations ? { registrations } : {}),
    ...(reminders ? { reminders } : {}),
  };
}
