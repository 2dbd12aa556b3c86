/**
 * Assertion tests for the CDK stack (infra/aws). Expectations are derived from
 * the route table and the table definition, never restated by hand.
 * All but one test synthesise without bundling; the last one really bundles.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { deployedRoutes, routes, type Route } from '../../functions/routes.js';
import { mainTable, type KeyAttribute } from '../../functions/storage/table-definition.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> };
type Synth = ReturnType<typeof synthPontStack>;

const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;
const keySchema = (pk: KeyAttribute, sk: KeyAttribute) => [
  { AttributeName: pk.name, KeyType: 'HASH' },
  { AttributeName: sk.name, KeyType: 'RANGE' },
];
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Everything a read-only route may do on the table. */
const READ_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:DescribeStream',
  'dynamodb:ListStreams',
  'dynamodb:PartiQLSelect',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];
const REQUIRED_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe('PontStack (synthesised without bundling)', () => {
  let s: Synth;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const fnId = (route: Route) => s.logicalId(s.stack.api.functionFor(route.name));
  const fnResource = (route: Route) => {
    const fn = resources[fnId(route)];
    if (!fn) throw new Error(`no Lambda function resource for ${route.name}`);
    return fn;
  };

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  describe('storage', () => {
    it('has exactly one table, keyed as in mainTable, with a pinned logical id', () => {
      const tables = ofType('AWS::DynamoDB::Table');
      expect(tables.map(([id]) => id)).toEqual([mainTable.id]);
      const props = tables[0]![1].Properties;
      expect(props.KeySchema).toEqual(keySchema(mainTable.partitionKey, mainTable.sortKey));

      const keyAttributes = [
        mainTable.partitionKey,
        mainTable.sortKey,
        ...mainTable.globalSecondaryIndexes.flatMap((gsi) => [gsi.partitionKey, gsi.sortKey]),
      ];
      const expectedDefinitions = [...new Map(keyAttributes.map((k) => [k.name, k])).values()].map((k) => ({
        AttributeName: k.name,
        AttributeType: k.type,
      }));
      expect(props.AttributeDefinitions).toEqual(expect.arrayContaining(expectedDefinitions));
      expect(props.AttributeDefinitions).toHaveLength(expectedDefinitions.length);
    });

    it('has the GSIs of mainTable (all attributes projected)', () => {
      const props = ofType('AWS::DynamoDB::Table')[0]![1].Properties;
      expect(props.GlobalSecondaryIndexes).toEqual(
        mainTable.globalSecondaryIndexes.map((gsi) => ({
          IndexName: gsi.indexName,
          KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
          Projection: { ProjectionType: 'ALL' },
        })),
      );
    });

    it('is on-demand, point-in-time recoverable, encrypted, TTL-enabled and protected from deletion', () => {
      s.template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          SSESpecification: Match.objectLike({ SSEEnabled: true }),
          TimeToLiveSpecification: { AttributeName: mainTable.timeToLiveAttribute, Enabled: true },
        }),
      });
    });
  });

  describe('functions', () => {
    it('has exactly one Lambda function per deployed route, all Node.js 22 on arm64', () => {
      const functions = ofType('AWS::Lambda::Function');
      expect(functions.map(([id]) => id).sort()).toEqual(deployedRoutes.map(fnId).sort());
      for (const [id, fn] of functions) {
        expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
        expect(fn.Properties.Architectures, id).toEqual(['arm64']);
        expect(fn.Properties.Handler, id).toBe('index.handler');
      }
    });

    it('gives each function the table name and Cognito auth mode, and a log group with retention', () => {
      for (const route of deployedRoutes) {
        const props = fnResource(route).Properties;
        expect(props.Environment.Variables, route.name).toEqual({
          TABLE_NAME: { Ref: mainTable.id },
          AUTH_MODE: 'cognito',
        });
        const logGroupId = props.LoggingConfig?.LogGroup?.Ref;
        expect(resources[logGroupId]?.Type, route.name).toBe('AWS::Logs::LogGroup');
        expect(resources[logGroupId]?.Properties.RetentionInDays, route.name).toBe(30);
      }
    });

    it('grants read-only routes no write action, and readWrite routes the write actions, on the table only', () => {
      for (const route of deployedRoutes) {
        const roleId = fnResource(route).Properties.Role['Fn::GetAtt'][0];
        const role = resources[roleId]!;
        // No managed policy may widen the grant (basic execution = logs only).
        for (const arn of role.Properties.ManagedPolicyArns ?? []) {
          expect(JSON.stringify(arn), route.name).toContain('service-role/AWSLambdaBasicExecutionRole');
        }
        const statements = ofType('AWS::IAM::Policy')
          .filter(([, p]) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId))
          .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
        const actions = [...new Set(statements.flatMap((st) => asArray<string>(st.Action)))];

        for (const st of statements) {
          expect(st.Effect).toBe('Allow');
          for (const resource of asArray(st.Resource)) {
            expect(JSON.stringify(resource), `${route.name} resource`).toContain(`"${mainTable.id}"`);
          }
        }
        for (const action of actions) expect(action, route.name).not.toContain('*');
        expect(actions, route.name).toContain('dynamodb:GetItem');
        expect(actions, route.name).toContain('dynamodb:Query');

        if (route.tableAccess === 'read') {
          for (const action of actions) expect(READ_ACTIONS, `${route.name} may not ${action}`).toContain(action);
          for (const action of WRITE_ACTIONS) expect(actions, route.name).not.toContain(action);
        } else {
          for (const action of REQUIRED_WRITE_ACTIONS) expect(actions, route.name).toContain(action);
        }
      }
    });
  });

  describe('HTTP API', () => {
    it('has one route per deployed route, with the route table method and path, integrated with its own function', () => {
      const apiRoutes = ofType('AWS::ApiGatewayV2::Route');
      expect(apiRoutes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(deployedRoutes.map(routeKey).sort());

      for (const route of deployedRoutes) {
        const [, apiRoute] = apiRoutes.find(([, r]) => r.Properties.RouteKey === routeKey(route))!;
        const integrationId = apiRoute.Properties.Target['Fn::Join'][1][1].Ref;
        const integration = resources[integrationId]!;
        expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
        expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
        expect(integration.Properties.IntegrationUri, route.name).toEqual({ 'Fn::GetAtt': [fnId(route), 'Arn'] });
      }
    });

    it('does not deploy embedded-only routes', () => {
      const embedded = routes.filter((route) => route.embeddedOnly);
      const deployedKeys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
      const descriptions = ofType('AWS::Lambda::Function').map(([, f]) => f.Properties.Description);
      for (const route of embedded) {
        expect(deployedKeys).not.toContain(routeKey(route));
        expect(descriptions).not.toContain(routeKey(route));
        expect(() => s.stack.api.functionFor(route.name)).toThrow();
      }
    });

    it('throttles the auto-deployed $default stage', () => {
      const stages = ofType('AWS::ApiGatewayV2::Stage');
      expect(stages).toHaveLength(1);
      expect(stages[0]![1].Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
    });

    it('outputs the API URL', () => {
      s.template.hasOutput('ApiUrl', {
        Value: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^https://')])] }),
      });
    });
  });
});

