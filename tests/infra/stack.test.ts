/**
 * Assertion tests for the CDK stack (infra/aws). Expectations are derived from
 * the route table and the table definition, never restated by hand.
 * All but one test synthesise without bundling; the last one really bundles.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { INSTRUMENT_AUTHOR_GROUP, Role } from '../../functions/contracts/researcher.js';
import { deployedRoutes, routes, trafficClassOf, type Route } from '../../functions/routes.js';
import { identityTable, mainTable, type KeyAttribute } from '../../functions/storage/table-definition.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> };
type Synth = ReturnType<typeof synthPontStack>;

const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;
const keySchema = (pk: KeyAttribute, sk: KeyAttribute) => [
  { AttributeName: pk.name, KeyType: 'HASH' },
  { AttributeName: sk.name, KeyType: 'RANGE' },
];
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

const researcherRoutes = deployedRoutes.filter((route) => route.access.kind === 'researcher');
const otherRoutes = deployedRoutes.filter((route) => route.access.kind !== 'researcher');

/** A CloudFormation value as text: strings as they are, references as {Ref:id} / {GetAtt:id.attr}. */
const render = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v?.Ref) return `{Ref:${v.Ref}}`;
  if (v?.['Fn::GetAtt']) return `{GetAtt:${v['Fn::GetAtt'].join('.')}}`;
  if (v?.['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(render).join(v['Fn::Join'][0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
};

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
  const apiRouteFor = (route: Route) => {
    const found = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey(route));
    if (!found) throw new Error(`no API route for ${route.name}`);
    return found[1];
  };
  const only = (type: string) => {
    const found = ofType(type);
    expect(found.map(([id]) => id), type).toHaveLength(1);
    return found[0]!;
  };
  const poolId = () => only('AWS::Cognito::UserPool')[0];
  const clientId = () => only('AWS::Cognito::UserPoolClient')[0];
  /** The user pool's issuer, as the handlers and API Gateway must see it. */
  const poolIssuer = () => `https://cognito-idp.${s.stack.region}.amazonaws.com/{Ref:${poolId()}}`;

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  describe('storage', () => {
    it('has the main table and the identity table, keyed as defined, with pinned logical ids', () => {
      const tables = ofType('AWS::DynamoDB::Table');
      expect(tables.map(([id]) => id).sort()).toEqual([mainTable.id, identityTable.id].sort());
      const identity = resources[identityTable.id]!.Properties;
      expect(identity.KeySchema).toEqual(keySchema(identityTable.partitionKey, identityTable.sortKey));
      expect(identity.GlobalSecondaryIndexes).toBeUndefined();
      const props = resources[mainTable.id]!.Properties;
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
      const props = resources[mainTable.id]!.Properties;
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
    it('has exactly one Lambda function per deployed route, plus the workers, all Node.js 22 on arm64', () => {
      // CDK's own providers (copying the web app to its bucket, reading the
      // firewall stack's web ACL ARN across regions, dispatching the data
      // upgrades' custom resource) are not Pont's functions.
      const cdkProviders = /^Custom(CDKBucketDeployment|CrossRegionExportReader)/;
      const upgradeDispatcher = s.logicalId(s.stack.upgrades.provider.node.findChild('framework-onEvent'));
      const functions = ofType('AWS::Lambda::Function').filter(([id]) => !cdkProviders.test(id) && id !== upgradeDispatcher);
      expect(ofType('AWS::Lambda::Function').length - functions.length).toBe(3);
      const workers = [s.logicalId(s.stack.exports.worker), s.logicalId(s.stack.linkJobs.worker), s.logicalId(s.stack.reminders.function), s.logicalId(s.stack.auth.signInAudit), s.logicalId(s.stack.upgrades.function)];
      expect(functions.map(([id]) => id).sort()).toEqual([...deployedRoutes.map(fnId), ...workers].sort());
      for (const [id, fn] of functions) {
        expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
        expect(fn.Properties.Architectures, id).toEqual(['arm64']);
        expect(fn.Properties.Handler, id).toBe('index.handler');
      }
    });

    it('gives each function the table name and Cognito auth mode, and a log group with retention', () => {
      for (const route of deployedRoutes) {
        const props = fnResource(route).Properties;
        // The origin secret's references are checked in origin-secret.test.ts.
        const { COGNITO_ISSUER, COGNITO_CLIENT_ID, ORIGIN_VERIFY_SECRET, ORIGIN_VERIFY_PREVIOUS_SECRET, ...rest } = props.Environment.Variables;
        expect(ORIGIN_VERIFY_SECRET, route.name).toBeDefined();
        expect(ORIGIN_VERIFY_PREVIOUS_SECRET, route.name).toBeDefined();
        expect(rest, route.name).toEqual({
          TABLE_NAME: { Ref: mainTable.id },
          // Only routes that manage contact details learn where the identity table is.
          ...(route.identityAccess ? { IDENTITY_TABLE_NAME: { Ref: identityTable.id } } : {}),
          AUTH_MODE: 'cognito',
          // Only export routes learn of the export worker or bucket (tests/infra/exports-stack.test.ts).
          ...(route.exportAccess === 'start' ? { EXPORT_WORKER_FUNCTION: expect.anything() } : {}),
          ...(route.exportAccess === 'download' ? { EXPORT_BUCKET: expect.anything() } : {}),
          // Starting a link job: the link worker, and the mail settings (to refuse email where none is set up).
          ...(route.linkJobs === 'start' ? { LINK_WORKER_FUNCTION: expect.anything() } : {}),
        });
        const logGroupId = props.LoggingConfig?.LogGroup?.Ref;
        expect(resources[logGroupId]?.Type, route.name).toBe('AWS::Logs::LogGroup');
        expect(resources[logGroupId]?.Properties.RetentionInDays, route.name).toBe(30);
      }
    });

    it('tells the functions of researcher routes, and only those, which user pool and client to trust', () => {
      expect(researcherRoutes.length).toBeGreaterThan(0);
      for (const route of researcherRoutes) {
        const env = fnResource(route).Properties.Environment.Variables;
        expect(env.COGNITO_ISSUER, route.name).toBeDefined();
        expect(render(env.COGNITO_ISSUER), route.name).toBe(poolIssuer());
        expect(env.COGNITO_CLIENT_ID, route.name).toEqual({ Ref: clientId() });
      }
      for (const route of otherRoutes) {
        const env = fnResource(route).Properties.Environment.Variables;
        expect(env, route.name).not.toHaveProperty('COGNITO_ISSUER');
        expect(env, route.name).not.toHaveProperty('COGNITO_CLIENT_ID');
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
        const onTable = (tableId: string) => statements.filter((st) => asArray(st.Resource).every((r) => JSON.stringify(r).includes(`"${tableId}"`)));
        const identityStatements = onTable(identityTable.id);
        const identityActions = [...new Set(identityStatements.flatMap((st) => asArray<string>(st.Action)))];
        if (!route.identityAccess) expect(identityStatements, `${route.name} may not touch the identity table`).toEqual([]);
        if (route.identityAccess === 'read') for (const action of WRITE_ACTIONS) expect(identityActions, route.name).not.toContain(action);
        if (route.identityAccess === 'readWrite') for (const action of REQUIRED_WRITE_ACTIONS) expect(identityActions, route.name).toContain(action);
        const mainStatements = onTable(mainTable.id);
        // Export routes' grants on the worker or bucket are checked in tests/infra/exports-stack.test.ts.
        const exportStatements = statements.filter((st) => asArray<string>(st.Action).every((a) => a.startsWith('s3:') || a === 'lambda:InvokeFunction'));
        expect(exportStatements.length > 0, route.name).toBe(route.exportAccess !== undefined || route.linkJobs === 'start');
        // Using the stage's key, which encrypts the tables (tests/infra/encryption.test.ts).
        const keyStatements = onTable(s.logicalId(s.stack.key.key)).filter((st) => asArray<string>(st.Action).every((a) => a.startsWith('kms:')));
        expect(keyStatements.length, route.name).toBeGreaterThan(0);
        // Account lookups on the user pool are checked in tests/infra/account-lookup.test.ts.
        const userPoolStatements = statements.filter((st) => asArray<string>(st.Action).every((a) => a.startsWith('cognito-idp:')));
        expect(userPoolStatements.length > 0, route.name).toBe(route.readsAccounts === true);
        expect(
          mainStatements.length + identityStatements.length + exportStatements.length + keyStatements.length + userPoolStatements.length,
          `${route.name}: every statement is on one of the tables, the exports, the key or the user pool`,
        ).toBe(statements.length);
        const actions = [...new Set(mainStatements.flatMap((st) => asArray<string>(st.Action)))];

        for (const st of statements) expect(st.Effect).toBe('Allow');
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

    it('puts every researcher route behind a JWT authorizer on the user pool, with the web client as audience', () => {
      expect(researcherRoutes.length).toBeGreaterThan(0);
      for (const route of researcherRoutes) {
        const apiRoute = apiRouteFor(route);
        expect(apiRoute.Properties.AuthorizationType, route.name).toBe('JWT');
        const authorizer = resources[apiRoute.Properties.AuthorizerId?.Ref];
        expect(authorizer?.Type, route.name).toBe('AWS::ApiGatewayV2::Authorizer');
        expect(authorizer!.Properties.AuthorizerType, route.name).toBe('JWT');
        expect(authorizer!.Properties.IdentitySource, route.name).toEqual(['$request.header.Authorization']);
        expect(render(authorizer!.Properties.JwtConfiguration.Issuer), route.name).toBe(poolIssuer());
        // Access tokens carry client_id (no aud): API Gateway matches it against this list.
        expect(authorizer!.Properties.JwtConfiguration.Audience, route.name).toEqual([{ Ref: clientId() }]);
      }
    });

    it('leaves respondent and public routes without an API Gateway authorizer', () => {
      expect(otherRoutes.length).toBeGreaterThan(0);
      for (const route of otherRoutes) {
        const props = apiRouteFor(route).Properties;
        expect(props.AuthorizationType ?? 'NONE', route.name).toBe('NONE');
        expect(props.AuthorizerId, route.name).toBeUndefined();
      }
    });

    it('throttles every route at the auto-deployed $default stage by its traffic class, after the routes exist', () => {
      const stages = ofType('AWS::ApiGatewayV2::Stage');
      expect(stages).toHaveLength(1);
      const [stageId, stage] = stages[0]!;
      expect(stage.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 } });
      const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
      expect(Object.keys(settings).sort()).toEqual(deployedRoutes.map((r) => `${r.method} ${r.path}`).sort());
      const expected = {
        respondent: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        public: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        researcher: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        export: { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2 },
      };
      for (const route of deployedRoutes) expect(settings[`${route.method} ${route.path}`], route.name).toEqual(expected[trafficClassOf(route)]);
      expect(settings['GET /api/s/{token}']).toEqual(expected.respondent);
      expect(settings['POST /api/studies/{studyId}/exports']).toEqual(expected.export);
      // API Gateway refuses settings naming a route that does not exist yet: the stage waits for every route.
      const routeIds = ofType('AWS::ApiGatewayV2::Route').map(([id]) => id);
      expect(routeIds).toHaveLength(deployedRoutes.length);
      expect(s.template.toJSON().Resources[stageId].DependsOn).toEqual(expect.arrayContaining(routeIds));
    });

    it('reserves no Lambda concurrency anywhere: a reservation fails the first deploy on an account whose quota is 10', () => {
      const functions = ofType('AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThan(deployedRoutes.length);
      for (const [id, fn] of functions) expect(fn.Properties.ReservedConcurrentExecutions, id).toBeUndefined();
    });

    it('outputs the API URL', () => {
      s.template.hasOutput('ApiUrl', {
        Value: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^https://')])] }),
      });
    });
  });

  describe('researcher sign-in (Cognito)', () => {
    it('has one user pool: admin-created accounts only, email sign-in, TOTP MFA required and nothing else', () => {
      const [, pool] = only('AWS::Cognito::UserPool');
      expect(pool.Properties.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
      expect(pool.Properties.UsernameAttributes).toEqual(['email']);
      expect(pool.Properties.MfaConfiguration).toBe('ON');
      expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    });

    it('requires strong passwords and recovers accounts by email only', () => {
      const { Policies, AccountRecoverySetting } = only('AWS::Cognito::UserPool')[1].Properties;
      expect(Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
      expect(Policies.PasswordPolicy).toMatchObject({
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      });
      expect(AccountRecoverySetting.RecoveryMechanisms).toEqual([{ Name: 'verified_email', Priority: 1 }]);
    });

    it('protects the user pool from deletion', () => {
      s.template.hasResource('AWS::Cognito::UserPool', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
      });
    });

    it('has one group per researcher role and the instrument author group, named as the handlers expect', () => {
      const groups = ofType('AWS::Cognito::UserPoolGroup');
      expect(groups.map(([, g]) => g.Properties.GroupName).sort()).toEqual([...Role.options, INSTRUMENT_AUTHOR_GROUP].sort());
      expect([...Role.options].sort()).toEqual(['admin', 'analyst', 'researcher']);
      for (const [id, group] of groups) expect(group.Properties.UserPoolId, id).toEqual({ Ref: poolId() });
    });

    it('has one web console client: no secret, SRP and refresh only, short-lived tokens, no user existence errors', () => {
      const [, client] = only('AWS::Cognito::UserPoolClient');
      const props = client.Properties;
      expect(props.UserPoolId).toEqual({ Ref: poolId() });
      expect(props.GenerateSecret ?? false).toBe(false);
      expect([...props.ExplicitAuthFlows].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
      expect(props.PreventUserExistenceErrors).toBe('ENABLED');
      expect(props.AllowedOAuthFlowsUserPoolClient ?? false).toBe(false);
      const minutes = (kind: 'AccessToken' | 'IdToken' | 'RefreshToken', value: number) => {
        const unit = props.TokenValidityUnits?.[kind] ?? (kind === 'RefreshToken' ? 'days' : 'hours');
        return value * { minutes: 1, hours: 60, days: 24 * 60 }[unit as 'minutes' | 'hours' | 'days'];
      };
      expect(minutes('AccessToken', props.AccessTokenValidity)).toBe(60);
      expect(minutes('IdToken', props.IdTokenValidity)).toBe(60);
      expect(minutes('RefreshToken', props.RefreshTokenValidity)).toBe(12 * 60);
    });

    it('outputs the user pool id, the web client id and the issuer', () => {
      const outputs = s.template.toJSON().Outputs;
      expect(outputs.ResearcherUserPoolId.Value).toEqual({ Ref: poolId() });
      expect(outputs.ResearcherWebClientId.Value).toEqual({ Ref: clientId() });
      expect(render(outputs.ResearcherTokenIssuer.Value)).toBe(poolIssuer());
    });
  });
});

describe('PontStack email and reminders', () => {
  const MAIL = { mailFrom: 'pont@study.example.gov.wales', webUrl: 'https://pont.example.gov.wales', studyTeamEmail: 'team@study.example.gov.wales' };
  const synths: Synth[] = [];
  const synth = (context?: Record<string, unknown>) => {
    const made = synthPontStack(context ? { context } : {});
    synths.push(made);
    return { ...made, resources: made.template.toJSON().Resources as Record<string, Resource> };
  };
  afterAll(() => {
    for (const made of synths) rmSync(made.outdir, { recursive: true, force: true });
  });
  const policyStatementsOf = (resources: Record<string, Resource>, roleId: string) =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: { Ref?: string }) => role.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
  const sesStatements = (resources: Record<string, Resource>, fnLogicalId: string) =>
    policyStatementsOf(resources, resources[fnLogicalId]!.Properties.Role['Fn::GetAtt'][0]).filter((st) => asArray<string>(st.Action).some((a) => a.startsWith('ses:')));

  it('runs the reminder function daily at 10:00 London time through EventBridge Scheduler, with a dead-letter queue', () => {
    const { stack, resources, logicalId } = synth();
    const fnId = logicalId(stack.reminders.function);
    const queueId = logicalId(stack.reminders.deadLetterQueue);
    const schedules = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');

    expect(schedules).toHaveLength(1);
    const { Properties: schedule } = schedules[0]!;
    expect(schedule.ScheduleExpression).toBe('cron(0 10 * * ? *)');
    expect(schedule.ScheduleExpressionTimezone).toBe('Europe/London');
    expect(schedule.State ?? 'ENABLED').toBe('ENABLED');
    expect(schedule.Target.Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(schedule.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    expect(schedule.Target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 3 });
    // Runs that fail inside the function (an email not sent) land in the same queue.
    expect(resources[fnId]!.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    // Overlapping runs are kept apart by a lease item, not a reservation (which fails a first deploy on a quota of 10).
    expect(resources[fnId]!.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(resources[queueId]!.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] });
    // The schedule's role may invoke this function and nothing else.
    const scheduleRole = schedule.Target.RoleArn['Fn::GetAtt'][0];
    const invoke = policyStatementsOf(resources, scheduleRole).filter((st) => asArray<string>(st.Action).includes('lambda:InvokeFunction'));
    expect(invoke.length).toBeGreaterThan(0);
    for (const st of invoke) for (const arn of asArray(st.Resource)) expect(JSON.stringify(arn)).toContain(fnId);
  });

  it('gives the reminder function the main table to write and the identity table to read, and no email without a sender', () => {
    const { stack, resources, logicalId } = synth();
    const fnId = logicalId(stack.reminders.function);
    const fn = resources[fnId]!.Properties;

    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Environment.Variables).toEqual({ TABLE_NAME: { Ref: mainTable.id }, IDENTITY_TABLE_NAME: { Ref: identityTable.id } });
    const statements = policyStatementsOf(resources, fn.Role['Fn::GetAtt'][0]);
    const on = (tableId: string) => [...new Set(statements.filter((st) => JSON.stringify(st.Resource).includes(`"${tableId}"`)).flatMap((st) => asArray<string>(st.Action)))];
    expect(on(mainTable.id)).toEqual(expect.arrayContaining(REQUIRED_WRITE_ACTIONS));
    for (const action of WRITE_ACTIONS) expect(on(identityTable.id)).not.toContain(action);
    expect(on(identityTable.id)).toContain('dynamodb:BatchGetItem');
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::Role');
    expect(JSON.stringify(policies)).not.toContain('ses:');
  });

  it('with a sender, grants SES sending on the sender identity only, to the routes that send email and the reminder function', () => {
    const { stack, resources, logicalId } = synth(MAIL);
    const senders = deployedRoutes.filter((route) => route.sendsEmail);
    expect(senders.map((r) => r.name).sort()).toEqual(['IssueLinks', 'RequestCheckIn', 'SendReminders']);

    const identity = (name: string) => `arn:{Ref:AWS::Partition}:ses:eu-west-2:{Ref:AWS::AccountId}:identity/${name}`;
    const others = [['Reminders', logicalId(stack.reminders.function)] as const, ['LinkWorker', logicalId(stack.linkJobs.worker)] as const];
    for (const [name, fnId] of [...senders.map((r) => [r.name, logicalId(stack.api.functionFor(r.name))] as const), ...others]) {
      const ses = sesStatements(resources, fnId);
      expect(ses, name).toHaveLength(1);
      expect(asArray(ses[0]!.Action), name).toEqual(['ses:SendEmail']);
      expect(asArray(ses[0]!.Resource).map(render).sort(), name).toEqual([identity('pont@study.example.gov.wales'), identity('study.example.gov.wales')].sort());
      expect(resources[fnId]!.Properties.Environment.Variables, name).toMatchObject({ MAIL_FROM: MAIL.mailFrom, PUBLIC_WEB_URL: MAIL.webUrl, STUDY_TEAM_EMAIL: MAIL.studyTeamEmail });
    }
    for (const route of deployedRoutes.filter((r) => !r.sendsEmail)) {
      const fnId = logicalId(stack.api.functionFor(route.name));
      expect(sesStatements(resources, fnId), route.name).toEqual([]);
      // Starting a link job is told the mail settings (to refuse email where none is set up), never granted sending.
      if (route.linkJobs === 'start') expect(resources[fnId]!.Properties.Environment.Variables, route.name).toMatchObject({ MAIL_FROM: MAIL.mailFrom });
      else expect(resources[fnId]!.Properties.Environment.Variables, route.name).not.toHaveProperty('MAIL_FROM');
    }
  });

  it('refuses a sender without the web address links must point to', () => {
    expect(() => synth({ mailFrom: MAIL.mailFrom })).toThrow(/webUrl/);
  });

  it('refuses at synth, naming the context key, any mail setting the functions\' configuration (functions/config.ts) would refuse', () => {
    // Each passed synth before, and then every request of the mail-sending functions failed with "configuration is incomplete".
    const refused: Array<[key: keyof typeof MAIL, value: string]> = [
      ['studyTeamEmail', 'not-an-email'],
      ['mailFrom', 'pont@study.example.gov.wales,'],
      ['mailFrom', 'pont@study..example.gov.wales'],
      ['webUrl', 'https://pont example.gov.wales'],
    ];
    for (const [key, value] of refused) {
      expect(() => synth({ ...MAIL, [key]: value }), `${key}=${value}`).toThrow(
        new RegExp(`^Invalid ${key} "${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" \\(-c ${key}=…\\): .*configuration is incomplete`),
      );
    }
    // Well-formed values (MAIL, synthesised above) pass, as does an address with a tag.
    const { stack, resources, logicalId } = synth({ ...MAIL, studyTeamEmail: 'pont+team@study.example.gov.wales' });
    expect(resources[logicalId(stack.reminders.function)]!.Properties.Environment.Variables).toMatchObject({ STUDY_TEAM_EMAIL: 'pont+team@study.example.gov.wales' });
  });
});

describe('PontStack (bundled)', () => {
  it('bundles every function as a single CommonJS file that loads with the environment the stack gives it', () => {
    const { template, outdir, stack, logicalId } = synthPontStack({ bundle: true });
    onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    const resources: Record<string, Resource> = template.toJSON().Resources;

    for (const route of deployedRoutes) {
      const fn = resources[logicalId(stack.api.functionFor(route.name))]!;
      const assetPath = fn.Metadata?.['aws:asset:path'];
      expect(assetPath, route.name).toMatch(/^asset\./);
      const assetDir = path.join(outdir, assetPath);
      expect(readdirSync(assetDir).sort(), route.name).toEqual(['index.js']);

      const file = path.join(assetDir, 'index.js');
      const code = readFileSync(file, 'utf8');
      // CommonJS throughout: no ES module syntax left for Lambda's require() to trip on.
      expect(code, route.name).not.toMatch(/^\s*(import|export)\s*[{*\w]/m);
      // The SDK's credential chain is swapped for the environment alone (bundling.ts LAMBDA_ALIASES): no STS client.
      expect(code.includes('AssumeRoleWithWebIdentity'), route.name).toBe(false);

      // Load it in a fresh Node process, as Lambda would, with the stack's variables.
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-2' };
      for (const [name, value] of Object.entries(fn.Properties.Environment.Variables)) {
        env[name] = typeof value === 'string' ? value : `resolved-${name}`;
      }
      const kind = execFileSync(
        process.execPath,
        ['-e', `process.stdout.write(typeof require(${JSON.stringify(file)}).handler);`],
        { env, encoding: 'utf8' },
      );
      expect(kind, route.name).toBe('function');
    }
  }, 300_000); // esbuild runs once per function: over a minute when the 2 cores are busy
});
