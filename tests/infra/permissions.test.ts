/**
 * The AWS permissions fit the code (issue #19). The embedded platform runs
 * the handlers with no IAM at all, so a grant the code needs and the stack
 * lacks shows only when a deploy fails, and one the stack gives and nothing
 * uses never shows. This test runs the code and compares what it did with
 * what the synthesised stack allows, function by function.
 *
 * 1. A journey through every deployed route (`deployedRoutes`), the export
 *    worker, the daily reminder run, the sign-in audit trigger and the data
 *    upgrades runner: the real handlers, called through the embedded API
 *    Gateway adapter as tests/support/call-route.ts calls them, against
 *    DynamoDB Local (useTestTable). Each call runs as its own function would
 *    in Lambda:
 *     - with the environment the stack gives that function (its template
 *       variables, evaluated with tests/infra/cfn-values.ts), so in AWS mode:
 *       AUTH_MODE cognito (tokens signed by a key whose JWKS is served at the
 *       issuer's address), CloudFront's origin header sent;
 *     - on a cold container: a fresh copy of Pont's modules (vi.resetModules),
 *       so no cache another function filled hides a read. A warm container
 *       makes a subset of these calls, never others.
 *    tests/support/aws-call-recorder.ts records every AWS SDK call made, and
 *    which IAM actions on which resources each needs (for TransactWriteItems
 *    and TransactGetItems, the per-item actions; BatchGetItem and
 *    BatchWriteItem are IAM actions of their own; a Query on an index is on
 *    the index's ARN).
 *
 *    The services embedded mode replaces run through their AWS adapters, not
 *    the embedded ones, so the calls recorded are the ones AWS would see:
 *     - Cognito lookups (functions/auth/user-directory.ts): the real SDK
 *       client against tests/support/fake-cognito.ts over HTTP
 *       (COGNITO_ENDPOINT), which answers ListUsers and AdminListGroupsForUser;
 *     - the S3 export store, the SES mailer and the Lambda invoke of the
 *       export worker: tests/support has no local stand-in for these, so the
 *       real adapters (S3ExportStore, SesMailer, export-jobs.ts's LambdaClient)
 *       build, sign and serialise each request through the real SDK client,
 *       and the recorder answers it in-process instead of sending it. The
 *       download URL is presigned by the real S3 presigner (recorded as the
 *       GetObject its holder makes with this function's permissions). The
 *       worker then runs with the exact payload CreateExport's Invoke carried,
 *       and the emailed link is read from the SES request, as the participant
 *       would read the email.
 *    Nothing is taken from the route table's flags (sendsEmail, readsAccounts,
 *    exportAccess, tableAccess, identityAccess): they are what is checked.
 *
 * 2. The stack is synthesised (with a mail sender, so email is granted) and
 *    each function's role policies are collected, their resources evaluated to
 *    ARNs with the same made-up account and region as the recorded calls.
 *
 * 3. Every recorded call must be allowed by its function's policy (IAM's
 *    wildcard matching of actions and resources, so `/index/*` covers a Query
 *    on an index), and every granted (action, resource) must be used by a
 *    recorded call of that function, or be excused by ALLOWED_UNUSED below:
 *    keyed by action, each with its reason and the condition it holds under
 *    (for CDK's bundles: only where the function uses the bundle on that
 *    resource), so a grant nothing needs fails, and so does an entry that
 *    excuses nothing. WRITE_ONLY_ROUTES names, with why, the routes given
 *    reads they do not make because the route table has no write-only access.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { Config } from '../../functions/config.js';
import { deployedRoutes, routes } from '../../functions/routes.js';
import { identityTable, mainTable } from '../../functions/storage/table-definition.js';
import { upgradeIds } from '../../functions/upgrades/upgrades.js';
import { buildEvent, compileRoutes, invoke, matchRoute, type LambdaHandler } from '../../infra/local/api-gateway.js';
import { AwsCallRecorder, iamRequestsOf, type IamRequest } from '../support/aws-call-recorder.js';
import type { RouteCall, RouteResult } from '../support/call-route.js';
import { startFakeCognito, type FakeCognito } from '../support/fake-cognito.js';
import { useTestTable } from '../support/test-table.js';
import { evaluate, PSEUDO } from './cfn-values.js';
import { repoRoot } from '../../infra/aws/lambda.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string | string[] };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; [other: string]: unknown };
/** One granted action (as written: it may hold wildcards) on one resource (an ARN pattern), for one function. */
type Grant = { fn: string; action: string; resource: string };

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

const MAIL = { mailFrom: 'pont@study.example.gov.wales', webUrl: 'https://pont.example.gov.wales', studyTeamEmail: 'team@study.example.gov.wales' };
const ARN = { partition: PSEUDO['AWS::Partition'], region: PSEUDO['AWS::Region'], account: PSEUDO['AWS::AccountId'] };
const arnOf = (service: string, resource: string, region: string = ARN.region) => `arn:${ARN.partition}:${service}:${region}:${ARN.account}:${resource}`;
const DAY = 24 * 3600_000;

/** AWSLambdaBasicExecutionRole, the only managed policy a Pont function's role may have: the runtime's own logging. */
const BASIC_EXECUTION_ROLE = 'service-role/AWSLambdaBasicExecutionRole';
const BASIC_EXECUTION_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

/** IAM's matching: `*` any run of characters, `?` one; actions ignore case. */
const glob = (pattern: string, flags = '') => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, flags);
const actionMatches = (pattern: string, action: string) => glob(pattern, 'i').test(action);
const resourceMatches = (pattern: string, arn: string) => glob(pattern).test(arn);

