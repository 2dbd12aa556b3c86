/**
 * The researcher console signing in as it does in AWS, in a real browser: the
 * page is served with the deployed CSP (connect-src naming Cognito's
 * endpoint), /config.json says "aws", and every call to
 * https://cognito-idp.eu-west-2.amazonaws.com is answered by the fake user
 * pool (tests/support/fake-cognito.ts), which checks the SRP proof and the
 * TOTP codes. A first sign-in replaces the temporary password and sets up an
 * authenticator app from its QR code's key; the next one asks for a code.
 * The API is stubbed: only what the console sends to it is checked.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoIdpOrigin, WEB_CONFIG_PATH } from '../../functions/contracts/web-config.js';
import { withConnectSources } from '../../infra/aws/site.js';
import { createEmbeddedServer } from '../../infra/local/server.js';
import { PAGE_SECURITY_HEADERS, StaticSite } from '../../infra/local/static-site.js';
import { launchChromium } from '../support/browser.js';
import { startFakeCognito, totp, type FakeCognito } from '../support/fake-cognito.js';

const WEB_DIST = path.join(import.meta.dirname, '..', '..', 'web', 'dist');
const COGNITO = cognitoIdpOrigin('eu-west-2');
const TEMPORARY = 'Temporary-Pass-1';
const CHOSEN = 'Three-random-words-7';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
type AxeViolation = { id: string; help: string; nodes: { target: string[] }[] };
async function audit(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    () =>
      (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe
        .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] }, resultTypes: ['violations'] })
        .then((result) => result.violations),
  );
  return violations.flatMap((v) => v.nodes.map((node) => `${where}: ${v.id}: ${v.help} at ${node.target.join(' ')}`));
}

let server: Server;
let site: string;
let browser: Browser;
let pool: FakeCognito;

beforeAll(async () => {
  // The built app, served as the embedded server serves it; no API routes (they are stubbed below).
  server = createEmbeddedServer({ routes: [], handlers: new Map(), site: new StaticSite(WEB_DIST) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  [browser, pool] = await Promise.all([launchChromium(), startFakeCognito({ users: [{ email: 'ana@example.org', password: TEMPORARY, mustChangePassword: true, groups: ['researcher'] }] })]);
});

afterAll(async () => {
  await browser?.close();
  await pool?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

// Cognito's CORS answer for the headers its browser client (Amplify) sends.
const corsHeaders = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type, x-amz-target, x-amz-user-agent, cache-control', 'access-control-allow-methods': 'POST' };

describe('the console\'s Cognito sign-in in a browser', () => {
  it('replaces a temporary password, sets up an authenticator app, then signs in with a code', { timeout: 120_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const a11y: string[] = [];
    const bearers: string[] = [];
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });

    // The console page with the CSP CloudFront sends in AWS.
    const csp = withConnectSources(PAGE_SECURITY_HEADERS['content-security-policy'], [COGNITO]);
    await page.route(`${site}/console**`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
    });
    await page.route(`${site}${WEB_CONFIG_PATH}`, (route) =>
      route.fulfill({ json: { mode: 'aws', cognito: { region: 'eu-west-2', userPoolId: pool.userPoolId, clientId: pool.clientId } } }),
    );
    // Cognito's user pool API, answered by the fake pool.
    await page.route(`${COGNITO}/**`, async (route: Route) => {
      const request = route.request();
      if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: corsHeaders });
      const answer = await fetch(pool.endpoint, { method: 'POST', headers: { 'content-type': request.headers()['content-type']!, 'x-amz-target': request.headers()['x-amz-target']! }, body: request.postData() ?? '' });
      await route.fulfill({ status: answer.status, headers: { ...corsHeaders, 'content-type': 'application/x-amz-json-1.1' }, body: await answer.text() });
    });
    await page.route(`${site}/api/**`, async (route) => {
      bearers.push(route.request().headers().authorization ?? '');
      await route.fulfill({ json: { studies: [] } });
    });

    // First sign-in: the temporary password an admin set.
    await page.goto(`${site}/console`);
    await page.getByLabel('Email').fill('ana@example.org');
    await page.getByLabel('Password').fill(TEMPORARY);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await page.getByText(/upper-case/).waitFor();
    a11y.push(...(await audit(page, 'choose password')));
    await page.getByLabel('New password', { exact: true }).fill('all lower case words');
    await page.getByLabel('New password again').fill('all lower case words');
    await page.getByRole('button', { name: 'Save password and sign in' }).click();
    await page.getByRole('alert').getByText(/uppercase/).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(CHOSEN);
    await page.getByLabel('New password again').fill(CHOSEN);
    await page.getByRole('button', { name: 'Save password and sign in' }).click();

    // MFA is required: set up an authenticator app from the QR code, or its key.
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    await page.getByRole('img', { name: /QR code for your authenticator app/ }).waitFor();
    a11y.push(...(await audit(page, 'set up authenticator')));
    const key = ((await page.locator('.console-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('alert').getByText(/code was not right/).waitFor();
    await page.getByLabel('Code from your authenticator app').fill(totp(key, new Date()));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('heading', { name: 'Studies' }).waitFor();

    // The API gets Cognito's access token; the session keeps the refresh token to renew it.
    const stored = JSON.parse((await page.evaluate(() => sessionStorage.getItem('pont.console.session'))) ?? '{}');
    expect(stored).toMatchObject({ role: 'researcher', token: pool.issued.at(-1)!.accessToken, refreshToken: pool.issued.at(-1)!.refreshToken });
    // Only the tab's sessionStorage holds the tokens, under the console's one key; nothing at all in localStorage (Amplify's default for them).
    const holders = await page.evaluate((secret) => Object.keys(sessionStorage).filter((key) => sessionStorage.getItem(key)?.includes(secret)), stored.refreshToken as string);
    expect(holders).toEqual(['pont.console.session']);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    // The studies request goes out just after the heading renders.
    await expect.poll(() => bearers.at(-1)).toBe(`Bearer ${pool.issued.at(-1)!.accessToken}`);

    // Signing out revokes the refresh token; the next sign-in asks for a code from the app.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => pool.revoked.has(stored.refreshToken)).toBe(true);
    await page.getByLabel('Email').fill('ana@example.org');
    await page.getByLabel('Password').fill(CHOSEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    a11y.push(...(await audit(page, 'enter code')));
    await page.getByLabel('Code from your authenticator app').fill(totp(key, new Date()));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Studies' }).waitFor();
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);

    // Signing in sent no password (SRP): only choosing one hands it to Cognito, which must store its verifier.
    for (const call of pool.calls.filter((c) => c.body.ChallengeName !== 'NEW_PASSWORD_REQUIRED')) {
      expect(call.raw).not.toContain(CHOSEN);
      expect(call.raw).not.toContain(TEMPORARY);
    }
    // Nothing was blocked by the CSP; the new screens pass axe.
    expect(blocked).toEqual([]);
    expect(a11y).toEqual([]);
    await context.close();
  });
});
