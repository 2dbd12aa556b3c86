/**
 * Storage: the main table and the identity table, built from the shared definitions in
 * functions/storage/table-definition.ts (the embedded platform builds its
 * tables from the same data). Keys, GSIs and the TTL attribute are never
 * declared here by hand.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, CfnTable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { identityTable, mainTable, type KeyAttribute, type TableDefinition } from '../../functions/storage/table-definition.js';

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

export class PontStorage extends Construct {
  /** Answers, links, consents, audit: everything but identities. */
  readonly table: Table;
  /** Contact details only, in separate custody: granted to the routes that manage contacts and no others. */
  readonly identityTable: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = tableFrom(this, mainTable);
    this.identityTable = tableFrom(this, identityTable);
  }
}

function tableFrom(scope: Construct, definition: TableDefinition): Table {
  const table = new Table(scope, definition.id, {
    partitionKey: attribute(definition.partitionKey),
    sortKey: attribute(definition.sortKey),
    ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    // AWS-managed key (aws/dynamodb): key use is visible in CloudTrail.
    // A customer-managed KMS key (key policy, rotation, crypto-shredding on
    // study close) is a later issue; switching to one is TableEncryption.CUSTOMER_MANAGED
    // plus `encryptionKey`, and the grants then cover the key too.
    encryption: TableEncryption.AWS_MANAGED,
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
