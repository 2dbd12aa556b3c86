/**
 * The console's people page (admins) and consent text versions, in real
 * Chromium over the embedded platform: accounts listed, added, re-roled,
 * disabled (and the last admin kept); a consent version added on a study's
 * page and offered by the wave form; the progress filter offering the
 * study's declared attributes in a fresh tab.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONSENT_VERSION, DEMO_STUDY_ID } from '../../infra/local/seed.js';
import { startPlatform, type Platform } from '../../infra/local/platform.js';
import { adminPasswordOf } from '../support/admin-password.js';
import { launchChromium, sharedDatabase } from '../support/browser.js';

let platform: Platform;
let browser: Browser;
let adminPassword: string;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform({ port: 0, host: '127.0.0.1', seed: true, database: sharedDatabase() }), launchChromium()]);
  adminPassword = await adminPasswordOf(platform);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
type AxeViolation = { id: string; help: string; nodes: { target: string[] }[] };

/** axe-core (WCAG 2.2 A/AA) on the page as it is now: one line per failing element. */
async function audit(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] }, resultTypes: ['violations'] })
      .then((result) => result.violations),
  );
  return violations.flatMap((v) => v.nodes.map((node) => `${where}: ${v.id}: ${v.help} at ${node.target.join(' ')}`));
}

async function signedIn(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${platform.url}${path}`);
  await page.getByLabel('Email').fill(platform.adminEmail);
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

describe('the people page', () => {
  it('lists, adds, re-roles and disables accounts, and keeps the last admin an admin', async () => {
    const page = await signedIn('/console');
    await page.getByRole('link', { name: 'People: researcher accounts' }).click();
    const accounts = page.getByRole('table', { name: 'Researcher accounts' });
    await accounts.getByRole('row', { name: new RegExp(platform.adminEmail) }).getByRole('cell', { name: 'Active', exact: true }).waitFor();

    // Add an account: its temporary password is shown once.
    await page.getByLabel('Email of the new account').fill('New.Researcher@example.org');
    await page.getByLabel('Role of the new account').selectOption('researcher');
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByText('Account new.researcher@example.org (researcher) added.').waitFor();
    const temporary = await page.locator('.console-secret').textContent();
    expect(temporary?.length).toBeGreaterThanOrEqual(12);
    const row = accounts.getByRole('row', { name: /new\.researcher@example\.org/ });
    await row.getByRole('cell', { name: 'Active (temporary password not yet replaced)' }).waitFor();

    // A new role, then disabled.
    await row.getByRole('combobox', { name: 'Role of new.researcher@example.org' }).selectOption('analyst');
    await row.getByRole('button', { name: 'Change role of new.researcher@example.org' }).click();
    await page.getByText('new.researcher@example.org: role changed to analyst.').waitFor();
    await row.getByRole('cell', { name: 'analyst', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Disable new.researcher@example.org' }).click();
    await row.getByRole('cell', { name: 'Disabled', exact: true }).waitFor();
    const signIn = await fetch(`${platform.url}/api/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'new.researcher@example.org', currentPassword: temporary, newPassword: 'a password of their own' }),
    });
    expect(signIn.status).toBe(403);

    expect(await audit(page, 'people page')).toEqual([]);

    // The only admin cannot disable themselves.
    await accounts.getByRole('row', { name: new RegExp(platform.adminEmail) }).getByRole('button', { name: `Disable ${platform.adminEmail}` }).click();
    await page.getByRole('alert').getByText(/last enabled admin/).waitFor();
    await accounts.getByRole('row', { name: new RegExp(platform.adminEmail) }).getByRole('cell', { name: 'Active', exact: true }).waitFor();
    await page.context().close();
  });
});

describe('consent versions and the progress filter on a study page', () => {
  it('adds a consent version, which the wave form then offers; a changed text under a version is refused', async () => {
    const page = await signedIn(`/console/studies/${DEMO_STUDY_ID}`);
    const versions = page.getByRole('table', { name: 'Consent text versions' });
    await versions.getByRole('rowheader', { name: DEMO_CONSENT_VERSION }).waitFor();

    await page.getByLabel('New consent version').fill('demo-consent-2');
    await page.getByLabel('New consent text (English)').fill('The second wording: do you agree?');
    await page.getByLabel('New consent text (Welsh)').fill("Yr ail eiriad: ydych chi'n cytuno?");
    await page.getByRole('button', { name: 'Add consent version' }).click();
    await page.getByText('Consent version demo-consent-2 added.').waitFor();
    await versions.getByRole('rowheader', { name: 'demo-consent-2' }).waitFor();

    const offered = page.getByRole('combobox', { name: 'Consent version', exact: true });
    await expect.poll(() => offered.locator('option').allTextContents()).toEqual([DEMO_CONSENT_VERSION, 'demo-consent-2']);
    await expect.poll(() => offered.inputValue()).toBe('demo-consent-2');

    await page.getByLabel('New consent version').fill('demo-consent-2');
    await page.getByLabel('New consent text (English)').fill('Another wording');
    await page.getByLabel('New consent text (Welsh)').fill('Geiriad arall');
    await page.getByRole('button', { name: 'Add consent version' }).click();
    await page.getByRole('alert').getByText(/consent_version_exists/).waitFor();

    // A follow-up asking for the new version; progress then charts its retention.
    await page.getByLabel('Wave id').fill('follow-up');
    await page.getByLabel('Name (English)', { exact: true }).fill('Follow-up');
    await page.getByLabel('Name (Welsh)', { exact: true }).fill('Dilynol');
    await page.getByLabel('Relative to each participant').check();
    await page.getByRole('checkbox', { name: /\(ons4\)/ }).check();
    await page.getByRole('button', { name: 'Add wave' }).click();
    await page.getByText('Wave follow-up created.').waitFor();
    const chart = page.getByRole('figure', { name: /^Chart: retention from baseline/ });
    await chart.getByRole('listitem').filter({ hasText: 'Follow-up' }).filter({ hasText: 'not yet' }).waitFor();
    await page.getByText('This study declares no participant attributes to filter by.').waitFor();
    expect(await audit(page, 'study page with consent texts and the retention chart')).toEqual([]);
    await page.context().close();
  });

  it('offers the attributes a study declares in the progress filter, in a tab that did not create the study', async () => {
    const setUp = await signedIn('/console');
    await setUp.getByRole('heading', { name: 'Studies' }).waitFor();
    const token = await setUp.evaluate(() => JSON.parse(sessionStorage.getItem('pont.console.session')!).token as string);
    await setUp.context().close();
    const created = await fetch(`${platform.url}/api/studies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        studyId: 'with-attributes',
        title: { en: 'With attributes', cy: 'Gyda nodweddion' },
        supportContacts: [],
        attributes: [{ id: 'age_band', label: { en: 'Age band', cy: 'Band oedran' }, values: [{ value: '16-17', label: { en: '16 to 17', cy: '16 i 17' } }], quasiIdentifier: true }],
        consent: { version: 'v1', text: { en: 'Agree?', cy: 'Cytuno?' } },
      }),
    });
    expect(created.status).toBe(201);

    const page = await signedIn('/console/studies/with-attributes');
    const attribute = page.getByRole('combobox', { name: 'Attribute' });
    await attribute.selectOption('age_band');
    await page.getByRole('combobox', { name: 'Value' }).selectOption('16-17');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('0 participants with age_band = 16-17.').waitFor();
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.startsWith('pont.console.attributes')))).toEqual([]);
    await page.context().close();
  });
});
