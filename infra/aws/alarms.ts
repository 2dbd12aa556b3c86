/**
 * Alarms: CloudWatch alarms on what needs a person, all sent to one SNS topic
 * (encrypted with the stage's key; `-c alarmEmail=…` subscribes an address).
 *
 *  - each function's errors (one alarm per function: its name says which route broke);
 *  - Lambda throttles, account-wide: no function reserves concurrency (the
 *    API stage limits each route instead), so all throttle only at the
 *    account's limit, which they share;
 *  - each table's system errors (the operations Pont uses) and throttled requests
 *    (its read and write throttle events);
 *  - messages waiting in a dead-letter queue (a failed export or reminder run);
 *  - 5xx answers from the HTTP API.
 *
 * Every alarm fires on the first occurrence in a 5-minute period: at Pont's
 * scale any of these is worth a look. Missing data (no traffic) is fine.
 * Each alarm metric costs about $0.10 a month (docs/aws.md counts them).
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The DynamoDB operations Pont's storage modules call (functions/storage/*.ts). */
export const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

const PERIOD = Duration.minutes(5);

export type PontAlarmsProps = {
  key: IKey;
  /** Every function, by a readable name (route name, ExportWorker, …). */
  functions: ReadonlyMap<string, LambdaFunction>;
  tables: readonly Table[];
  deadLetterQueues: ReadonlyMap<string, IQueue>;
  httpApi: HttpApi;
  /** Subscribed to the topic (the address must confirm the subscription). */
  email?: string;
};

export class PontAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: PontAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Pont alarms', masterKey: props.key, enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));

    for (const [name, fn] of props.functions) {
      this.alarm(`${name}Errors`, fn.metricErrors({ period: PERIOD }), `${name}: the function failed`);
    }
    this.alarm(
      'LambdaThrottles',
      new Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period: PERIOD }),
      'Lambda throttled invocations in this account and region: the concurrency limit was reached',
    );

    for (const table of props.tables) {
      const name = table.node.id;
      this.alarm(`${name}SystemErrors`, table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: PERIOD }), `${name}: DynamoDB system errors`);
      // Throttle events over the whole table (every operation, index writes
      // included): two metrics, where per-operation ThrottledRequests would be eight.
      const throttled = new MathExpression({
        expression: 'reads + writes',
        usingMetrics: { reads: table.metric('ReadThrottleEvents', { statistic: 'Sum' }), writes: table.metric('WriteThrottleEvents', { statistic: 'Sum' }) },
        period: PERIOD,
      });
      this.alarm(`${name}Throttles`, throttled, `${name}: DynamoDB throttled reads or writes`);
    }

    for (const [name, queue] of props.deadLetterQueues) {
      this.alarm(`${name}Waiting`, queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }), `${name}: failed work is waiting in the dead-letter queue`);
    }

    this.alarm('Api5xx', props.httpApi.metricServerError({ period: PERIOD }), 'HTTP API answered with 5xx');
  }

  private alarm(id: string, metric: IMetric, description: string): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
