/**
 * Data at rest under the stage's customer-managed key (issue #8): both tables
 * (from the table definition), the exports bucket, the dead-letter queues,
 * every log group of Pont's functions and the alarm topic; point-in-time
 * recovery with its stated window; and the key grants that delivery to an
 * encrypted dead-letter queue needs.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedRoutes } from '../../functions/routes.js';
import { identityTable, mainTable } from '../../functions/storage/table-definition.js';
import { PITR_DAYS } from '../../infra/aws/storage.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Principal?: Record<string, unknown>; Condition?: unknown };
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe('encryption with the stage\'s customer-managed key', () => {
  let s: ReturnType<typeof synthPontStack>;
  let resources: Record<string, Resource>;
  let keyId: string;
  const keyArn = () => ({ 'Fn::GetAtt': [keyId, 'Arn'] });
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const statementsOfRole = (roleId: string): Statement[] =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const mayUseKey = (roleId: string, action: string) =>
    statementsOfRole(roleId).some((st) => asArray(st.Action).includes(action) && JSON.stringify(st.Resource) === JSON.stringify(keyArn()));

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
    keyId = s.logicalId(s.stack.key.key);
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  it('has one key, rotated every year and kept if the stack is deleted', () => {
    const keys = ofType('AWS::KMS::Key');
    expect(keys.map(([id]) => id)).toEqual([keyId]);
    const [, key] = keys[0]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('RetainExceptOnCreate');
  });

  it('encrypts both tables with it, with point-in-time recovery over the stated window', () => {
    for (const definition of [mainTable, identityTable]) {
      const table = resources[definition.id]!.Properties;
      expect(table.SSESpecification, definition.id).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn() });
      expect(table.PointInTimeRecoverySpecification, definition.id).toEqual({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: PITR_DAYS });
    }
    expect(PITR_DAYS).toBe(35);
  });

  it('encrypts the exports bucket with it (one bucket key, not a KMS call per object)', () => {
    const bucket = resources[s.logicalId(s.stack.exports.bucket)]!.Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn() } },
    ]);
  });

  it('encrypts both dead-letter queues with it, SSL only', () => {
    for (const queue of [s.stack.exports.deadLetters, s.stack.reminders.deadLetterQueue]) {
      const id = s.logicalId(queue);
      expect(resources[id]!.Properties.KmsMasterKeyId, id).toEqual(keyArn());
      const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) => p.Properties.Queues.some((q: { Ref: string }) => q.Ref === id));
      expect(JSON.stringify(policy?.[1].Properties.PolicyDocument), id).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('lets everything that writes to a dead-letter queue use the key', () => {
    const reminderRole = resources[s.logicalId(s.stack.reminders.function)]!.Properties.Role['Fn::GetAtt'][0];
    const schedule = ofType('AWS::Scheduler::Schedule')[0]![1];
    const schedulerRole = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
    const workerRole = resources[s.logicalId(s.stack.exports.worker)]!.Properties.Role['Fn::GetAtt'][0];
    for (const role of [reminderRole, schedulerRole, workerRole]) {
      expect(mayUseKey(role, 'kms:GenerateDataKey*'), role).toBe(true);
      expect(mayUseKey(role, 'kms:Decrypt'), role).toBe(true);
    }
  });

  it('encrypts the log group of every function and of the API with it, kept for a month', () => {
    const functions = [...deployedRoutes.map((r) => s.stack.api.functionFor(r.name)), s.stack.exports.worker, s.stack.reminders.function];
    for (const fn of functions) {
      const logGroupId = resources[s.logicalId(fn)]!.Properties.LoggingConfig.LogGroup.Ref;
      expect(resources[logGroupId]!.Properties, fn.node.id).toMatchObject({ KmsKeyId: keyArn(), RetentionInDays: 30 });
    }
    for (const [id, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.KmsKeyId, id).toEqual(keyArn());
  });

  it('lets CloudWatch Logs use the key for this account\'s log groups only, and CloudWatch alarms publish to the encrypted topic', () => {
    const policy = resources[keyId]!.Properties.KeyPolicy.Statement as Statement[];
    const logs = policy.find((st) => JSON.stringify(st.Principal).includes('logs.eu-west-2.amazonaws.com'))!;
    expect(JSON.stringify(logs.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(JSON.stringify(logs.Condition)).toContain(':log-group:*');
    const alarms = policy.find((st) => JSON.stringify(st.Principal).includes('cloudwatch.amazonaws.com'))!;
    expect(asArray(alarms.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    const [, topic] = ofType('AWS::SNS::Topic')[0]!;
    expect(topic.Properties.KmsMasterKeyId).toEqual(keyArn());
  });

  it('keeps the built web app, which every visitor downloads anyway, under S3\'s own encryption', () => {
    const web = resources[s.logicalId(s.stack.site.bucket)]!.Properties;
    expect(web.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
  });
});
