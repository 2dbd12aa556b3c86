/** Calls a route's real handler through the embedded API Gateway adapter, without a socket. */
import { routes } from '../../functions/routes.js';
import { buildEvent, compileRoutes, invoke, matchRoute } from '../../infra/local/api-gateway.js';
import { loadHandlers } from '../../infra/local/platform.js';

const compiled = compileRoutes(routes);
let handlers: Awaited<ReturnType<typeof loadHandlers>> | undefined;

export type RouteCall = {
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  /** The client's address, as API Gateway reports it. */
  sourceIp?: string;
  /** The body's exact bytes, when they are not a string's UTF-8 (a client sending another encoding). */
  rawBody?: Buffer;
};

export type RouteResult = { status: number; headers: Record<string, string>; json: any; text: string };

export async function callRoute(method: string, path: string, call: RouteCall = {}): Promise<RouteResult> {
  handlers ??= await loadHandlers();
  const match = matchRoute(compiled, method, new URL(path, 'http://localhost').pathname);
  if (!match) throw new Error(`No route for ${method} ${path}`);
  const body =
    call.rawBody ?? (call.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof call.body === 'string' ? call.body : JSON.stringify(call.body)));
  const headers = {
    ...(call.body !== undefined && typeof call.body !== 'string' ? { 'content-type': 'application/json' } : {}),
    ...call.headers,
  };
  const event = buildEvent({ url: path, headers, body, sourceIp: call.sourceIp ?? '127.0.0.1', httpVersion: '1.1' }, match.route, match.pathParameters);
  const result = await invoke(handlers.get(match.route.name)!, event, match.route);
  const text = result.body ?? '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, json, text };
}
