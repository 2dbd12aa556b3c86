import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.js';
import { buildEvent, compileRoutes, matchRoute } from '../../infra/local/api-gateway.js';

const compiled = compileRoutes(routes);

function request(url: string, headers: Record<string, string | string[]> = {}, body = '') {
  return { url, headers, body: Buffer.from(body), sourceIp: '192.0.2.1', httpVersion: '1.1' };
}

describe('matching the route table', () => {
  it('matches a template and decodes its path parameters', () => {
    const match = matchRoute(compiled, 'PUT', '/api/s/abc%2D1/responses/ons4');

    expect(match?.route.name).toBe('SaveResponse');
    expect(match?.pathParameters).toEqual({ token: 'abc-1', instrumentId: 'ons4' });
  });

  it('does not match another method, a longer path or a malformed escape', () => {
    expect(matchRoute(compiled, 'POST', '/api/s/abc')).toBeUndefined();
    expect(matchRoute(compiled, 'GET', '/api/s/abc/extra')).toBeUndefined();
    expect(matchRoute(compiled, 'GET', '/api/s/%E0%A4%A')).toBeUndefined();
  });
});

describe('building an HTTP API v2 event', () => {
  const route = routes.find((r) => r.name === 'SaveResponse')!;

  it('fills the fields API Gateway fills, with lower-case headers and cookies apart', () => {
    const event = buildEvent(
      request('/api/s/t/responses/i?a=1&a=2&b=x', { 'content-type': 'application/json', 'user-agent': 'phone', cookie: 'c1=1; c2=2', 'x-many': ['p', 'q'] }, '{"x":1}'),
      route,
      { token: 't', instrumentId: 'i' },
    );

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'PUT /api/s/{token}/responses/{instrumentId}',
      rawPath: '/api/s/t/responses/i',
      rawQueryString: 'a=1&a=2&b=x',
      queryStringParameters: { a: '1,2', b: 'x' },
      cookies: ['c1=1', 'c2=2'],
      pathParameters: { token: 't', instrumentId: 'i' },
      body: '{"x":1}',
      isBase64Encoded: false,
      requestContext: { stage: '$default', http: { method: 'PUT', path: '/api/s/t/responses/i', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'phone' } },
    });
    expect(event.headers).toEqual({ 'content-type': 'application/json', 'user-agent': 'phone', 'x-many': 'p,q' });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.timeEpoch).toBeGreaterThan(0);
  });

  it('base64-encodes a binary body and leaves out absent parts', () => {
    const binary = buildEvent(request('/api/s/t/responses/i', { 'content-type': 'application/octet-stream' }, '\u0000\u0001'), route, {});
    const empty = buildEvent(request('/api/s/t/responses/i'), route, {});

    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64')).toEqual(Buffer.from('\u0000\u0001'));
    expect(empty.body).toBeUndefined();
    expect(empty.cookies).toBeUndefined();
    expect(empty.queryStringParameters).toBeUndefined();
  });
});

describe('a text body that is not UTF-8', () => {
  const route = routes.find((r) => r.name === 'SaveResponse')!;

  it('is passed base64-encoded, byte for byte, for the handler to refuse; UTF-8 text stays text', () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"a":"é"} in Latin-1
    const latin1 = buildEvent({ ...request('/api/s/t/responses/i', { 'content-type': 'application/json' }), body: bytes }, route, { token: 't', instrumentId: 'i' });
    const utf8 = buildEvent(request('/api/s/t/responses/i', { 'content-type': 'application/json' }, '{"a":"é"}'), route, { token: 't', instrumentId: 'i' });

    expect(latin1.isBase64Encoded).toBe(true);
    expect(Buffer.from(latin1.body!, 'base64')).toEqual(bytes);
    expect(utf8.isBase64Encoded).toBe(false);
    expect(utf8.body).toBe('{"a":"é"}');
  });
});
