/**
 * Looking researcher accounts up in AWS (functions/auth/user-directory.ts):
 * the routes flagged `readsAccounts` in the route table, and only those, may
 * list the user pool's users and a user's groups, on that one pool, and
 * nothing that changes an account.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedRoutes } from '../../functions/routes.js';
import { synthPontStack } from './synth.js';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe('account lookups in the user pool', () => {
  let s: ReturnType<typeof synthPontStack>;
  let resources: Record<string, { Type: string; Properties: Record<string, any> }>;
  const statementsOf = (routeName: string): Statement[] => {
    const fn = resources[s.logicalId(s.stack.api.functionFor(routeName))]!;
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: { Ref?: string }) => role.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  };
  const cognitoStatements = (routeName: string) => statementsOf(routeName).filter((st) => asArray(st.Action).some((a) => a.startsWith('cognito-idp:')));

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  it('is flagged on the routes that add members, create studies and name who published an instrument or shared a draft', () => {
    expect(deployedRoutes.filter((route) => route.readsAccounts).map((route) => route.name).sort()).toEqual(['AddMember', 'CreateStudy', 'GetDraft', 'ListDrafts', 'ListInstruments']);
  });

  it('lets AddMember, CreateStudy and the instrument library routes list users and their groups on the user pool, and nothing else there', () => {
    const pool = { 'Fn::GetAtt': [s.logicalId(s.stack.auth.userPool), 'Arn'] };
    for (const name of ['AddMember', 'CreateStudy', 'ListInstruments', 'ListDrafts', 'GetDraft']) {
      const statements = cognitoStatements(name);
      expect(statements, name).toHaveLength(1);
      expect(statements[0]!.Effect, name).toBe('Allow');
      expect(asArray(statements[0]!.Action).sort(), name).toEqual(['cognito-idp:AdminListGroupsForUser', 'cognito-idp:ListUsers']);
      expect(asArray(statements[0]!.Resource), name).toEqual([pool]);
    }
  });

  it('gives no other function any action on Cognito', () => {
    const others = deployedRoutes.filter((route) => !route.readsAccounts);
    expect(others.map((route) => route.name)).toContain('ListMembers');
    for (const route of others) expect(cognitoStatements(route.name), route.name).toEqual([]);
    // Nor the workers.
    const workerRoles = [s.stack.exports.worker, s.stack.reminders.function, s.stack.auth.signInAudit, s.stack.upgrades.function].map(
      (fn) => resources[s.logicalId(fn)]!.Properties.Role['Fn::GetAtt'][0],
    );
    const workerPolicies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: { Ref?: string }) => workerRoles.includes(role.Ref)));
    expect(JSON.stringify(workerPolicies)).not.toContain('cognito-idp:');
  });

  it('needs no new environment: the pool comes from the issuer the researcher routes are already told', () => {
    for (const name of ['AddMember', 'CreateStudy', 'ListInstruments', 'ListDrafts', 'GetDraft']) {
      const env = resources[s.logicalId(s.stack.api.functionFor(name))]!.Properties.Environment.Variables;
      expect(env.COGNITO_ISSUER, name).toBeDefined();
      expect(env, name).not.toHaveProperty('COGNITO_ENDPOINT');
    }
  });
});