/** The table an ARN (of a table or one of its indexes) belongs to. */
const tableOf = (arn: string) => arn.replace(/\/index\/.*$/, '');

const READS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem'];
const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** What an excuse may look at: what the function did, and the stack. */
type Facts = {
  /** The main table's ARN. */
  mainTable: string;
  requests: (fn: string) => IamRequest[];
  /** The function made one of these actions on this table (or its indexes). */
  usedOnTable: (fn: string, table: string, actions: readonly string[]) => boolean;
  /** The function made one of these actions on a resource encrypted with this key (a table, the export bucket). */
  usedEncryptedBy: (fn: string, key: string, actions: readonly string[] | 'any') => boolean;
  /** The queues Lambda itself sends this function's failed invocations to (dead-letter queue, on-failure destination), by ARN. */
  failureQueues: (fn: string) => string[];
  /** The queues encrypted with this key, by ARN. */
  queuesEncryptedBy: (key: string) => string[];
};

type Excuse = { reason: string; holds: (grant: Grant, facts: Facts) => boolean };

/**
 * Routes that only write the main table (conditional writes, audit entries):
 * the route table has no write-only access (tableAccess is 'read' or
 * 'readWrite'), so they are given CDK's read bundle with the writes. Each
 * must still read nothing there, or its entry is stale.
 */
const WRITE_ONLY_ROUTES: Record<string, string> = {
  CreateStudy: 'one conditional transaction (study, consent text, first owner) and an audit entry; the creator is looked up in Cognito (a study declaring disclosure control for a question also reads that instrument\'s versions, which this journey\'s study does not)',
  PublishInstrumentVersion: 'one transaction: the version, conditional (a refusal returns the stored version with it), its library entry and an audit entry',
  PublishInstrument: 'as PublishInstrumentVersion, at the id and version the uploaded file names',
};

const writesTheTable: Excuse['holds'] = (g, f) => f.usedOnTable(g.fn, tableOf(g.resource), WRITES);
const readsTheTable: Excuse['holds'] = (g, f) =>
  f.usedOnTable(g.fn, tableOf(g.resource), READS) || (WRITE_ONLY_ROUTES[g.fn] !== undefined && tableOf(g.resource) === f.mainTable && writesTheTable(g, f));
const cdkReads = 'CDK\'s grantReadData grants the read actions as one bundle: allowed unused only where the function reads that table (or is one of WRITE_ONLY_ROUTES)';
const cdkWrites = 'CDK\'s grantWriteData grants the write actions as one bundle: allowed unused only where the function writes that table';
const usesKeyFor = (actions: readonly string[] | 'any', sendsToQueue: boolean): Excuse['holds'] => (g, f) =>
  f.usedEncryptedBy(g.fn, g.resource, actions) || (sendsToQueue && f.failureQueues(g.fn).some((q) => f.queuesEncryptedBy(g.resource).includes(q)));
const usedWithPutObject: Excuse['holds'] = (g, f) => f.requests(g.fn).some((r) => r.action === 's3:PutObject' && r.resources.some((arn) => resourceMatches(g.resource, arn)));
const failureQueue: Excuse['holds'] = (g, f) => f.failureQueues(g.fn).some((q) => resourceMatches(g.resource, q));

/**
 * Grants no recorded call uses that are allowed all the same, by action as the
 * policy writes it. Each holds only under its condition (so a whole unused
 * grant still fails), and an entry that excuses nothing fails the test too.
 */
