/**
 * Storage: the main table and the identity table, built from the shared definitions in
 * functions/storage/table-definition.ts (the embedded platform builds its
 * tables from the same data). Keys, GSIs and the TTL attribute are never
 * declared here by hand.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, CfnTable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { identityTable, mainTable, type KeyAttribute, type TableDefinition } from '../../functions/storage/table-definition.js';

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/**
 * Point-in-time recovery window, in days (DynamoDB allows 1 to 35). The longest:
 * a mistake noticed at a monthly review can still be undone. The price is
 * that an erased participant stays recoverable from these backups for this
 * long after erasure (docs/privacy-notes.md says so).
 */
export const PITR_DAYS = 35;

export class PontStorage extends Construct {
  /** Answers, links, consents, audit: everything but identities. */
  readonly table: Table;
  /** Contact details only, in separate custody: granted to the routes that manage contacts and no others. */
  readonly identityTable: Table;

  constructor(scope: Construct, id: string, props: { key: IKey }) {
    super(scope, id);
    this.table = tableFrom(this, mainTable, props.key);
    this.identityTable = tableFrom(this, identityTable, props.key);
  }
}

function tableFrom(scope: Construct, definition: TableDefinition, key: IKey): Table {
  const table = new Table(scope, definition.id, {
    partitionKey: attribute(definition.partitionKey),
    sortKey: attribute(definition.sortKey),
    ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: PITR_DAYS },
    deletionProtection: true,
    // Plain Retain, not RetainExceptOnCreate: with deletion protection on, the
    // rollback of a failed first deploy could not delete the table anyway and
    // would end in ROLLBACK_FAILED (docs/aws.md, "A failed first deploy").
    removalPolicy: RemovalPolicy.RETAIN,
    // The stage's customer-managed key (encryption.ts); table grants
    // (grantReadData…) include the key, so functions need nothing more.
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
  });

  for (const gsi of definition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: gsi.indexName,
      partitionKey: attribute(gsi.partitionKey),
      sortKey: attribute(gsi.sortKey),
    });
  }

  // Pin the logical id to the definition's id so that moving or renaming
  // constructs can never make CloudFormation replace the table (which, with
  // RETAIN, would orphan the old table and start an empty one).
  (table.node.defaultChild as CfnTable).overrideLogicalId(definition.id);
  return table;
}
