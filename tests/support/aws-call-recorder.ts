/**
 * Records every AWS SDK call the code under test makes, attributed to the
 * deployed function that would make it, and says which IAM actions on which
 * resources each call needs (tests/infra/permissions.test.ts checks them
 * against the synthesised stack's role policies).
 *
 * How: every SDK v3 command, sent with `client.send` or presigned with
 * `getSignedUrl`, builds its handler in Command.resolveMiddlewareWithContext
 * (@smithy/core). That method is wrapped here, on the Command base class of
 * each client package Pont uses, so the code under test is unchanged and any
 * client it makes (a singleton, one per call, one inside an adapter) is seen:
 *  - a middleware at the start of the `initialize` step records the command's
 *    client, operation and input (only what IAM looks at: table and index
 *    names, bucket and key, sender, function, user pool; never item contents);
 *  - the transport is replaced for the services the embedded platform swaps
 *    out and that no local stand-in exists for (S3, SES v2, Lambda): the
 *    request is still built, serialised and signed by the real client, and is
 *    then answered in-process with the smallest valid answer (`exchanges`
 *    keeps each request, so a test can read the email or the invocation
 *    payload that would have gone out). Every other request must go to this
 *    machine (DynamoDB Local, tests/support/fake-cognito.ts): one bound for
 *    AWS itself is refused.
 *
 * Attribution: `run(functionName, work)` runs `work` in an AsyncLocalStorage
 * context; calls made outside any `run` are counted in `unattributed` and not
 * recorded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import { ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';

/** One SDK call, as recorded. */
export type AwsCall = {
  /** The function (route name or worker) the call is attributed to. */
  fn: string;
  /** The SDK client's name, e.g. DynamoDBClient, S3Client. */
  client: string;
  /** The API operation, e.g. TransactWriteItems. */
  operation: string;
  /** What IAM looks at in the input (see summarise). */
  input: CallSummary;
  /** Presigned (getSignedUrl): nothing is sent now; whoever holds the URL makes the request with this function's permissions. */
  presigned: boolean;
};

type CallSummary = {
  TableName?: string;
  IndexName?: string;
  /** BatchGetItem / BatchWriteItem: the tables named. */
  batchTables?: string[];
  /** TransactWriteItems / TransactGetItems: each item's kind and table. */
  transactItems?: Array<{ kind: string; TableName: string }>;
  Bucket?: string;
  Key?: string;
  FromEmailAddress?: string;
  FromEmailAddressIdentityArn?: string;
  FunctionName?: string;
  Qualifier?: string;
  UserPoolId?: string;
};

/** A request answered in-process instead of being sent (S3, SES, Lambda). */
export type FakeExchange = { fn: string | undefined; client: string; operation: string; method: string; path: string; body: string };

/** What IAM evaluates for (part of) a call: one action, on one of these resources (any of them may be the one checked). */
export type IamRequest = { action: string; resources: string[]; via: string };

export type ArnContext = { partition: string; region: string; account: string };

type HttpRequestLike = { method: string; hostname: string; path: string; headers: Record<string, string>; body?: unknown };
type HttpResponseLike = { statusCode: number; headers: Record<string, string>; body: Readable };

/** The answers of the services that are not sent anywhere. */
const FAKE_ANSWERS: Record<string, Record<string, () => HttpResponseLike>> = {
  S3Client: {
    PutObject: () => ({ statusCode: 200, headers: { etag: '"00000000000000000000000000000000"' }, body: Readable.from([]) }),
  },
  SESv2Client: {
    SendEmail: () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from('{"MessageId":"recorded"}')]) }),
  },
  LambdaClient: {
    // An asynchronous invocation (InvocationType Event) is accepted with 202 and no payload.
    Invoke: () => ({ statusCode: 202, headers: {}, body: Readable.from([]) }),
  },
};

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function summarise(input: Record<string, any>): CallSummary {
  const summary: CallSummary = {};
  for (const key of ['TableName', 'IndexName', 'Bucket', 'Key', 'FromEmailAddress', 'FromEmailAddressIdentityArn', 'FunctionName', 'Qualifier', 'UserPoolId'] as const) {
    if (typeof input[key] === 'string') summary[key] = input[key];
  }
  if (input.RequestItems && typeof input.RequestItems === 'object') summary.batchTables = Object.keys(input.RequestItems);
  if (Array.isArray(input.TransactItems)) {
    summary.transactItems = input.TransactItems.map((item: Record<string, { TableName: string }>) => {
      const [kind, body] = Object.entries(item)[0]!;
      return { kind, TableName: body.TableName };
    });
  }
  return summary;
}

