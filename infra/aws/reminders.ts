/**
 * Reminders: a daily EventBridge Scheduler schedule invoking one function that
 * sends every wave's due reminder emails (functions/scheduled/send-reminders.ts,
 * the same operation as the researchers' "send due reminders" route).
 *
 * Failures are kept, not lost: the schedule's dead-letter queue receives
 * invocations the Scheduler could not deliver, and the function's own
 * dead-letter queue (the same queue) receives runs that failed after Lambda's
 * retries (the function fails when any email could not be sent). A failed
 * step is sent again by the next run either way; the queue is for operators.
 */
import path from 'node:path';
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pontFunction, repoRoot } from './lambda.js';
import { grantSendEmail, mailEnvironment, type MailSettings } from './mail.js';
import { acknowledge, invoke, keyUse, lambdaFunction, tableIndexes } from './nag.js';

export type PontRemindersProps = {
  table: ITable;
  /** Reminders read participants' email addresses: read access to the identity table only. */
  identityTable: ITable;
  /** Unset: the function runs and sends nothing (the stack has no sender identity yet). */
  mail?: MailSettings;
  /** Encrypts the dead-letter queue and the function's logs. */
  key: IKey;
};

export class PontReminders extends Construct {
  readonly function: NodejsFunction;
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: PontRemindersProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.function = pontFunction(this, 'SendDueReminders', {
      description: 'Daily: send every wave\'s due reminder emails',
      entry: path.join(repoRoot, 'functions', 'scheduled', 'send-reminders.ts'),
      memorySize: 512,
      // Thousands of participants at SES's default 14 emails a second fit well inside this.
      timeout: Duration.minutes(10),
      key: props.key,
      environment: {
        TABLE_NAME: props.table.tableName,
        IDENTITY_TABLE_NAME: props.identityTable.tableName,
        ...(props.mail ? mailEnvironment(props.mail) : {}),
      },
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      // No reserved concurrency (a reservation fails the first deploy on an
      // account whose quota is 10): runs never overlap because each takes a
      // lease item first (functions/storage/run-locks.ts).
    });
    // Lambda sends failed runs to the queue as the function's role, which CDK
    // grants sqs:SendMessage only: the queue's key is granted here.
    this.deadLetterQueue.grantSendMessages(this.function);
    // Reissues the reminded links and writes audit entries.
    props.table.grantReadWriteData(this.function);
    props.identityTable.grantReadData(this.function);
    if (props.mail) grantSendEmail(this.function, props.mail);
    acknowledge(this.function, [...lambdaFunction, tableIndexes(props.table), ...keyUse]);

    // The schedule's own role, so that it can also be granted the queue's key
    // (the target grants only sqs:SendMessage for its dead-letter queue).
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': Stack.of(this).account } }),
    });
    this.deadLetterQueue.grantSendMessages(schedulerRole);

    this.schedule = new Schedule(this, 'Daily', {
      description: 'Send due reminder emails',
      // 10:00 UK time: a reminder arrives in the morning, not at night.
      schedule: ScheduleExpression.cron({ hour: '10', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
      target: new LambdaInvoke(this.function, {
        role: schedulerRole,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
    acknowledge(schedulerRole, [invoke(this.function), ...keyUse]);
  }
}
