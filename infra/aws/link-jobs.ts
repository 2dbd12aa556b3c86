/**
 * Link jobs (issue #24): the worker that issues a wave's links in the
 * background, invoked asynchronously by the CreateLinkJob route. It writes
 * links and the sealed sheet to the main table, the sheet's key to the
 * identity table (where it also reads email addresses), and sends invitations
 * when the job asks for email.
 *
 * No retries: a retried job would find itself claimed and stop, and a job
 * that stops part-way says so to the person who asked (storage/link-jobs.ts);
 * failed invocations go to a dead-letter queue for operators.
 */
import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { Validations } from 'aws-cdk-lib';
import { pontFunction, repoRoot } from './lambda.js';
import { grantSendEmail, mailEnvironment, type MailSettings } from './mail.js';
import { acknowledge, keyUse, lambdaFunction, tableIndexes } from './nag.js';

export type PontLinkJobsProps = {
  table: ITable;
  identityTable: ITable;
  mail?: MailSettings;
  key: IKey;
};

export class PontLinkJobs extends Construct {
  readonly worker: NodejsFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: PontLinkJobsProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'FailedLinkJobs', { encryption: QueueEncryption.KMS, encryptionMasterKey: props.key, enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.worker = pontFunction(this, 'Worker', {
      description: 'Issues a wave\'s personal links in the background',
      entry: path.join(repoRoot, 'functions', 'workers', 'link-worker.ts'),
      memorySize: 512,
      // 10,000 links at 8 at a time take well under a minute on DynamoDB; emails at SES's default 14 a second about 12 minutes.
      timeout: Duration.minutes(15),
      retryAttempts: 0,
      onFailure: new SqsDestination(this.deadLetters),
      key: props.key,
      environment: {
        TABLE_NAME: props.table.tableName,
        IDENTITY_TABLE_NAME: props.identityTable.tableName,
        ...(props.mail ? mailEnvironment(props.mail) : {}),
      },
    });
    props.table.grantReadWriteData(this.worker);
    props.identityTable.grantReadWriteData(this.worker);
    if (props.mail) grantSendEmail(this.worker, props.mail);
    acknowledge(this.worker, [...lambdaFunction, tableIndexes(props.table), ...keyUse]);
    Validations.of(this.deadLetters as IConstruct).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself a dead-letter queue: the worker's on-failure destination (cdk-nag recognises only redrive policies and Lambda DeadLetterConfig).",
    });
  }
}