const ALLOWED_UNUSED: Record<string, Excuse> = {
  'dynamodb:GetItem': { reason: cdkReads, holds: readsTheTable },
  'dynamodb:Query': { reason: cdkReads, holds: readsTheTable },
  'dynamodb:Scan': { reason: `${cdkReads}; Pont scans only for embedded-mode accounts (storage/users.ts) and in data upgrade 0003 (once per table)`, holds: readsTheTable },
  'dynamodb:BatchGetItem': { reason: cdkReads, holds: readsTheTable },
  'dynamodb:ConditionCheckItem': { reason: `${cdkReads} (a transaction's condition check)`, holds: readsTheTable },
  'dynamodb:GetRecords': { reason: `${cdkReads}; a stream read, and Pont's tables have no stream`, holds: readsTheTable },
  'dynamodb:GetShardIterator': { reason: `${cdkReads}; a stream read, and Pont's tables have no stream`, holds: readsTheTable },
  'dynamodb:PutItem': { reason: cdkWrites, holds: writesTheTable },
  'dynamodb:UpdateItem': { reason: cdkWrites, holds: writesTheTable },
  'dynamodb:DeleteItem': { reason: cdkWrites, holds: writesTheTable },
  'dynamodb:BatchWriteItem': { reason: `${cdkWrites}; only the demo-cohort CLI batch-writes`, holds: writesTheTable },
  'dynamodb:DescribeTable': {
    reason: 'In both CDK table bundles; Pont never describes a table: allowed unused only where the function reads or writes that table',
    holds: (g, f) => f.usedOnTable(g.fn, tableOf(g.resource), [...READS, ...WRITES]),
  },
  'kms:Decrypt': {
    reason: 'DynamoDB, S3 and SQS use the stage\'s key on the caller\'s behalf (Pont\'s code makes no KMS call): allowed where the function uses a resource encrypted with it',
    holds: usesKeyFor('any', true),
  },
  'kms:DescribeKey': { reason: 'As kms:Decrypt: in CDK\'s grants on a resource encrypted with the key', holds: usesKeyFor('any', true) },
  'kms:Encrypt': {
    reason: 'Writing to a resource encrypted with the stage\'s key (DynamoDB, S3, the dead-letter queue): allowed where the function writes one',
    holds: usesKeyFor([...WRITES, 's3:PutObject'], true),
  },
  'kms:ReEncrypt*': { reason: 'As kms:Encrypt: in CDK\'s write grants on a resource encrypted with the key', holds: usesKeyFor([...WRITES, 's3:PutObject'], true) },
  'kms:GenerateDataKey*': { reason: 'As kms:Encrypt: in CDK\'s write grants on a resource encrypted with the key', holds: usesKeyFor([...WRITES, 's3:PutObject'], true) },
  'sqs:SendMessage': { reason: 'Lambda itself sends the function\'s failed invocations to its dead-letter queue or on-failure destination, with the function\'s role', holds: failureQueue },
  'sqs:GetQueueAttributes': { reason: 'In CDK\'s grant for a failure queue (grantSendMessages, SqsDestination): allowed on the function\'s own failure queue only', holds: failureQueue },
  'sqs:GetQueueUrl': { reason: 'In CDK\'s grant for a failure queue (grantSendMessages, SqsDestination): allowed on the function\'s own failure queue only', holds: failureQueue },
  'lambda:InvokeFunction': {
    reason: 'CDK\'s grantInvokeLatestVersion names $LATEST both ways: the function\'s ARN, which the unqualified Invoke uses, and ARN:$LATEST, the same code',
    holds: (g, f) => g.resource.endsWith(':$LATEST') && f.requests(g.fn).some((r) => r.action === 'lambda:InvokeFunction' && r.resources.includes(g.resource.slice(0, -':$LATEST'.length))),
  },
  's3:AbortMultipartUpload': {
    reason: 'lib-storage aborts a multipart upload that fails (a package over 5 MB is uploaded in parts; the journey\'s package is one part): allowed where the function puts those objects',
    holds: usedWithPutObject,
  },
  'logs:CreateLogGroup': { reason: `${BASIC_EXECUTION_ROLE}: the Lambda runtime writes the function's logs, not its code`, holds: () => true },
  'logs:CreateLogStream': { reason: `${BASIC_EXECUTION_ROLE}: the Lambda runtime writes the function's logs, not its code`, holds: () => true },
  'logs:PutLogEvents': { reason: `${BASIC_EXECUTION_ROLE}: the Lambda runtime writes the function's logs, not its code`, holds: () => true },
};

const table = useTestTable();
const recorder = new AwsCallRecorder();
const compiled = compileRoutes(routes);

let s: ReturnType<typeof synthPontStack>;
let resources: Record<string, Resource>;
let fake: FakeCognito;
/** Function name (route name, or a worker's) → its Lambda function's logical id. */
const functionIds = new Map<string, string>();
/** Ref and Fn::GetAtt values of every resource, for evaluating the template as deployed. */
const attributes: Record<string, string> = {};
const savedEnv = { ...process.env };
const realFetch = globalThis.fetch;
let signingKey: CryptoKey;
/** Statuses each function answered with, by function name. */
const answered = new Map<string, number[]>();
/** Set when the journey ran to its end: the checks after it judge nothing otherwise. */
let journeyDone = false;

const WORKERS = ['ExportWorker', 'LinkWorker', 'Reminders', 'SignInAudit', 'Upgrades'] as const;
const WORKER_NAME = 'pont-test-export-worker';
const LINK_WORKER_NAME = 'pont-test-link-worker';
const STUDY = 'perm-study';

/** Every variable a function's configuration reads: removed before each function is given its own. */
const CONFIG_VARIABLES = Object.keys(Config.shape);

/** The function's variables as the stack sets them, evaluated as CloudFormation would. */
function environmentOf(fn: string): Record<string, string> {
  const variables = resources[functionIds.get(fn)!]!.Properties.Environment?.Variables ?? {};
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, evaluate(value, attributes)]));
}

/**
 * Runs `work` as the named function on a cold container of its own: with its
 * environment (and this machine's endpoints), a fresh copy of Pont's modules
 * (so no cache filled by another function hides a read; `load` imports from
 * that copy), and every AWS call it makes recorded against it.
 */
async function as<T>(fn: string, work: (load: <M>(file: string) => Promise<M>) => Promise<T>): Promise<T> {
  for (const name of CONFIG_VARIABLES) delete process.env[name];
  Object.assign(process.env, {
    // Lambda's own, and where this machine's stand-ins are.
    AWS_REGION: ARN.region,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    COGNITO_ENDPOINT: fake.endpoint,
    ...environmentOf(fn),
  });
  vi.resetModules();
  const load = <M>(file: string) => import(pathToFileURL(path.join(repoRoot, file)).href) as Promise<M>;
  return recorder.run(fn, () => work(load));
}

type Handler<E, R> = { handler: (event: E) => Promise<R> };

/** A Cognito access token for a user of the fake pool, as the web console sends it. */
async function bearer(email: string): Promise<Record<string, string>> {
  const user = fake.users.get(email)!;
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ 'cognito:groups': user.groups ?? [], client_id: fake.clientId, token_use: 'access', username: user.username })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setSubject(user.username)
    .setIssuer(issuer())
    .setIssuedAt(now)
    .setExpirationTime(now + 30 * 24 * 3600)
    .sign(signingKey);
  return { authorization: `Bearer ${token}` };
}
const issuer = () => `https://cognito-idp.${ARN.region}.amazonaws.com/${fake.userPoolId}`;
const sub = (email: string) => fake.users.get(email)!.username;

