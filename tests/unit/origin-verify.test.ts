/**
 * The origin check (functions/http/origin-verify.ts): in AWS, a request that
 * did not come through CloudFront (no secret header) is refused with a 403
 * before any step of the route runs; embedded mode, with no secret
 * configured, checks nothing.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reloadConfig } from '../../functions/config.js';
import { apiHandler } from '../../functions/http/api-handler.js';
import { researcherHandler } from '../../functions/http/researcher-handler.js';
import { ORIGIN_VERIFY_HEADER, isOriginSecret } from '../../functions/http/origin-verify.js';
import { json } from '../../functions/http/responses.js';
import { routes } from '../../functions/routes.js';

const CURRENT = 'Q7dVxk2Lr9WmP4sT8yHc3NbJ6fGa1ZeU5oKi0RwXqDvBn';
const PREVIOUS = 'h3JkLm9NpQ2rStUvWx4YzA6bCdEf8GhIj1KlMnOpQrSt';

const respondentRoute = routes.find((route) => route.access.kind === 'respondent' && !route.embeddedOnly)!;
const researcherRoute = routes.find((route) => route.access.kind === 'researcher' && !route.embeddedOnly)!;

function event(headers: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${respondentRoute.method} ${respondentRoute.path}`,
    rawPath: '/api/s/AbCdEfGhIjKlMnOpQrStUvWx',
    rawQueryString: '',
    headers,
    pathParameters: { token: 'AbCdEfGhIjKlMnOpQrStUvWx' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.execute-api.eu-west-2.amazonaws.com',
      domainPrefix: 'api',
      http: { method: respondentRoute.method, path: '/api/s/AbCdEfGhIjKlMnOpQrStUvWx', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: `${respondentRoute.method} ${respondentRoute.path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}

const context = { getRemainingTimeInMillis: () => 10_000, awsRequestId: 'req-1' } as unknown as Context;

describe('isOriginSecret', () => {
  it('accepts the current and the previous secret, exactly', () => {
    expect(isOriginSecret(CURRENT, [CURRENT, PREVIOUS])).toBe(true);
    expect(isOriginSecret(PREVIOUS, [CURRENT, PREVIOUS])).toBe(true);
  });

  it('refuses a missing, empty, altered, truncated or extended value', () => {
    for (const presented of [undefined, '', CURRENT.slice(0, -1), `${CURRENT}x`, CURRENT.toLowerCase(), `${CURRENT},${CURRENT}`]) {
      expect(isOriginSecret(presented, [CURRENT, PREVIOUS]), String(presented)).toBe(false);
    }
  });

  it('never accepts a placeholder or short value as a secret, such as "none" before the first rotation', () => {
    expect(isOriginSecret('none', [CURRENT, 'none'])).toBe(false);
    expect(isOriginSecret('', [CURRENT, ''])).toBe(false);
    expect(isOriginSecret('short', ['short'])).toBe(false);
  });
});

describe('the origin check in every route\'s middy chain', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.TABLE_NAME = 'unit-test-table';
    delete process.env.ORIGIN_VERIFY_SECRET;
    delete process.env.ORIGIN_VERIFY_PREVIOUS_SECRET;
  });
  afterEach(() => {
    // Every test reloads the configuration it sets; test files run in separate workers.
    process.env = { ...saved };
  });

  const configure = (secrets: { current?: string; previous?: string }) => {
    if (secrets.current) process.env.ORIGIN_VERIFY_SECRET = secrets.current;
    if (secrets.previous) process.env.ORIGIN_VERIFY_PREVIOUS_SECRET = secrets.previous;
    reloadConfig();
  };

  it('refuses a request without the header with a 403, before the route\'s steps run', async () => {
    configure({ current: CURRENT, previous: 'none' });
    const steps = vi.fn(async () => json(200, { ok: true }));
    const handler = apiHandler(respondentRoute.name, steps);

    const result = await handler(event({}), context);

    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body!)).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    expect(steps).not.toHaveBeenCalled();
  });

  it('refuses a wrong value, and the placeholder "none", just the same', async () => {
    configure({ current: CURRENT, previous: 'none' });
    const steps = vi.fn(async () => json(200, { ok: true }));
    const handler = apiHandler(respondentRoute.name, steps);

    for (const value of [PREVIOUS, 'none', CURRENT.slice(1)]) {
      const result = await handler(event({ [ORIGIN_VERIFY_HEADER]: value }), context);
      expect(result.statusCode, value).toBe(403);
    }
    expect(steps).not.toHaveBeenCalled();
  });

  it('refuses before a researcher\'s token is even looked at', async () => {
    configure({ current: CURRENT });
    const steps = vi.fn(async () => json(200, { ok: true }));
    const handler = researcherHandler(researcherRoute.name, steps);

    const result = await handler(event({ authorization: 'Bearer not-a-token' }), context);

    // 403 from the origin check, not 401 from the token check.
    expect(result.statusCode).toBe(403);
    expect(steps).not.toHaveBeenCalled();
  });

  it('lets through a request with the current or the previous secret, and hides the header from the route\'s steps', async () => {
    configure({ current: CURRENT, previous: PREVIOUS });
    const seen: Array<Record<string, string | undefined>> = [];
    const handler = apiHandler(respondentRoute.name, async (e) => {
      seen.push({ ...e.headers });
      return json(200, { ok: true });
    });

    for (const value of [CURRENT, PREVIOUS]) {
      const result = await handler(event({ [ORIGIN_VERIFY_HEADER]: value, accept: 'application/json' }), context);
      expect(result.statusCode).toBe(200);
    }
    expect(seen).toHaveLength(2);
    for (const headers of seen) {
      expect(headers[ORIGIN_VERIFY_HEADER]).toBeUndefined();
      expect(headers.accept).toBe('application/json');
    }
  });

  it('checks nothing in embedded mode, where no secret is configured', async () => {
    configure({});
    const steps = vi.fn(async () => json(200, { ok: true }));
    const handler = apiHandler(respondentRoute.name, steps);

    const result = await handler(event({}), context);

    expect(result.statusCode).toBe(200);
    expect(steps).toHaveBeenCalledOnce();
  });
});
