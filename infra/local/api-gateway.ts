/**
 * The embedded stand-in for API Gateway HTTP API (payload format 2.0): matches
 * a request against the route table, builds the same event Lambda would get,
 * calls the same handler, and writes its result back. Mirrors the HTTP API's
 * own limits: 10 MB payload, 30 s integration timeout.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Route } from '../../functions/routes.js';

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 30_000;

type CompiledRoute = { route: Route; pattern: RegExp; parameterNames: string[] };

export function compileRoutes(routes: readonly Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const parameterNames: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        const parameter = /^\{(\w+)\}$/.exec(segment);
        if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        parameterNames.push(parameter[1]!);
        return '([^/]+)';
      })
      .join('/');
    return { route, pattern: new RegExp(`^${source}$`), parameterNames };
  });
}

export function matchRoute(compiled: CompiledRoute[], method: string, path: string) {
  for (const candidate of compiled) {
    if (candidate.route.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    try {
      candidate.parameterNames.forEach((name, i) => (pathParameters[name] = decodeURIComponent(match[i + 1]!)));
    } catch {
      return undefined;
    }
    return { route: candidate.route, pathParameters };
  }
  return undefined;
}

/** What the event is built from: a Node request, or a test's description of one. */
export type RawRequest = {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  httpVersion: string;
};

export function rawRequestOf(request: IncomingMessage, body: Buffer): RawRequest {
  return {
    url: request.url ?? '/',
    headers: request.headers,
    body,
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    httpVersion: request.httpVersion,
  };
}

export function buildEvent(request: RawRequest, route: Route, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const { body } = request;
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      cookies.push(...(Array.isArray(value) ? value : [value]).flatMap((c) => c.split(/;\s*/)).filter(Boolean));
      continue;
    }
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  // A text body that is not UTF-8 cannot be passed as text without changing it: it goes base64-encoded, for the handler to refuse.
  const isText = body.length === 0 || (/json|text|x-www-form-urlencoded|xml/i.test(headers['content-type'] ?? '') && isUtf8(body));
  const now = Date.now();

  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    ...(url.searchParams.size > 0 ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: 'embedded',
      apiId: 'embedded',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

export function buildContext(route: Route, requestId: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `embedded-${route.name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:embedded-${route.name}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/embedded/${route.name}`,
    logStreamName: 'embedded',
    // middy reads this; it must count down like Lambda's.
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function invoke(handler: LambdaHandler, event: APIGatewayProxyEventV2, route: Route): Promise<APIGatewayProxyStructuredResultV2> {
  const deadline = Date.now() + INTEGRATION_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<APIGatewayProxyStructuredResultV2>((resolveTimeout) => {
    timer = setTimeout(
      () => resolveTimeout({ statusCode: 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Service Unavailable' }) }),
      INTEGRATION_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([handler(event, buildContext(route, event.requestContext.requestId, deadline)), timeout]);
  } catch {
    // Lambda's handler threw past its own error middleware: API Gateway answers 500 without detail.
    return { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Internal Server Error' }) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Writes a handler's result. Bodies over 1 KB are compressed when the client
 * accepts it, as CloudFront does in front of the API in AWS: an instrument's
 * bilingual survey JSON is several KB on a phone's prepaid data.
 */
export function writeResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2, acceptEncoding = ''): void {
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  let body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  if (body.length > 1024 && !headers['content-encoding']) {
    if (/\bbr\b/.test(acceptEncoding)) {
      body = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
      headers['content-encoding'] = 'br';
    } else if (/\bgzip\b/.test(acceptEncoding)) {
      body = gzipSync(body, { level: 6 });
      headers['content-encoding'] = 'gzip';
    }
    headers.vary = 'accept-encoding';
  }
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

/** Reads a request body, refusing more than the HTTP API would accept. */
export function readBody(request: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) return void chunks.push(chunk);
      // Answered now, but the rest is still read and dropped rather than the socket closed
      // under the sender: a reset can reach the client before the 413 does, and it sees no answer.
      request.off('data', collect);
      request.resume();
      chunks.length = 0;
      resolve('too_large');
    };
    request.on('data', collect);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}