/** Calls a deployed route as CloudFront would pass it on, as its own function. */
async function route(method: string, url: string, call: RouteCall & { by?: string } = {}): Promise<RouteResult> {
  const matched = matchRoute(compiled, method, new URL(url, 'http://localhost').pathname);
  if (!matched) throw new Error(`No route for ${method} ${url}`);
  const fn = matched.route.name;
  if (!functionIds.has(fn)) throw new Error(`${fn} is not deployed`);
  const env = environmentOf(fn);
  const headers = {
    ...(env.ORIGIN_VERIFY_SECRET ? { 'x-pont-origin-verify': env.ORIGIN_VERIFY_SECRET } : {}),
    'cloudfront-viewer-address': '198.51.100.7:50123',
    ...(call.by ? await bearer(call.by) : {}),
    ...call.headers,
  };
  // As tests/support/call-route.ts does it, but with the handler of this function's own container.
  const body = call.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof call.body === 'string' ? call.body : JSON.stringify(call.body));
  const contentType = call.body !== undefined && typeof call.body !== 'string' ? { 'content-type': 'application/json' } : {};
  const event = buildEvent({ url, headers: { ...contentType, ...headers }, body, sourceIp: '198.51.100.7', httpVersion: '1.1' }, matched.route, matched.pathParameters);
  const answer = await as(fn, async (load) => invoke((await load<{ handler: LambdaHandler }>(`functions/handlers/${matched.route.handler}.ts`)).handler, event, matched.route));
  const text = answer.body ?? '';
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const result: RouteResult = { status: answer.statusCode ?? 200, headers: (answer.headers ?? {}) as Record<string, string>, json, text };
  answered.set(fn, [...(answered.get(fn) ?? []), result.status]);
  return result;
}

/** Expects a status, showing the body when it is another. */
function expectStatus(result: RouteResult, status: number, what: string): void {
  expect(result.status, `${what}: ${result.text}`).toBe(status);
}

const OWNER = 'owner@study.example.org';
const RESEARCHER = 'researcher@study.example.org';
const ANALYST = 'analyst@study.example.org';
const HELPER = 'helper@study.example.org';
const ADMIN = 'admin@study.example.org';

beforeAll(async () => {
  s = synthPontStack({ context: MAIL });
  resources = s.template.toJSON().Resources;
  for (const route of deployedRoutes) functionIds.set(route.name, s.logicalId(s.stack.api.functionFor(route.name)));
  const workers = { ExportWorker: s.stack.exports.worker, LinkWorker: s.stack.linkJobs.worker, Reminders: s.stack.reminders.function, SignInAudit: s.stack.auth.signInAudit, Upgrades: s.stack.upgrades.function };
  for (const name of WORKERS) functionIds.set(name, s.logicalId(workers[name]));

  fake = await startFakeCognito({
    users: [
      { email: OWNER, password: 'Unused-password-1', groups: ['researcher', 'instrument-author'] },
      { email: RESEARCHER, password: 'Unused-password-1', groups: ['researcher'] },
      { email: ANALYST, password: 'Unused-password-1', groups: ['analyst'] },
      { email: HELPER, password: 'Unused-password-1', groups: ['researcher'] },
      { email: ADMIN, password: 'Unused-password-1', groups: ['admin'] },
    ],
  });

  // Every resource's Ref and Arn as deployed, with the test's own names where the code meets them.
  const refs: Record<string, string> = {
    [mainTable.id]: table.name,
    [identityTable.id]: `${table.name}-identity`,
    [s.logicalId(s.stack.auth.userPool)]: fake.userPoolId,
    [s.logicalId(s.stack.auth.webClient)]: fake.clientId,
    [s.logicalId(s.stack.exports.worker)]: WORKER_NAME,
    [s.logicalId(s.stack.linkJobs.worker)]: LINK_WORKER_NAME,
  };
  for (const [id, resource] of Object.entries(resources)) {
    const ref = refs[id] ?? id;
    attributes[id] = ref;
    attributes[`${id}.Arn`] =
      resource.Type === 'AWS::DynamoDB::Table' ? arnOf('dynamodb', `table/${ref}`)
      : resource.Type === 'AWS::Lambda::Function' ? arnOf('lambda', `function:${ref}`)
      : resource.Type === 'AWS::Cognito::UserPool' ? arnOf('cognito-idp', `userpool/${ref}`)
      : resource.Type === 'AWS::KMS::Key' ? arnOf('kms', `key/${id}`)
      : resource.Type === 'AWS::SQS::Queue' ? arnOf('sqs', id)
      : arnOf(resource.Type.split('::')[1]!.toLowerCase(), id);
  }

  // Cognito's published keys, at the address the functions fetch them from.
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  signingKey = privateKey;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] });
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url === `${issuer()}/.well-known/jwks.json`) return new Response(jwks, { status: 200, headers: { 'content-type': 'application/json' } });
    return realFetch(input, init);
  }) as typeof fetch;
}, 120_000);

afterAll(async () => {
  recorder.uninstall();
  globalThis.fetch = realFetch;
  vi.useRealTimers();
  process.env = savedEnv;
  await fake?.close();
  if (s) rmSync(s.outdir, { recursive: true, force: true });
});

