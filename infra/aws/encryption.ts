/**
 * Encryption: one customer-managed KMS key per stage, with yearly automatic
 * rotation, for everything that holds the platform's data at rest: both
 * DynamoDB tables, the exports bucket, the dead-letter queues, the functions'
 * log groups and the alarm topic.
 *
 * A key of our own rather than AWS-managed keys: its policy says who and what
 * may use it, every use is in CloudTrail, and disabling or (after its waiting
 * period) deleting it makes every copy of the data unreadable, backups
 * included. One key rather than one per resource: the same people operate
 * all of it, and each key costs $1 a month.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export class PontKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      alias: `alias/pont-${props.stage}`,
      description: `Pont (${props.stage}): tables, exports, queues, logs and alarms`,
      enableKeyRotation: true,
      // Deleting the key would make the retained tables unreadable: never with
      // the stack. Only a rolled-back first deploy, which created it, removes it.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      pendingWindow: Duration.days(30),
    });

    // CloudWatch Logs encrypts this stack's log groups with the key; the
    // condition limits it to log groups in this account and region.
    this.key.grantEncryptDecrypt(new ServicePrincipal(`logs.${stack.region}.amazonaws.com`).withConditions({
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    }));
    // CloudWatch alarms publish to the encrypted alarm topic.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  }
}
