/**
 * API: one HTTP API (API Gateway v2) and, for every entry of the route table
 * it is given, one Lambda function and one route. The route table
 * (functions/routes.ts) is the only place routes are declared.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type CorsPreflightOptions,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { trafficClassOf, type Route, type RouteAccess, type TrafficClass } from '../../functions/routes.js';
import { grantAccountLookup, type ResearcherAuth } from './auth.js';
import { grantSendEmail, mailEnvironment, type MailSettings } from './mail.js';
import type { PontLinkJobs } from './link-jobs.js';
import type { PontExports } from './exports.js';
import { pontFunction, pontLogGroup, repoRoot } from './lambda.js';
import { acknowledge, bucketRead, keyUse, lambdaFunction, tableIndexes } from './nag.js';

export { repoRoot };

export const handlerEntry = (route: Pick<Route, 'handler'>): string =>
  path.join(repoRoot, 'functions', 'handlers', `${route.handler}.ts`);

/**
 * Requests per second (rate) and in one burst, for each route of a class: API
 * Gateway counts every route on its own (issue #19, item 6). Respondents get
 * room for a whole class opening their links in the same minute; researcher
 * routes are used by a handful of people; starting an export runs the
 * 15-minute, 1 GB worker, so it is held to one a second. Warm, a respondent
 * call takes about 50 ms, so one flooded route at its limit holds about
 * 3 concurrent executions (docs/aws.md, "Throttling and quotas").
 */
export const ROUTE_THROTTLE: Readonly<Record<TrafficClass, { rateLimit: number; burstLimit: number }>> = {
  respondent: { rateLimit: 50, burstLimit: 100 },
  public: { rateLimit: 20, burstLimit: 40 },
  researcher: { rateLimit: 10, burstLimit: 20 },
  export: { rateLimit: 1, burstLimit: 2 },
};
/** For a route the table does not name (none today): the tightest class. */
const DEFAULT_ROUTE_THROTTLE = ROUTE_THROTTLE.researcher;

/**
 * Access log lines: the route's template (`GET /api/s/{token}`, never the
 * token itself), status and timings. No IP address, user agent or path.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  route: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
} as const;

export type PontApiProps = {
  table: ITable;
  /** Contact details: only routes with `identityAccess` get it, and its name. */
  identityTable: ITable;
  /** Normally `deployedRoutes`: embedded-only routes must not be passed here. */
  routes: readonly Route[];
  /** The researcher user pool: researcher routes are authorized against it; routes with `readsAccounts` look accounts up in it. */
  researcherAuth: ResearcherAuth;
  /** Email through SES: routes with `sendsEmail` are told the sender and granted sending; unset, nothing is sent. */
  mail?: MailSettings;
  /** Dataset exports: routes with `exportAccess` start the worker or sign downloads from the bucket. */
  exports: PontExports;
  /** Link jobs: routes with `linkJobs: 'start'` start the worker. */
  linkJobs: PontLinkJobs;
  /** Encrypts the functions' log groups. */
  key: IKey;
  /** What CloudFront sends with every request: each route function is told, and refuses requests without it. */
  originSecret: { environment: Record<string, string> };
  /**
   * Other sites allowed to call the API from a browser (CORS). Normally none:
   * the web app reaches the API through the same CloudFront origin.
   */
  allowedOrigins?: readonly string[];
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
    const cors = corsFor(props.routes, props.allowedOrigins ?? []);
    this.httpApi = new HttpApi(this, 'HttpApi', { createDefaultStage: false, ...(cors ? { corsPreflight: cors } : {}) });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: DEFAULT_ROUTE_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(pontLogGroup(this, 'AccessLogs', props.key)),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;

    // One authorizer, shared by every researcher route.
    const researcherAuthorizer = new HttpJwtAuthorizer('ResearcherJwt', props.researcherAuth.issuer, {
      jwtAudience: [props.researcherAuth.clientId],
      identitySource: ['$request.header.Authorization'],
    });

    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of props.routes) {
      const fn = this.routeFunction(route, props, props.researcherAuth);
      for (const [name, value] of Object.entries(props.originSecret.environment)) fn.addEnvironment(name, value);
      if (route.sendsEmail && props.mail) {
        for (const [name, value] of Object.entries(mailEnvironment(props.mail))) fn.addEnvironment(name, value);
        grantSendEmail(fn, props.mail);
      }
      if (route.tableAccess === 'readWrite') {
        props.table.grantReadWriteData(fn);
      } else {
        props.table.grantReadData(fn);
      }
      if (route.identityAccess === 'readWrite') props.identityTable.grantReadWriteData(fn);
      if (route.identityAccess === 'read') props.identityTable.grantReadData(fn);
      if (route.readsAccounts) grantAccountLookup(fn, props.researcherAuth.userPool);
      if (route.exportAccess === 'start') {
        // The worker as deployed ($LATEST, by name): Pont publishes no versions or aliases of it.
        props.exports.worker.grantInvokeLatestVersion(fn);
        fn.addEnvironment('EXPORT_WORKER_FUNCTION', props.exports.worker.functionName);
      }
      if (route.linkJobs === 'start') {
        if (props.mail) for (const [name, value] of Object.entries(mailEnvironment(props.mail))) fn.addEnvironment(name, value);
        props.linkJobs.worker.grantInvokeLatestVersion(fn);
        fn.addEnvironment('LINK_WORKER_FUNCTION', props.linkJobs.worker.functionName);
      }
      if (route.exportAccess === 'download') {
        // Signs GetObject URLs for packages, and nothing else on the bucket (no listing, no bucket settings):
        // S3 checks s3:GetObject, and kms:Decrypt of the bucket's key, against this role when a URL is used.
        // By name, not by the bucket resource: see exports.ts.
        fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [props.exports.byName.arnForObjects('*')] }));
        props.exports.byName.encryptionKey?.grantDecrypt(fn);
        fn.addEnvironment('EXPORT_BUCKET', props.exports.bucketName);
      }
      const authorizer = authorizerFor(route.access, researcherAuthorizer);
      const [apiRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn),
        authorizer,
      });
      const limits = ROUTE_THROTTLE[trafficClassOf(route)];
      routeSettings[`${route.method} ${route.path}`] = { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit };
      // API Gateway refuses settings for a route key that does not exist yet,
      // and a stage is otherwise created before the routes.
      if (apiRoute) this.stage.node.addDependency(apiRoute);
      if (!authorizer && apiRoute) {
        Validations.of(apiRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'A respondent route: the personal-link token in the path is the credential, checked by the function against its SHA-256 (Cognito is for researchers).',
        });
      }
      acknowledge(fn, [
        ...lambdaFunction,
        tableIndexes(props.table),
        ...(route.tableAccess === 'readWrite' || route.identityAccess === 'readWrite' ? keyUse : []),
        ...(route.exportAccess === 'download' ? bucketRead(props.exports.byName) : []),
      ]);
      this.functions.set(route.name, fn);
    }
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
  }

  /** The function serving the named route (tests and later wiring use this). */
  functionFor(routeName: string): NodejsFunction {
    const fn = this.functions.get(routeName);
    if (!fn) throw new Error(`No deployed function for route ${routeName}`);
    return fn;
  }

  /** Every function serving a route, by route name. */
  get routeFunctions(): ReadonlyMap<string, NodejsFunction> {
    return this.functions;
  }

  private routeFunction(route: Route, { table, identityTable, key }: Pick<PontApiProps, 'table' | 'identityTable' | 'key'>, researcherAuth: ResearcherAuth): NodejsFunction {
    return pontFunction(this, route.name, {
      description: `${route.method} ${route.path}`,
      entry: handlerEntry(route),
      memorySize: 512,
      timeout: Duration.seconds(10),
      key,
      environment: {
        TABLE_NAME: table.tableName,
        ...(route.identityAccess ? { IDENTITY_TABLE_NAME: identityTable.tableName } : {}),
        AUTH_MODE: 'cognito',
        // Only functions that verify researcher tokens are told which pool and
        // client to trust: respondent functions never read them (config.ts has
        // them optional), and leaving them out keeps a user pool or client
        // change from touching the respondent functions.
        ...(route.access.kind === 'researcher'
          ? { COGNITO_ISSUER: researcherAuth.issuer, COGNITO_CLIENT_ID: researcherAuth.clientId }
          : {}),
      },
    });
  }
}

