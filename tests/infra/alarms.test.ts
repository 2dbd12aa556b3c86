/**
 * CloudWatch alarms (issue #8): every function's errors (derived from the
 * route table plus the workers), Lambda throttles, each table's system errors
 * and throttles, the dead-letter queues, API 5xx; all to one SNS topic.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedRoutes } from '../../functions/routes.js';
import { identityTable, mainTable } from '../../functions/storage/table-definition.js';
import { TABLE_OPERATIONS } from '../../infra/aws/alarms.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any> };
type Alarm = Record<string, any>;

describe('alarms', () => {
  let s: ReturnType<typeof synthPontStack>;
  let resources: Record<string, Resource>;
  let alarms: Alarm[];
  let topicId: string;
  const dimension = (alarm: Alarm, name: string) => alarm.Dimensions?.find((d: { Name: string }) => d.Name === name)?.Value;
  const simple = (namespace: string, metric: string) => alarms.filter((a) => a.Namespace === namespace && a.MetricName === metric);
  /** Metric-math alarms: the metrics in the expression. */
  const mathMetrics = (alarm: Alarm) => (alarm.Metrics ?? []).filter((m: Alarm) => m.MetricStat).map((m: Alarm) => m.MetricStat.Metric);

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
    alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties);
    topicId = s.logicalId(s.stack.alarms.topic);
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  it('sends every alarm to the one topic, firing on the first occurrence in 5 minutes and quiet without traffic', () => {
    expect(alarms.length).toBeGreaterThan(deployedRoutes.length);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, alarm.AlarmDescription).toEqual([{ Ref: topicId }]);
      expect(alarm).toMatchObject({ Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    }
  });

  it('watches the errors of every route\'s function, both workers and the sign-in audit trigger', () => {
    const watched = simple('AWS/Lambda', 'Errors').map((a) => dimension(a, 'FunctionName')?.Ref);
    const expected = [...deployedRoutes.map((r) => s.logicalId(s.stack.api.functionFor(r.name))), s.logicalId(s.stack.exports.worker), s.logicalId(s.stack.reminders.function), s.logicalId(s.stack.auth.signInAudit)];
    expect(watched.sort()).toEqual(expected.sort());
  });

  it('watches Lambda throttles account-wide, where every function throttles (none reserves concurrency)', () => {
    const throttles = simple('AWS/Lambda', 'Throttles');
    expect(throttles.filter((a) => !a.Dimensions)).toHaveLength(1);
    expect(throttles.filter((a) => a.Dimensions)).toEqual([]);
  });

  it('watches each table\'s system errors on the operations Pont uses, and its throttled reads and writes', () => {
    for (const table of [mainTable.id, identityTable.id]) {
      const onTable = alarms.filter((a) => mathMetrics(a).some((m: Alarm) => JSON.stringify(m.Dimensions).includes(`"${table}"`)));
      const systemErrors = onTable.find((a) => mathMetrics(a)[0].MetricName === 'SystemErrors')!;
      expect(mathMetrics(systemErrors).map((m: Alarm) => m.Dimensions.find((d: Alarm) => d.Name === 'Operation').Value).sort(), table).toEqual([...TABLE_OPERATIONS].sort());
      const throttled = onTable.find((a) => mathMetrics(a)[0].MetricName !== 'SystemErrors')!;
      expect(mathMetrics(throttled).map((m: Alarm) => m.MetricName).sort(), table).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    }
  });

  it('watches both dead-letter queues and the API\'s 5xx answers', () => {
    const queues = simple('AWS/SQS', 'ApproximateNumberOfMessagesVisible').map((a) => dimension(a, 'QueueName')['Fn::GetAtt'][0]);
    expect(queues.sort()).toEqual([s.logicalId(s.stack.exports.deadLetters), s.logicalId(s.stack.reminders.deadLetterQueue)].sort());
    expect(simple('AWS/ApiGateway', '5xx').map((a) => dimension(a, 'ApiId'))).toEqual([{ Ref: s.logicalId(s.stack.api.httpApi) }]);
  });

  it('has an SSL-only topic and no subscription unless an address is given', () => {
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Subscription')).toEqual([]);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy')!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('subscribes the address given as alarmEmail', () => {
    const withEmail = synthPontStack({ context: { alarmEmail: 'ops@example.gov.wales' } });
    try {
      withEmail.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.gov.wales', TopicArn: { Ref: topicId } });
    } finally {
      rmSync(withEmail.outdir, { recursive: true, force: true });
    }
  });
});
