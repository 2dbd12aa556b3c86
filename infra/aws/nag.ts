/**
 * cdk-nag (AWS Solutions pack) acknowledgements that recur: the findings that
 * CDK's own grant methods and constructs produce. Each finding is acknowledged
 * on the construct it belongs to, by its exact id, with its reason; findings
 * that are one resource's own decision are acknowledged next to that
 * resource instead (site.ts, exports.ts, auth.ts, api.ts).
 *
 * cdk-nag 3 uses CDK's own Validations: `Validations.of(construct).acknowledge({ id, reason })`
 * covers the construct and its children (a function's role and policy), and a
 * wildcard finding is acknowledged one finding at a time, as
 * `AwsSolutions-IAM5[Action::…]` or `[Resource::…]`.
 */
import { DefaultStackSynthesizer, Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

export type Finding = { id: string; reason: string };

export function acknowledge(scope: IConstruct, findings: readonly Finding[]): void {
  const seen = new Set<string>();
  for (const finding of findings) {
    if (seen.has(finding.id)) continue;
    seen.add(finding.id);
    Validations.of(scope).acknowledge(finding);
  }
}

/** How cdk-nag names a resource's ARN in a finding: <LogicalId.Arn>. */
const arnOf = (construct: IConstruct): string => {
  const element = construct.node.defaultChild as CfnElement;
  return `<${Stack.of(construct).resolve(element.logicalId)}.Arn>`;
};

/**
 * How cdk-nag writes a value in a finding: a reference as <Id> or
 * <Id.Attribute>, a join as its parts joined, any other function as its JSON.
 */
const nagText = (scope: IConstruct, value: string): string => {
  const render = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, any>;
    if (o && typeof o.Ref === 'string') return `<${o.Ref}>`;
    if (o && Array.isArray(o['Fn::GetAtt'])) return `<${o['Fn::GetAtt'].join('.')}>`;
    if (o && Array.isArray(o['Fn::Join'])) return (o['Fn::Join'][1] as unknown[]).map(render).join(o['Fn::Join'][0]);
    return JSON.stringify(v);
  };
  return render(Stack.of(scope).resolve(value));
};

const iam5 = (detail: string, reason: string): Finding => ({ id: `AwsSolutions-IAM5[${detail}]`, reason });

/** Every Lambda function of the stack, Pont's own and CDK's. */
export const lambdaFunction: Finding[] = [
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs (CreateLogStream, PutLogEvents); a hand-written copy would say the same.',
  },
  {
    id: 'AwsSolutions-L1',
    reason: 'nodejs22.x is the runtime the project targets, bundles for (bundling.ts) and measures (npm run bench); moving to a newer runtime is a deliberate upgrade, not a side effect of a deploy.',
  },
];

/** grantReadData / grantReadWriteData on a table with global secondary indexes. */
export const tableIndexes = (table: IConstruct): Finding =>
  iam5(`Resource::${arnOf(table)}/index/*`, 'Queries the global secondary indexes of this one table (CDK grants index/* of the table).');

/** Encrypting with the stage's key (writes to tables, buckets, queues). */
export const keyUse: Finding[] = [
  iam5('Action::kms:GenerateDataKey*', 'Writing data encrypted with the stage\'s one customer-managed key: the grant names that key only.'),
  iam5('Action::kms:ReEncrypt*', 'Writing data encrypted with the stage\'s one customer-managed key: the grant names that key only.'),
];

/** s3:GetObject on a bucket's objects: signing download URLs for export packages. */
export const bucketRead = (bucket: IBucket): Finding[] => [
  iam5(`Resource::${nagText(bucket, bucket.bucketArn)}/*`, 'Objects of this one bucket, whose keys are made per export: s3:GetObject only, to sign download URLs.'),
];

/** s3:PutObject on a bucket's objects: the export worker writing packages (multipart uploads). */
export const bucketPut = (bucket: IBucket): Finding[] => [
  iam5(`Resource::${nagText(bucket, bucket.bucketArn)}/*`, 'Objects of this one bucket, whose keys are made per export: s3:PutObject (and aborting its own multipart uploads) only.'),
  ...keyUse,
];

/** fn.grantInvoke: the function and its versions and aliases. */
export const invoke = (fn: IConstruct): Finding =>
  iam5(`Resource::${arnOf(fn)}:*`, 'Invokes this one function, any version or alias of it (CDK\'s grantInvoke).');

/**
 * BucketDeployment's singleton function, which CDK adds to the stack itself:
 * it copies the built web app from the CDK asset bucket into the web bucket.
 */
export function acknowledgeBucketDeployment(destination: IConstruct): void {
  const stack = Stack.of(destination);
  const qualifier = String(stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER);
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const reason = 'CDK\'s BucketDeployment: reads the web app from the CDK asset bucket and syncs it into the web bucket (CDK\'s grants on those two buckets).';
  const findings = [
    ...lambdaFunction,
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => iam5(`Action::${action}`, reason)),
    iam5(`Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${account}-${stack.region}/*`, reason),
    iam5(`Resource::${arnOf(destination)}/*`, reason),
  ];
  for (const child of stack.node.children) {
    if (child.node.id.startsWith('Custom::CDKBucketDeployment')) acknowledge(child, findings);
  }
}
