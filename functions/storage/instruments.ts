/** Published instrument versions: immutable once stored. */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { InstrumentVersion } from '../domain/instrument.js';
import { writeAudited, type AuditNote } from './audit.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
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
 * returns the stored item, and identical content makes the call a no-op.
 */
export async function publishInstrumentVersion(instrument: InstrumentVersion, publishedAt: string, audit?: AuditNote): Promise<'published' | 'unchanged'> {
  try {
    await writeAudited(
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
          },
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
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
