/** Published instrument versions: immutable once stored, each with its entry in the instrument library. */
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { InstrumentVersion } from '../domain/instrument.js';
import { compareVersions, libraryFactsOf, SHIPPED_BY, type LibraryFacts } from '../domain/instrument-library.js';
import { writeAudited, type AuditNote } from './audit.js';
import { db, isConditionalCheckFailed, queryAll, tableName } from './client.js';
import { keys } from './keys.js';

export class InstrumentVersionConflict extends Error {
  constructor(readonly instrumentId: string, readonly version: string) {
    super(`${instrumentId}@${version} is already published with different content; publish a new version instead`);
    this.name = 'InstrumentVersionConflict';
  }
}

/**
 * Publishes a version exactly once. The write is conditional on the key not
 * existing, so two concurrent publishes cannot both win; a failed condition
 * returns the stored item, and identical content makes the call a no-op. The
 * library entry is written in the same transaction: a version is listed
 * exactly when it is published.
 *
 * The audit note's actor is who published it; without a note, the caller is a
 * tool publishing what Pont ships (the embedded platform's first start, tests).
 */
export async function publishInstrumentVersion(instrument: InstrumentVersion, publishedAt: string, audit?: AuditNote): Promise<'published' | 'unchanged'> {
  const publishedBy = audit?.actor ?? SHIPPED_BY;
  try {
    await writeAudited(
      [
        {
          Put: {
            TableName: tableName(),
            Item: {
              ...keys.instrumentVersion(instrument.id, instrument.version),
              type: 'instrumentVersion',
              instrumentId: instrument.id,
              version: instrument.version,
              contentHash: instrument.contentHash,
              // Stored as text: SurveyJS JSON is arbitrary and must round-trip byte for byte.
              instrumentJson: JSON.stringify(instrument),
              publishedAt,
              publishedBy,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        libraryEntryPut(instrument, publishedAt, publishedBy),
      ],
      audit,
      new Date(publishedAt),
    );
    return 'published';
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = (error as { Item?: Record<string, { S?: string }> }).Item;
    if (existing?.contentHash?.S === instrument.contentHash) return 'unchanged';
    throw new InstrumentVersionConflict(instrument.id, instrument.version);
  }
}

/**
 * Published versions never change (see publishInstrumentVersion), so a
 * container keeps each one it has read: opening a link and saving answers then
 * skip a DynamoDB read and a JSON parse of the whole instrument.
 */
const publishedVersions = new Map<string, InstrumentVersion>();

export async function getInstrumentVersion(instrumentId: string, version: string): Promise<InstrumentVersion | undefined> {
  const cacheKey = `${tableName()}|${instrumentId}@${version}`;
  const cached = publishedVersions.get(cacheKey);
  if (cached) return cached;
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.instrumentVersion(instrumentId, version) }),
  );
  if (!Item) return undefined;
  const instrument = JSON.parse(Item.instrumentJson as string) as InstrumentVersion;
  publishedVersions.set(cacheKey, instrument);
  return instrument;
}

/** Every published version of an instrument (one partition: a handful of items), oldest first by version string. */
export async function listInstrumentVersions(instrumentId: string): Promise<InstrumentVersion[]> {
  const { PK } = keys.instrumentVersion(instrumentId, '');
  const versions: InstrumentVersion[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :version)',
        ExpressionAttributeValues: { ':pk': PK, ':version': 'V#' },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) versions.push(JSON.parse(item.instrumentJson as string) as InstrumentVersion);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return versions;
}

export type LibraryEntry = LibraryFacts & {
  publishedAt: string;
  /** An account's subject id, SHIPPED_BY, or null: published before the library existed. */
  publishedBy: string | null;
};

function libraryEntryPut(instrument: InstrumentVersion, publishedAt: string, publishedBy: string | null, onlyIfMissing = false) {
  const entry: LibraryEntry = { ...libraryFactsOf(instrument), publishedAt, publishedBy };
  return {
    Put: {
      TableName: tableName(),
      Item: { ...keys.instrumentLibraryEntry(instrument.id, instrument.version), type: 'instrumentLibraryEntry', ...entry },
      ...(onlyIfMissing ? { ConditionExpression: 'attribute_not_exists(PK)' } : {}),
    },
  };
}

/** Every published version's library entry, by instrument id and then version (one small item each). */
export async function listInstrumentLibrary(): Promise<LibraryEntry[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.instrumentLibraryEntry('', '').PK },
  });
  const entries = items.map(({ PK: _pk, SK: _sk, type: _type, ...entry }) => entry as LibraryEntry);
  return entries.sort((a, b) => a.instrumentId.localeCompare(b.instrumentId) || compareVersions(a.version, b.version));
}

/**
 * Lists a version published before the library existed (upgrade 0003). Who
 * published it was not kept with the version; the audit log says, under
 * `instrument.published`. Conditional: an entry written since is left alone.
 */
export async function addMissingLibraryEntry(instrument: InstrumentVersion, publishedAt: string, publishedBy: string | null): Promise<boolean> {
  try {
    await db().send(new PutCommand(libraryEntryPut(instrument, publishedAt, publishedBy, true).Put));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Every published version with when it was published, read by a scan of the
 * whole table (instrument versions have no listing of their own before the
 * library): for upgrade 0003 only, which runs once per table.
 */
export async function scanPublishedVersions(): Promise<Array<{ instrument: InstrumentVersion; publishedAt: string }>> {
  const found: Array<{ instrument: InstrumentVersion; publishedAt: string }> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: '#type = :version',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':version': 'instrumentVersion' },
        ProjectionExpression: 'instrumentJson, publishedAt',
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      found.push({ instrument: JSON.parse(item.instrumentJson as string) as InstrumentVersion, publishedAt: String(item.publishedAt) });
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return found;
}
