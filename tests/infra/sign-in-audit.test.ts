/**
 * Cognito sign-ins reach Pont's audit log (issue #5): the user pool runs a
 * post-authentication trigger that may write to the main table and nothing else.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityTable, mainTable } from '../../functions/storage/table-definition.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

describe('the sign-in audit trigger', () => {
  let s: ReturnType<typeof synthPontStack>;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const triggerId = () => s.logicalId(s.stack.auth.signInAudit);

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  it('is the user pool\'s post-authentication trigger, and Cognito (this pool only) may invoke it', () => {
    const pool = resources[s.logicalId(s.stack.auth.userPool)]!.Properties;
    expect(pool.LambdaConfig).toEqual({ PostAuthentication: { 'Fn::GetAtt': [triggerId(), 'Arn'] } });

    const permissions = ofType('AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes(triggerId()));
    expect(permissions).toHaveLength(1);
    expect(permissions[0]![1].Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [s.logicalId(s.stack.auth.userPool), 'Arn'] },
    });
  });

  it('runs the audit worker within Cognito\'s 5 seconds, told only the main table', () => {
    const fn = resources[triggerId()]!.Properties;
    expect(fn.Timeout).toBeLessThanOrEqual(5);
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Environment.Variables).toEqual({ TABLE_NAME: { Ref: mainTable.id } });
    expect(s.stack.auth.signInAudit.node.path).toMatch(/SignInAudit$/);
  });

  it('may write to the main table but not read it, and cannot reach the identity table', () => {
    const role = (resources[triggerId()]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const dynamo = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
    const actions = dynamo.flatMap((st) => [st.Action].flat());

    expect(actions).toContain('dynamodb:PutItem');
    for (const read of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem']) expect(actions).not.toContain(read);
    const resourcesText = JSON.stringify(dynamo.map((st) => st.Resource));
    expect(resourcesText).toContain(mainTable.id);
    expect(resourcesText).not.toContain(identityTable.id);
  });
});