const bodyText = (body: unknown): string => {
  if (typeof body === 'string') return body;
  // From the bytes: Buffer.from(body) would call the SDK's JSON body's valueOf, which it warns about.
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // A stream (an S3 upload's body): not kept.
  return '';
};

export class AwsCallRecorder {
  readonly calls: AwsCall[] = [];
  readonly exchanges: FakeExchange[] = [];
  /** SDK calls made outside `run` (test setup): not recorded. */
  unattributed = 0;
  private readonly context = new AsyncLocalStorage<string>();
  private readonly restore: Array<() => void> = [];

  constructor() {
    const bases = new Set<object>();
    for (const command of [GetItemCommand, PutObjectCommand, SendEmailCommand, InvokeCommand, ListUsersCommand]) {
      let proto: object | null = command.prototype;
      while (proto && !Object.prototype.hasOwnProperty.call(proto, 'resolveMiddlewareWithContext')) proto = Object.getPrototypeOf(proto);
      if (!proto) throw new Error(`${command.name}: no resolveMiddlewareWithContext in its prototype chain (has @smithy/core changed?)`);
      bases.add(proto);
    }
    for (const base of bases) this.wrap(base as { resolveMiddlewareWithContext: (...args: any[]) => unknown });
  }

  /** Runs `work` as the named function: every SDK call it makes is recorded against that name. */
  run<T>(fn: string, work: () => Promise<T>): Promise<T> {
    return this.context.run(fn, work);
  }

  /** Puts the SDK back as it was. */
  uninstall(): void {
    for (const undo of this.restore.splice(0).reverse()) undo();
  }

  private wrap(base: { resolveMiddlewareWithContext: (...args: any[]) => unknown }): void {
    const original = base.resolveMiddlewareWithContext;
    const recorder = this;
    base.resolveMiddlewareWithContext = function (this: unknown, clientStack: any, configuration: any, options: any, details: { clientName: string; commandName: string }) {
      const client = details.clientName;
      const operation = details.commandName.replace(/Command$/, '');
      const presigned = (clientStack.identify() as string[]).some((name) => name.startsWith('presignInterceptMiddleware'));
      const stack = clientStack.clone();
      stack.add(
        (next: (args: any) => Promise<unknown>) => async (args: { input: Record<string, any> }) => {
          const fn = recorder.context.getStore();
          if (fn === undefined) recorder.unattributed += 1;
          else recorder.calls.push({ fn, client, operation, input: summarise(args.input ?? {}), presigned });
          return next(args);
        },
        { step: 'initialize', priority: 'high', name: 'pontAwsCallRecorder', override: true },
      );
      const realHandler = configuration.requestHandler;
      const requestHandler = {
        handle: async (request: HttpRequestLike, handlerOptions: unknown) => {
          const fake = FAKE_ANSWERS[client];
          if (fake) {
            const answer = fake[operation];
            if (!answer) throw new Error(`${client} ${operation} is not faked in tests/support/aws-call-recorder.ts: add its answer`);
            recorder.exchanges.push({ fn: recorder.context.getStore(), client, operation, method: request.method, path: request.path, body: bodyText(request.body) });
            return { response: answer() };
          }
          if (!LOCAL_HOSTS.has(request.hostname)) throw new Error(`${client} ${operation} would be sent to ${request.hostname}: tests only talk to this machine`);
          return realHandler.handle(request, handlerOptions);
        },
      };
      return original.call(this, stack, { ...configuration, requestHandler }, options, details);
    };
    this.restore.push(() => {
      base.resolveMiddlewareWithContext = original;
    });
  }
}

