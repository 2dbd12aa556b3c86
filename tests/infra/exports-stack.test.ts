/** The export worker and its bucket in the CDK stack (issue #6). */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.js';
import { synthPontStack } from './synth.js';

type Synth = ReturnType<typeof synthPontStack>;
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('dataset exports in AWS', () => {
  let s: Synth;
  beforeAll(() => {
    s = synthPontStack();
  });

  /** Every IAM statement attached to a function's role. */
  const statementsOf = (functionLogicalId: string): Statement[] => {
    const fn = s.template.toJSON().Resources[functionLogicalId];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values(s.template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } }[];
    return policies.filter((p) => p.Properties.Roles.some((r) => r.Ref === roleId)).flatMap((p) => p.Properties.PolicyDocument.Statement);
  };
  const actions = (statements: Statement[]) => statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));

  it('keeps packages in a private, encrypted, SSL-only bucket that forgets them after 7 days', () => {
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7, Status: 'Enabled' })]) },
    });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('builds packages in a worker of its own: 1 GB, 15 minutes, failures to a dead-letter queue', () => {
    const worker = s.logicalId(s.stack.exports.worker);
    const fn = s.template.toJSON().Resources[worker].Properties;
    expect(fn.MemorySize).toBe(1024);
    expect(fn.Timeout).toBe(900);
    expect(fn.Architectures).toEqual(['arm64']);
    expect(Object.keys(fn.Environment.Variables).sort()).toEqual(['EXPORT_BUCKET', 'TABLE_NAME']);
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: worker },
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    expect(actions(statementsOf(worker))).toEqual(expect.arrayContaining(['s3:PutObject', 'dynamodb:Query', 'dynamodb:UpdateItem']));
    expect(actions(statementsOf(worker))).not.toContain('s3:GetObject*');
  });

  it('lets only the export-starting route invoke the worker, and only the download route read the bucket', () => {
    for (const route of routes.filter((r) => !r.embeddedOnly)) {
      const fnId = s.logicalId(s.stack.api.functionFor(route.name));
      const granted = actions(statementsOf(fnId));
      const env = Object.keys(s.template.toJSON().Resources[fnId].Properties.Environment.Variables);
      // Starting a link job invokes the link worker (its own function, granted below in stack.test.ts's terms).
      expect(granted.includes('lambda:InvokeFunction'), route.name).toBe(route.exportAccess === 'start' || route.linkJobs === 'start');
      expect(env.includes('EXPORT_WORKER_FUNCTION'), route.name).toBe(route.exportAccess === 'start');
      expect(granted.some((a) => a.startsWith('s3:GetObject')), route.name).toBe(route.exportAccess === 'download');
      expect(env.includes('EXPORT_BUCKET'), route.name).toBe(route.exportAccess === 'download');
    }
  });
});