/** The role policy statements of a function (and what its managed policies allow), resources evaluated to ARNs. */
function grantsOf(fn: string): Grant[] {
  const roleId = resources[functionIds.get(fn)!]!.Properties.Role['Fn::GetAtt'][0] as string;
  const role = resources[roleId]!;
  const statements: Statement[] = [
    ...Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: { Ref?: string }) => ref.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]),
    ...((role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((p) => p.PolicyDocument.Statement),
  ];
  const grants: Grant[] = [];
  for (const arn of role.Properties.ManagedPolicyArns ?? []) {
    expect(evaluate(arn, attributes), `${fn}: a managed policy other than the basic execution role`).toBe(`arn:aws:iam::aws:policy/${BASIC_EXECUTION_ROLE}`);
    for (const action of BASIC_EXECUTION_ACTIONS) grants.push({ fn, action, resource: '*' });
  }
  for (const st of statements) {
    // This test evaluates plain Allow statements only: anything else must be taught to it first.
    expect(Object.keys(st).sort(), `${fn}: ${JSON.stringify(st)}`).toEqual(['Action', 'Effect', 'Resource']);
    expect(st.Effect, fn).toBe('Allow');
    for (const action of asArray(st.Action)) {
      for (const resource of asArray(st.Resource)) grants.push({ fn, action, resource: evaluate(resource, attributes) });
    }
  }
  const unique = new Map(grants.map((g) => [`${g.action} ${g.resource}`, g]));
  return [...unique.values()];
}

const allows = (grants: Grant[], request: IamRequest) =>
  grants.some((g) => actionMatches(g.action, request.action) && request.resources.some((arn) => resourceMatches(g.resource, arn)));

