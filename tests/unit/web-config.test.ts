/**
 * /config.json, the web app's runtime configuration: the embedded server
 * answers it itself (the console signs in through the local route), and the
 * console reads it to choose its sign-in (web/src/console/signIn.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_CONFIG_PATH, WebConfig } from '../../functions/contracts/web-config.js';
import { createEmbeddedServer } from '../../infra/local/server.js';
import { StaticSite } from '../../infra/local/static-site.js';
import { CognitoAuthenticator } from '../../web/src/console/cognito.js';
import { loadAuthenticator, loadWebConfig, localAuthenticator } from '../../web/src/console/signIn.js';

describe('the embedded server\'s /config.json', () => {
  let dir: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pont-web-config-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Pont</title>');
    server = createEmbeddedServer({ routes: [], handlers: new Map(), site: new StaticSite(dir) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('says "embedded", revalidated on every visit, as JSON (not the app shell)', async () => {
    const response = await fetch(`${base}${WEB_CONFIG_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(WebConfig.parse(await response.json())).toEqual({ mode: 'embedded' });
  });

  it('is what the console reads to choose the local sign-in', async () => {
    const config = await loadWebConfig((input, init) => fetch(new URL(String(input), base), init));
    expect(config).toEqual({ mode: 'embedded' });
  });
});

describe('the console choosing its sign-in', () => {
  const serve = (body: unknown, status = 200) => {
    const original = globalThis.fetch;
    globalThis.fetch = (async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })) as typeof fetch;
    return () => {
      globalThis.fetch = original;
    };
  };

  it('uses the local route in embedded mode and Cognito in AWS', async () => {
    let restore = serve({ mode: 'embedded' });
    try {
      expect(await loadAuthenticator()).toBe(localAuthenticator);
    } finally {
      restore();
    }
    restore = serve({ mode: 'aws', cognito: { region: 'eu-west-2', userPoolId: 'eu-west-2_AbCdEf123', clientId: 'client123' } });
    try {
      expect(await loadAuthenticator()).toBeInstanceOf(CognitoAuthenticator);
    } finally {
      restore();
    }
  });

  it('refuses a configuration it does not understand rather than guess a mode', async () => {
    for (const [body, status] of [
      [{ mode: 'aws' }, 200],
      [{ mode: 'aws', cognito: { region: 'eu-west-2', userPoolId: 'not a pool', clientId: 'c' } }, 200],
      [{ mode: 'cloud' }, 200],
      [{ error: 'missing' }, 404],
    ] as const) {
      const restore = serve(body, status);
      try {
        await expect(loadWebConfig(), JSON.stringify(body)).rejects.toThrow();
      } finally {
        restore();
      }
    }
  });
});
