/**
 * Storage: the single DynamoDB table, built from the shared definition in
 * functions/storage/table-definition.ts (the embedded platform builds its
 * table from the same data). Keys, GSIs and the TTL attribute are never
 * declared here by hand.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, CfnTable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { mainTable, type KeyAttribute } from '../../functions/storage/table-definition.js';

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

export class PontStorage extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new Table(this, mainTable.id, {
      partitionKey: attribute(mainTable.partitionKey),
      sortKey: attribute(mainTable.sortKey),
      timeToLiveAttribute: mainTable.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // AWS-managed key (aws/dynamodb): key use is visible in CloudTrail.
      // A customer-managed KMS key (key policy, rotation, crypto-shredding on
      // study close) is a later issue; switching to one is TableEncryption.CUSTOMER_MANAGED
      // plus `encryptionKey`, and the grants below then cover the key too.
      encryption: TableEncryption.AWS_MANAGED,
    });

    for (const gsi of mainTable.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: attribute(gsi.partitionKey),
        sortKey: attribute(gsi.sortKey),
      });
    }

    // Pin the logical id to the definition's id so that moving or renaming
    // constructs can never make CloudFormation replace the table (which, with
    // RETAIN, would orphan the old table and start an empty one).
    (this.table.node.defaultChild as CfnTable).overrideLogicalId(mainTable.id);
  }
}