/**
 * The one place route access maps to API Gateway authorization.
 *
 * Researcher routes: API Gateway checks the Cognito JWT (signature, expiry,
 * issuer, audience) before the function runs. Cognito access tokens carry the
 * app client id in `client_id` and have no `aud`; the HTTP API JWT authorizer
 * checks `aud` and, only when `aud` is absent, `client_id` against the
 * audience list, so access tokens (and id tokens, whose `aud` is the client
 * id) from the web console's client pass. See
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html
 *
 * The handler still verifies the token itself and checks the role (defence in
 * depth; embedded mode has no API Gateway and runs the same code path).
 */
function authorizerFor(access: RouteAccess, researcher: IHttpRouteAuthorizer): IHttpRouteAuthorizer | undefined {
  switch (access.kind) {
    case 'respondent': // the token in the path is the credential
    case 'public':
      return undefined;
    case 'researcher':
      return researcher;
  }
}

/** CORS only when other origins are allowed; the methods are those of the route table. */
function corsFor(routes: readonly Route[], origins: readonly string[]): CorsPreflightOptions | undefined {
  if (origins.length === 0) return undefined;
  return {
    allowOrigins: [...origins],
    allowMethods: [...new Set(routes.map((route) => CorsHttpMethod[route.method]))],
    allowHeaders: ['authorization', 'content-type'],
    maxAge: Duration.hours(1),
  };
}

function assertRoutesDeployable(routes: readonly Route[]): void {
  const problems: string[] = [];
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const route of routes) {
    if (route.embeddedOnly) problems.push(`${route.name} is embedded-only and must not be deployed`);
    if (!/^[a-z0-9-]+$/.test(route.handler)) problems.push(`${route.name}: bad handler name "${route.handler}"`);
    else if (!existsSync(handlerEntry(route))) problems.push(`${route.name}: missing ${path.relative(repoRoot, handlerEntry(route))}`);
    // The pool to look accounts up in comes from COGNITO_ISSUER, which only researcher routes are told.
    if (route.readsAccounts && route.access.kind !== 'researcher') problems.push(`${route.name}: only a researcher route can look accounts up`);
    if (names.has(route.name)) problems.push(`duplicate route name ${route.name}`);
    const key = `${route.method} ${route.path}`;
    if (keys.has(key)) problems.push(`duplicate route ${key}`);
    names.add(route.name);
    keys.add(key);
  }
  if (problems.length) throw new Error(`Route table cannot be deployed:\n  ${problems.join('\n  ')}`);
}
