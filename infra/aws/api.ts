/**
 * API: one HTTP API (API Gateway v2) and, for every entry of the route table
 * it is given, one Lambda function and one route. The route table
 * (functions/routes.ts) is the only place routes are declared.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Route, RouteAccess } from '../../functions/routes.js';

/** Repository root, independent of the process's working directory. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const handlerEntry = (route: Pick<Route, 'handler'>): string =>
  path.join(repoRoot, 'functions', 'handlers', `${route.handler}.ts`);

/** Turning sourcemaps on also sets NODE_OPTIONS=--enable-source-maps (costs cold-start time). */
const SOURCE_MAPS = false;

/** Stage-wide limits (requests per second). Per-route limits can be added via CfnStage routeSettings. */
const THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export type PontApiProps = {
  table: ITable;
  /** Normally `deployedRoutes`: embedded-only routes must not be passed here. */
  routes: readonly Route[];
};

export class PontApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly url: string;
  private readonly functions = new Map<string, NodejsFunction>();

  constructor(scope: Construct, id: string, props: PontApiProps) {
    super(scope, id);
    assertRoutesDeployable(props.routes);

    // The default stage is declared explicitly because the one HttpApi creates
    // for itself takes no throttle settings.
    this.httpApi = new HttpApi(this, 'HttpApi', { createDefaultStage: false });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
    });
    this.url = this.stage.url;

    for (const route of props.routes) {
      const fn = this.routeFunction(route, props.table);
      if (route.tableAccess === 'readWrite') {
        props.table.grantReadWriteData(fn);
      } else {
        props.table.grantReadData(fn);
      }
      this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn),
        authorizer: authorizerFor(route.access),
      });
      this.functions.set(route.name, fn);
    }
  }

  /** The function serving the named route (tests and later wiring use this). */
  functionFor(routeName: string): NodejsFunction {
    const fn = this.functions.get(routeName);
    if (!fn) throw new Error(`No deployed function for route ${routeName}`);
    return fn;
  }

  private routeFunction(route: Route, table: ITable): NodejsFunction {
    return new NodejsFunction(this, route.name, {
      description: `${route.method} ${route.path}`,
      entry: handlerEntry(route),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      environment: {
        TABLE_NAME: table.tableName,
        AUTH_MODE: 'cognito',
        ...(SOURCE_MAPS ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      logGroup: new LogGroup(this, `${route.name}Logs`, { retention: RetentionDays.ONE_MONTH }),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: SOURCE_MAPS,
        // Prefer packages' ES module builds: better tree shaking of the SDK.
        mainFields: ['module', 'main'],
        // CommonJS dependencies bundled into an ES module still call require().
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // Bundle the AWS SDK rather than use the runtime's copy: the deployed
        // code then runs exactly the SDK version pinned in package-lock.json,
        // the one the tests and the embedded mode run, and a runtime SDK update
        // cannot change behaviour underneath a deployed stack.
        externalModules: [],
        forceDockerBundling: false,
      },
    });
  }
}

/**
 * The one place route access maps to API Gateway authorization.
 * Issue 5: researcher routes get a Cognito JWT authorizer here (and the
 * functions COGNITO_ISSUER / COGNITO_CLIENT_ID). Until then handlers verify
 * researcher tokens themselves.
 */
function authorizerFor(access: RouteAccess): IHttpRouteAuthorizer | undefined {
  switch (access.kind) {
    case 'respondent': // the token in the path is the credential
    case 'public':
      return undefined;
    case 'researcher':
      return undefined; // TODO(issue 5): HttpJwtAuthorizer on the Cognito user pool
  }
}

function assertRoutesDeployable(routes: readonly Route[]): void {
  const problems: string[] = [];
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const route of routes) {
    if (route.embeddedOnly) problems.push(`${route.name} is embedded-only and must not be deployed`);
    if (!/^[a-z0-9-]+$/.test(route.handler)) problems.push(`${route.name}: bad handler name "${route.handler}"`);
    else if (!existsSync(handlerEntry(route))) problems.push(`${route.name}: missing ${path.relative(repoRoot, handlerEntry(route))}`);
    if (names.has(route.name)) problems.push(`duplicate route name ${route.name}`);
    const key = `${route.method} ${route.path}`;
    if (keys.has(key)) problems.push(`duplicate route ${key}`);
    names.add(route.name);
    keys.add(key);
  }
  if (problems.length) throw new Error(`Route table cannot be deployed:\n  ${problems.join('\n  ')}`);
}
