/**
 * Data upgrades are a step of `cdk deploy` (infra/aws/upgrades.ts): a custom
 * resource, through CDK's provider framework, invokes the upgrade function,
 * which may read and write the main table and nothing else, and is asked
 * again whenever the list of upgrades changes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityTable, mainTable } from '../../functions/storage/table-definition.js';
import { upgradeIds } from '../../functions/upgrades/upgrades.js';
import { lambdaEsbuildOptions } from '../../infra/aws/bundling.js';
import { repoRoot } from '../../infra/aws/lambda.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe('data upgrades at deploy', () => {
  let s: ReturnType<typeof synthPontStack>;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const upgradeFnId = () => s.logicalId(s.stack.upgrades.function);
  const statementsOf = (fnId: string) => {
    const role = (resources[fnId]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Effect: string }>);
  };

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  it('has one custom resource, given the list of upgrade ids, served by the provider framework that invokes the upgrade function', () => {
    const custom = ofType('Custom::PontDataUpgrades');
    expect(custom).toHaveLength(1);
    const [, resource] = custom[0]!;
    expect(resource.Properties.upgrades).toEqual(upgradeIds());
    expect(upgradeIds()).toEqual(['0001-users-listed', '0002-study-owners', '0003-instrument-library']);

    // ServiceToken: the framework's dispatcher, which is told to call the upgrade function and may invoke it.
    const dispatcherId = resource.Properties.ServiceToken['Fn::GetAtt'][0] as string;
    const dispatcher = resources[dispatcherId]!;
    expect(dispatcher.Type).toBe('AWS::Lambda::Function');
    expect(JSON.stringify(dispatcher.Properties.Environment.Variables)).toContain(upgradeFnId());
    const invoke = statementsOf(dispatcherId).filter((st) => asArray(st.Action).includes('lambda:InvokeFunction'));
    expect(invoke.length).toBeGreaterThan(0);
    for (const st of invoke) for (const arn of asArray(st.Resource)) expect(JSON.stringify(arn)).toContain(upgradeFnId());
  });

  it('runs the upgrade function from functions/workers/run-upgrades.ts, told only the main table, with time for a large table', () => {
    const fn = resources[upgradeFnId()]!.Properties;
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Timeout).toBe(900);
    expect(fn.Environment.Variables).toEqual({ TABLE_NAME: { Ref: mainTable.id } });
    expect(resources[fn.LoggingConfig.LogGroup.Ref]?.Type).toBe('AWS::Logs::LogGroup');
  });

  it('lets the upgrade function read and write the main table, and not reach the identity table', () => {
    const statements = statementsOf(upgradeFnId());
    const onMain = statements.filter((st) => JSON.stringify(st.Resource).includes(`"${mainTable.id}"`));
    const actions = onMain.flatMap((st) => asArray(st.Action));

    for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(actions).toContain(action);
    // TransactWriteItems is authorised per item as PutItem / UpdateItem / ConditionCheckItem.
    expect(actions).toContain('dynamodb:ConditionCheckItem');
    for (const st of statements) expect(st.Effect).toBe('Allow');
    expect(JSON.stringify(statements)).not.toContain(identityTable.id);
  });

  it('runs after the API\'s functions are deployed, so studies the old code makes meanwhile are upgraded too', () => {
    const [id, resource] = ofType('Custom::PontDataUpgrades')[0]!;
    const someRoute = s.logicalId(s.stack.api.routeFunctions.values().next().value!);
    expect(resource.DependsOn ?? [], id).toContain(someRoute);
  });
});

describe('the upgrade function as bundled', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pont-upgrades-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bundles as one CommonJS file that loads with the environment the stack gives it', async () => {
    const outfile = path.join(dir, 'index.js');
    await build({ ...lambdaEsbuildOptions(path.join(repoRoot, 'functions/workers/run-upgrades.ts'), outfile, repoRoot), logLevel: 'silent' });

    const kind = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(outfile)}).handler);`], {
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-2', TABLE_NAME: 'resolved-table' },
      encoding: 'utf8',
    });

    expect(kind).toBe('function');
  }, 60_000);
});