/**
 * The IAM authorisations a call needs (the Service Authorization Reference's
 * action for the operation, on the resource it names). Where IAM checks
 * something other than the operation's own name, that is what is returned:
 *  - TransactWriteItems: each item's PutItem, UpdateItem, DeleteItem or
 *    ConditionCheckItem on its table; TransactGetItems: GetItem on each
 *    (DynamoDB's "Using IAM with DynamoDB transactions");
 *  - BatchGetItem and BatchWriteItem are actions of their own
 *    (dynamodb:BatchGetItem, dynamodb:BatchWriteItem) on each table named,
 *    not the per-item actions: a policy allowing PutItem alone does not allow
 *    BatchWriteItem, and the other way round;
 *  - Query and Scan with IndexName are on the index's ARN (table/…/index/name);
 *  - S3 multipart steps are authorised as s3:PutObject; a presigned GetObject
 *    is s3:GetObject, checked when the URL is used, against the signer;
 *  - SES SendEmail is checked on the sending identity: the address, or its
 *    domain when that is the verified identity (both are candidates);
 *  - Lambda Invoke is lambda:InvokeFunction on the function (and qualifier).
 * An operation not modelled here throws, so a new kind of call cannot pass
 * unexamined.
 */
export function iamRequestsOf(call: AwsCall, arn: ArnContext): IamRequest[] {
  const { partition, region, account } = arn;
  const via = `${call.client}.${call.operation}${call.presigned ? ' (presigned)' : ''}`;
  const one = (action: string, ...resources: string[]): IamRequest => ({ action, resources, via });
  const input = call.input;
  switch (call.client) {
    case 'DynamoDBClient': {
      const table = (name: string) => (name.startsWith('arn:') ? name : `arn:${partition}:dynamodb:${region}:${account}:table/${name}`);
      const action = (name: string) => `dynamodb:${name}`;
      switch (call.operation) {
        case 'GetItem':
        case 'PutItem':
        case 'UpdateItem':
        case 'DeleteItem':
          return [one(action(call.operation), table(input.TableName!))];
        case 'Query':
        case 'Scan':
          return [one(action(call.operation), input.IndexName ? `${table(input.TableName!)}/index/${input.IndexName}` : table(input.TableName!))];
        case 'BatchGetItem':
        case 'BatchWriteItem':
          return input.batchTables!.map((name) => one(action(call.operation), table(name)));
        case 'TransactWriteItems': {
          const perItem: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };
          return input.transactItems!.map(({ kind, TableName }) => {
            if (!perItem[kind]) throw new Error(`TransactWriteItems item of kind ${kind} is not modelled`);
            return one(action(perItem[kind]), table(TableName));
          });
        }
        case 'TransactGetItems':
          return input.transactItems!.map(({ TableName }) => one(action('GetItem'), table(TableName)));
        default:
          throw new Error(`DynamoDB ${call.operation} is not modelled in tests/support/aws-call-recorder.ts`);
      }
    }
    case 'S3Client': {
      const object = `arn:${partition}:s3:::${input.Bucket}/${input.Key}`;
      switch (call.operation) {
        case 'PutObject':
        case 'CreateMultipartUpload':
        case 'UploadPart':
        case 'CompleteMultipartUpload':
          return [one('s3:PutObject', object)];
        case 'AbortMultipartUpload':
          return [one('s3:AbortMultipartUpload', object)];
        case 'GetObject':
        case 'HeadObject':
          return [one('s3:GetObject', object)];
        default:
          throw new Error(`S3 ${call.operation} is not modelled in tests/support/aws-call-recorder.ts`);
      }
    }
    case 'SESv2Client': {
      if (call.operation !== 'SendEmail') throw new Error(`SES ${call.operation} is not modelled in tests/support/aws-call-recorder.ts`);
      const identity = (name: string) => `arn:${partition}:ses:${region}:${account}:identity/${name}`;
      if (input.FromEmailAddressIdentityArn) return [one('ses:SendEmail', input.FromEmailAddressIdentityArn)];
      const from = input.FromEmailAddress!;
      return [one('ses:SendEmail', identity(from), identity(from.slice(from.lastIndexOf('@') + 1)))];
    }
    case 'LambdaClient': {
      if (call.operation !== 'Invoke') throw new Error(`Lambda ${call.operation} is not modelled in tests/support/aws-call-recorder.ts`);
      const name = input.FunctionName!;
      const fn = name.startsWith('arn:') ? name : `arn:${partition}:lambda:${region}:${account}:function:${name}`;
      return [one('lambda:InvokeFunction', input.Qualifier ? `${fn}:${input.Qualifier}` : fn)];
    }
    case 'CognitoIdentityProviderClient':
      return [one(`cognito-idp:${call.operation}`, `arn:${partition}:cognito-idp:${region}:${account}:userpool/${input.UserPoolId}`)];
    default:
      throw new Error(`${call.client} is not modelled in tests/support/aws-call-recorder.ts`);
  }
}