describe('AWS permissions fit the code (issue #19)', () => {
  it('runs every deployed function: each route, the export worker, the reminder run, the sign-in audit and the upgrades', async () => {
    const owner = { by: OWNER };
    const researcher = { by: RESEARCHER };
    const analyst = { by: ANALYST };
    const study = `/api/studies/${STUDY}`;
    const t = (en: string) => ({ en, cy: en });

    // An instrument author publishes an instrument; a researcher makes a study (and is its owner) and its team.
    const instrument = JSON.parse(readFileSync(path.join(repoRoot, 'instruments', 'ons4', '1.0.0.json'), 'utf8'));
    expectStatus(await route('PUT', '/api/instruments/ons4/versions/1.0.0', { ...owner, body: instrument }), 201, 'publish');
    expectStatus(await route('PUT', '/api/instruments/ons4/versions/1.0.0', { ...owner, body: instrument }), 200, 'publish again');
    // The console's instrument library: an upload, the list (naming who published, from Cognito) and a comparison.
    const context = JSON.parse(readFileSync(path.join(repoRoot, 'instruments', 'context', '1.0.0.json'), 'utf8'));
    expectStatus(await route('POST', '/api/instruments', { ...owner, body: context }), 201, 'upload an instrument');
    expectStatus(await route('GET', '/api/instruments', analyst), 200, 'list the instrument library');
    expectStatus(await route('GET', '/api/instruments/ons4/diff?from=1.0.0&to=1.0.0', analyst), 200, 'compare two versions');
    // A draft shared for review; a reviewer (no account) opens it and comments; the author reads the comments.
    const draft = await route('POST', '/api/drafts', { ...owner, body: { instrument: { ...instrument, version: '1.1.0' }, days: 7 } });
    expectStatus(draft, 201, 'share a draft');
    const reviewToken = String(draft.json.reviewPath).replace('/review/', '');
    expectStatus(await route('GET', `/api/review/${reviewToken}`), 200, 'open a review link');
    // A token that opens nothing is counted against the client (the route's only write).
    expectStatus(await route('GET', '/api/review/AAAAAAAAAAAAAAAAAAAAAAAA'), 404, 'a review token that opens nothing');
    expectStatus(await route('POST', `/api/review/${reviewToken}/comments`, { body: { questionName: null, text: 'Clear.', language: 'cy' } }), 201, 'comment on a draft');
    expectStatus(await route('GET', '/api/drafts', owner), 200, 'list drafts');
    expectStatus(await route('GET', `/api/drafts/${draft.json.draftId}`, owner), 200, 'read a draft\'s comments');
    const created = await route('POST', '/api/studies', {
      ...owner,
      body: {
        studyId: STUDY,
        title: t('Permissions study'),
        supportContacts: [{ name: t('Helpline'), description: t('Help'), phone: '0800 000 000' }],
        attributes: [{ id: 'local_authority', label: t('Local authority'), values: [{ value: 'cardiff', label: t('Cardiff') }, { value: 'swansea', label: t('Swansea') }], quasiIdentifier: true }],
        groupBy: 'local_authority',
        consent: { version: 'consent-v1', text: t('Do you agree?') },
      },
    });
    expectStatus(created, 201, 'create study');
    for (const [email, role, group] of [[RESEARCHER, 'researcher'], [ANALYST, 'analyst'], [HELPER, 'researcher', 'cardiff']] as const) {
      expectStatus(await route('POST', `${study}/members`, { ...owner, body: { email, role, ...(group ? { group } : {}) } }), 201, `add ${email}`);
    }
    expectStatus(await route('GET', `${study}/members`, owner), 200, 'list members');
    expectStatus(await route('DELETE', `${study}/members/${sub(HELPER)}`, owner), 200, 'remove member');
    expectStatus(await route('POST', `${study}/consents`, { ...owner, body: { version: 'consent-v2', text: t('Do you still agree?') } }), 201, 'add consent text');
    expectStatus(await route('GET', `${study}/consents`, analyst), 200, 'list consent texts');
    const now = Date.now();
    const wave = {
      waveId: 'baseline',
      name: t('Baseline'),
      ordinal: 0,
      window: { kind: 'fixed', opensAt: new Date(now - 3600_000).toISOString(), closesAt: new Date(now + 60 * DAY).toISOString() },
      instruments: [{ id: 'ons4', version: '1.0.0' }],
      consentVersion: 'consent-v1',
      reminders: { afterDays: [1, 2] },
    };
    expectStatus(await route('POST', `${study}/waves`, { ...owner, body: wave }), 201, 'create wave');

    // Participants, their contact details (one replaced), and their links: a sheet for P-3, emails for P-1 and P-2.
    const csv = 'participant_code,local_authority\nP-1,cardiff\nP-2,swansea\nP-3,cardiff\n';
    expectStatus(await route('POST', `${study}/participants/import`, { ...researcher, headers: { 'content-type': 'text/csv' }, body: csv }), 201, 'import');
    expectStatus(await route('PUT', `${study}/participants/P-1/contact`, { ...researcher, body: { email: 'p1@example.org' } }), 200, 'set contact');
    expectStatus(await route('PUT', `${study}/participants/P-2/contact`, { ...researcher, body: { email: 'p2@example.org' } }), 200, 'set contact');
    expectStatus(await route('PUT', `${study}/participants/P-1/contact`, { ...researcher, body: { email: 'p1.new@example.org', reason: 'Moved' } }), 200, 'replace contact');
    expectStatus(await route('GET', `${study}/participants/P-1/contact`, researcher), 200, 'read contact');
    expectStatus(await route('GET', `${study}/participants`, researcher), 200, 'list participants');
    const sheet = await route('POST', `${study}/waves/baseline/links`, { ...researcher, body: { reissue: false, participantCodes: ['P-3'] } });
    expectStatus(sheet, 200, 'issue a sheet link');
    const p3 = /\/s\/([A-Za-z0-9_-]{24})$/.exec(sheet.json.links[0].path)![1]!;
    const sentBefore = recorder.exchanges.length;
    const emailed = await route('POST', `${study}/waves/baseline/links`, {
      ...researcher,
      body: { reissue: false, delivery: 'email', participantCodes: ['P-1', 'P-2'], confirmRecentContactChanges: true },
    });
    expectStatus(emailed, 200, 'email links');
    expect(emailed.json.emailed).toEqual(['P-1', 'P-2']);
    // P-1 opens the link in their email (the SES request's text).
    const p1Email = recorder.exchanges
      .slice(sentBefore)
      .map((exchange) => JSON.parse(exchange.body))
      .find((email) => email.Destination.ToAddresses[0] === 'p1.new@example.org');
    const p1 = new RegExp(`${MAIL.webUrl}/s/([A-Za-z0-9_-]{24})`).exec(p1Email.Content.Simple.Body.Text.Data)![1]!;

    // P-3 answers and asks for a check-in; P-1 starts; a bad link is counted against its client.
    const opened = await route('GET', `/api/s/${p3}`);
    expectStatus(opened, 200, 'open link');
    expectStatus(await route('GET', `/api/s/${randomBytes(18).toString('base64url')}`), 404, 'bad link');
    const { id, version, contentHash } = opened.json.instruments[0];
    expectStatus(await route('GET', `/api/surveys/${id}/${version}/${contentHash}`), 200, 'survey');
    expectStatus(await route('POST', `/api/s/${p3}/consent`, { body: { version: 'consent-v1', decision: 'agreed', language: 'en' } }), 200, 'consent');
    const partial = await route('PUT', `/api/s/${p3}/responses/ons4`, { body: { answers: { ons4_life_satisfaction: 7 }, language: 'en', complete: false, pageName: 'wellbeing', baseRevision: 0 } });
    expectStatus(partial, 200, 'partial save');
    const answers = { ons4_life_satisfaction: 7, ons4_worthwhile: 8, ons4_happiness: 6, ons4_anxiety: 3 };
    expectStatus(await route('PUT', `/api/s/${p3}/responses/ons4`, { body: { answers, language: 'en', complete: true, baseRevision: partial.json.revision } }), 200, 'submit');
    expectStatus(await route('POST', `/api/s/${p3}/check-in`, { body: { language: 'en' } }), 200, 'check-in');
    // The study team is told by email (SES), as the stack's mail settings say.
    const notices = recorder.exchanges.filter((exchange) => exchange.fn === 'RequestCheckIn' && exchange.operation === 'SendEmail').map((exchange) => JSON.parse(exchange.body));
    expect(notices.map((email) => email.Destination.ToAddresses)).toEqual([[MAIL.studyTeamEmail]]);
    expectStatus(await route('GET', `/api/s/${p1}`), 200, 'open emailed link');
    expectStatus(await route('POST', `/api/s/${p1}/consent`, { body: { version: 'consent-v1', decision: 'agreed', language: 'cy' } }), 200, 'consent');
    expectStatus(await route('PUT', `/api/s/${p1}/responses/ons4`, { body: { answers: { ons4_life_satisfaction: 4 }, language: 'cy', complete: false, baseRevision: 0 } }), 200, 'partial save');

    // The team follows up.
    expectStatus(await route('GET', `${study}/check-ins`, researcher), 200, 'list check-ins');
    expectStatus(await route('POST', `${study}/check-ins/baseline/P-3/handled`, researcher), 200, 'check-in handled');
    expectStatus(await route('GET', `${study}/progress`, researcher), 200, 'progress');
    expectStatus(await route('GET', `${study}/waves/baseline/responses`, researcher), 200, 'responses');

    // Reminders come due: the first step sent from the console, the second by the daily run.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(now + 1.5 * DAY);
      const reminded = await route('POST', `${study}/waves/baseline/reminders`, researcher);
      expectStatus(reminded, 200, 'send reminders');
      expect(reminded.json).toMatchObject({ due: 2, sent: 2, failed: 0 });
      vi.setSystemTime(now + 2.5 * DAY);
      const run = await as('Reminders', async (load) => (await load<Handler<void, unknown>>('functions/scheduled/send-reminders.ts')).handler());
      expect(run).toMatchObject({ due: 2, sent: 2, failed: 0 });
    } finally {
      vi.useRealTimers();
    }

    // A link job reissues P-1's link by email in the background: the route invokes the link worker, run then with the payload it was sent.
    const jobInvokesBefore = recorder.exchanges.length;
    const job = await route('POST', `${study}/waves/baseline/link-jobs`, { ...researcher, body: { reissue: true, delivery: 'email', participantCodes: ['P-1'], confirmRecentContactChanges: true } });
    expectStatus(job, 202, 'start a link job');
    const jobInvocations = recorder.exchanges.slice(jobInvokesBefore).filter((exchange) => exchange.client === 'LambdaClient');
    expect(jobInvocations.map((exchange) => exchange.path)).toEqual([`/2015-03-31/functions/${LINK_WORKER_NAME}/invocations`]);
    await as('LinkWorker', async (load) => (await load<Handler<unknown, void>>('functions/workers/link-worker.ts')).handler(JSON.parse(jobInvocations[0]!.body)));
    expectStatus(await route('GET', `${study}/link-jobs`, researcher), 200, 'list link jobs');
    const finishedJob = await route('GET', `${study}/link-jobs/${job.json.jobId}`, researcher);
    expectStatus(finishedJob, 200, 'get a link job');
    expect(finishedJob.json.status).toBe('finished');
    const jobSheet = await route('POST', `${study}/link-jobs/${job.json.jobId}/sheet`, researcher);
    expectStatus(jobSheet, 200, 'download a link sheet');
    expect(jobSheet.json).toMatchObject({ links: [], emailed: ['P-1'] });

    // An analyst exports: the route invokes the worker, which is then run with the payload it was sent.
    const invokesBefore = recorder.exchanges.length;
    const started = await route('POST', `${study}/exports`, { ...analyst, body: {} });
    expectStatus(started, 202, 'start export');
    const invocations = recorder.exchanges.slice(invokesBefore).filter((exchange) => exchange.client === 'LambdaClient');
    expect(invocations).toHaveLength(1);
    expect(invocations[0]!.path).toBe(`/2015-03-31/functions/${WORKER_NAME}/invocations`);
    await as('ExportWorker', async (load) => (await load<Handler<unknown, void>>('functions/workers/export-worker.ts')).handler(JSON.parse(invocations[0]!.body)));
    const exportPath = `${study}/exports/${started.json.exportId}`;
    expectStatus(await route('GET', `${study}/exports`, analyst), 200, 'list exports');
    const done = await route('GET', exportPath, analyst);
    expectStatus(done, 200, 'get export');
    expect(done.json.status).toBe('done');
    const download = await route('POST', `${exportPath}/download`, analyst);
    expectStatus(download, 200, 'download');
    expect(download.json.url).toContain(`/${STUDY}/${started.json.exportId}.zip?`);

    // An admin reads the audit log; everyone lists their studies; participants withdraw.
    const month = new Date().toISOString().slice(0, 7);
    expectStatus(await route('GET', `/api/audit/${STUDY}?month=${month}&participant=P-1`, { by: ADMIN }), 200, 'audit log');
    expectStatus(await route('GET', `/api/audit/_platform?month=${month}`, { by: ADMIN }), 200, 'platform audit log');
    expectStatus(await route('GET', '/api/studies', owner), 200, 'list studies');
    expectStatus(await route('GET', '/api/studies', { by: ADMIN }), 200, 'list studies (admin)');
    expectStatus(await route('POST', `${study}/participants/P-3/withdraw`, { ...researcher, body: { scope: 'future-waves' } }), 200, 'withdraw');
    expectStatus(await route('POST', `${study}/participants/P-2/withdraw`, { ...researcher, body: { scope: 'erase-all' } }), 200, 'erase');

    // Cognito's trigger after a sign-in; the upgrades step of a deploy.
    await as('SignInAudit', async (load) => (await load<Handler<unknown, unknown>>('functions/workers/sign-in-audit.ts')).handler({ request: { userAttributes: { sub: sub(OWNER) }, newDeviceUsed: false } }));
    const upgraded = await as('Upgrades', async (load) =>
      (await load<Handler<unknown, { Data: { ran: string } }>>('functions/workers/run-upgrades.ts')).handler({ RequestType: 'Create', ResourceProperties: { ServiceToken: 'unused', upgrades: upgradeIds() } }),
    );
    expect(upgraded.Data.ran.split(',')).toEqual(upgradeIds());

    // Every deployed route answered with success at least once, and every function made AWS calls.
    const succeeded = (fn: string) => (answered.get(fn) ?? []).some((status) => status >= 200 && status < 300);
    expect(deployedRoutes.filter((r) => !succeeded(r.name)).map((r) => r.name)).toEqual([]);
    const calling = new Set(recorder.calls.map((call) => call.fn));
    expect([...functionIds.keys()].filter((fn) => !calling.has(fn))).toEqual([]);
    journeyDone = true;
  });

  it('covers every Lambda function of the stack that runs Pont\'s code', () => {
    const cdkProviders = /^Custom(CDKBucketDeployment|CrossRegionExportReader)/;
    const upgradeDispatcher = s.logicalId(s.stack.upgrades.provider.node.findChild('framework-onEvent'));
    const pont = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && !cdkProviders.test(id) && id !== upgradeDispatcher).map(([id]) => id);
    expect(pont.sort()).toEqual([...functionIds.values()].sort());
  });

  it('makes no AWS call its function\'s role does not allow', () => {
    expect(journeyDone, 'the journey (the first test) did not run to its end').toBe(true);
    const refused = new Set<string>();
    for (const call of recorder.calls) {
      const grants = grantsOf(call.fn);
      for (const request of iamRequestsOf(call, ARN)) {
        if (!allows(grants, request)) refused.add(`${call.fn}: ${request.action} on ${request.resources.join(' or ')} (${request.via})`);
      }
    }
    expect([...refused]).toEqual([]);
  });

  it('grants nothing unused, but for the allow-listed bundles (each with its reason, each needed), and prints the counts', () => {
    expect(journeyDone, 'the journey (the first test) did not run to its end').toBe(true);
    const requests = new Map<string, IamRequest[]>();
    for (const call of recorder.calls) requests.set(call.fn, [...(requests.get(call.fn) ?? []), ...iamRequestsOf(call, ARN)]);
    const requestsOf = (fn: string) => requests.get(fn) ?? [];

    const keyArn = (value: unknown) => (value ? evaluate(value, attributes) : undefined);
    const encrypted = new Map<string, string[]>();
    const encryptedWith = (key: string | undefined, arn: string) => {
      if (key) encrypted.set(key, [...(encrypted.get(key) ?? []), arn]);
    };
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type === 'AWS::DynamoDB::Table') encryptedWith(keyArn(r.Properties.SSESpecification?.KMSMasterKeyId), attributes[`${id}.Arn`]!);
      if (r.Type === 'AWS::SQS::Queue') encryptedWith(keyArn(r.Properties.KmsMasterKeyId), attributes[`${id}.Arn`]!);
      if (r.Type === 'AWS::S3::Bucket') {
        const key = r.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
        encryptedWith(keyArn(key), `arn:${ARN.partition}:s3:::${r.Properties.BucketName ? evaluate(r.Properties.BucketName, attributes) : attributes[id]}`);
      }
    }
    const facts: Facts = {
      mainTable: attributes[`${mainTable.id}.Arn`]!,
      requests: requestsOf,
      usedOnTable: (fn, tableArn, actions) => requestsOf(fn).some((r) => actions.includes(r.action) && r.resources.some((arn) => tableOf(arn) === tableArn)),
      usedEncryptedBy: (fn, key, actions) =>
        requestsOf(fn).some(
          (r) => (actions === 'any' || actions.includes(r.action)) && r.resources.some((arn) => (encrypted.get(key) ?? []).some((prefix) => arn === prefix || arn.startsWith(`${prefix}/`))),
        ),
      failureQueues: (fn) => {
        const id = functionIds.get(fn)!;
        const dlq = resources[id]!.Properties.DeadLetterConfig?.TargetArn;
        const destinations = Object.values(resources)
          .filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName?.Ref === id)
          .map((r) => r.Properties.DestinationConfig?.OnFailure?.Destination);
        return [dlq, ...destinations].filter(Boolean).map((arn) => evaluate(arn, attributes));
      },
      queuesEncryptedBy: (key) => (encrypted.get(key) ?? []).filter((arn) => arn.includes(':sqs:')),
    };

    const grants = [...functionIds.keys()].flatMap(grantsOf);
    const unused: Grant[] = [];
    const excused = new Map<string, Grant[]>();
    for (const grant of grants) {
      if (requestsOf(grant.fn).some((r) => actionMatches(grant.action, r.action) && r.resources.some((arn) => resourceMatches(grant.resource, arn)))) continue;
      const excuse = ALLOWED_UNUSED[grant.action];
      if (excuse?.holds(grant, facts)) excused.set(grant.action, [...(excused.get(grant.action) ?? []), grant]);
      else unused.push(grant);
    }

    const triples = new Set(recorder.calls.flatMap((call) => iamRequestsOf(call, ARN).map((r) => `${call.fn} ${r.action} ${r.resources.join('|')}`)));
    const excusedCount = [...excused.values()].reduce((n, list) => n + list.length, 0);
    console.log(
      `permissions: ${recorder.calls.length} calls recorded (${recorder.calls.filter((c) => c.presigned).length} presigned, ${recorder.exchanges.length} answered in-process), ` +
        `${triples.size} distinct (function, action, resource) triples, ${grants.length} (function, action, resource) grants of ${new Set(grants.map((g) => g.action)).size} distinct actions, ` +
        `${excusedCount + unused.length} unused grants (${excusedCount} allow-listed, ${unused.length} not)`,
    );

    expect(unused.map((g) => `${g.fn}: ${g.action} on ${g.resource}`)).toEqual([]);
    // An entry that excuses nothing is stale: remove it (or it would let a future unused grant pass unnoticed).
    expect(Object.keys(ALLOWED_UNUSED).filter((action) => !excused.has(action))).toEqual([]);
    const stillWriteOnly = (fn: string) => facts.usedOnTable(fn, facts.mainTable, WRITES) && !facts.usedOnTable(fn, facts.mainTable, READS);
    expect(Object.keys(WRITE_ONLY_ROUTES).filter((fn) => !stillWriteOnly(fn))).toEqual([]);
  });
});
