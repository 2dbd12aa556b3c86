/**
 * What data upgrades (functions/upgrades/) keep and write: the record of each
 * upgrade that has run (`UPGRADE` / `<id>`), and the few writes that only an
 * upgrade makes. The runner and the upgrades themselves go through this
 * module, never through the SDK.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { auditPut, type AuditNote } from './audit.js';
import { db, isConditionalCheckFailed, queryAll, tableName } from './client.js';
import { keys } from './keys.js';
import { memberItem, studyOwnersItem, type StoredMember } from './members.js';

/** Every upgrade record lives in one partition: a handful of small items, written once per upgrade. */
const UPGRADES_PARTITION = 'UPGRADE';
const upgradeRecordKey = (id: string) => ({ PK: UPGRADES_PARTITION, SK: id });

/** What an upgrade reports, and what its record keeps. */
export type UpgradeSummary = {
  /** What it did, in one plain line. */
  did: string;
  /** One plain line per thing people must now do (npm start prints them; the deploy step logs them). */
  notices: string[];
  /** Counts and ids (never personal data), for whoever reads the record later. */
  details?: Record<string, number | string | string[]>;
};

export type UpgradeRecord = { id: string; at: string; summary: UpgradeSummary };

/** The upgrades recorded as done (a consistent read: a runner must see a record written just before). */
export async function listUpgradeRecords(): Promise<UpgradeRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': UPGRADES_PARTITION },
    ConsistentRead: true,
  });
  return items.map(toRecord);
}

/**
 * Records that an upgrade ran, once: `attribute_not_exists(PK)`. When another
 * runner recorded it first (two starts or deploys at once both ran it, which
 * is safe because every upgrade is idempotent), nothing is written and the
 * record that won is handed back (`ReturnValuesOnConditionCheckFailure`),
 * without a second read.
 */
export async function recordUpgrade(record: UpgradeRecord): Promise<{ recorded: true } | { recorded: false; existing: UpgradeRecord }> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...upgradeRecordKey(record.id), type: 'upgrade', ...record },
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { recorded: true };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // The failed condition returns the stored item as raw attribute values.
    const stored = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
    return { recorded: false, existing: stored ? toRecord(unmarshall(stored)) : record };
  }
}

/**
 * Every study's id and creation time, following pagination (an upgrade must
 * not miss the studies beyond the first 1 MB page of the `STUDIES` listing).
 */
export async function listEveryStudy(): Promise<Array<{ studyId: string; createdAt: string | undefined }>> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :studies',
    ExpressionAttributeValues: { ':studies': keys.studyListing('').GSI1PK },
    ProjectionExpression: 'studyId, createdAt',
  });
  return items.map((item) => ({ studyId: String(item.studyId), createdAt: typeof item.createdAt === 'string' ? item.createdAt : undefined }));
}

/**
 * Gives a study that had no members its first owners, the owner count and,
 * when asked, an audit entry, in one transaction. Each member and the count
 * are written on `attribute_not_exists(PK)`: if anyone gave the study an
 * owner meanwhile (another runner, or an admin adding themselves through the
 * members route, which creates the count), the whole transaction is
 * cancelled and nothing is counted twice. Returns false when cancelled so;
 * the caller reads the members again to tell why.
 *
 * The audit entry is written in the same transaction, so a crash can never
 * leave owners made by the upgrade without the entry that tells them to hand
 * ownership on (a later run would find members and skip the study). It is
 * the item `auditPut` makes (functions/storage/audit.ts).
 */
export async function giveFirstOwners(studyId: string, owners: StoredMember[], audit: Omit<AuditNote, 'scope'> | undefined, at: Date): Promise<boolean> {
  // A transaction holds at most 100 items: the owner count, an audit entry, and the owners.
  if (owners.length === 0 || owners.length > 98) throw new Error(`Study ${studyId}: cannot make ${owners.length} owners in one transaction`);
  const put = (Item: Record<string, unknown>) => ({ Put: { TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(PK)' } });
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          put(studyOwnersItem(studyId, owners.length)),
          ...owners.map((owner) => put(memberItem(owner))),
          ...(audit ? [auditPut({ scope: studyId, ...audit }, at)] : []),
        ],
      }),
    );
    return true;
  } catch (error) {
    // ConditionalCheckFailed (an owner or the count exists) or TransactionConflict (someone writing them now).
    if (error instanceof TransactionCanceledException) return false;
    throw error;
  }
}

function toRecord(item: Record<string, unknown>): UpgradeRecord {
  const { id, at, summary } = item as UpgradeRecord;
  return { id, at, summary };
}