describe('PontStack (bundled)', () => {
  it('bundles every function as a single ES module that loads with the environment the stack gives it', () => {
    const { template, outdir, stack, logicalId } = synthPontStack({ bundle: true });
    onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    const resources: Record<string, Resource> = template.toJSON().Resources;

    for (const route of deployedRoutes) {
      const fn = resources[logicalId(stack.api.functionFor(route.name))]!;
      const assetPath = fn.Metadata?.['aws:asset:path'];
      expect(assetPath, route.name).toMatch(/^asset\./);
      const assetDir = path.join(outdir, assetPath);
      expect(readdirSync(assetDir).sort(), route.name).toEqual(['index.mjs']);

      const file = path.join(assetDir, 'index.mjs');
      const code = readFileSync(file, 'utf8');
      expect(code.startsWith("import { createRequire } from 'module';"), route.name).toBe(true);
      expect(code, route.name).toMatch(/export\s*\{[^}]*\bhandler\s*\}/);

      // Load it in a fresh Node process, as Lambda would, with the stack's variables.
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-2' };
      for (const [name, value] of Object.entries(fn.Properties.Environment.Variables)) {
        env[name] = typeof value === 'string' ? value : `resolved-${name}`;
      }
      const kind = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(typeof m.handler);`],
        { env, encoding: 'utf8' },
      );
      expect(kind, route.name).toBe('function');
    }
  }, 120_000);
});
