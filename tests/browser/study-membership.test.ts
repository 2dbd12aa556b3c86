/**
 * Study membership and data access groups in the console (issue #18), in real
 * Chromium over the embedded platform: the owner of a study grouped by local
 * authority adds a researcher placed in Cardiff on the Members tab (the
 * server's refusals shown as alerts), and that researcher, signed in in a
 * browser of their own, sees Cardiff's participants and Cardiff's figures
 * only; the owner, in no group, looks at one group at a time. A platform admin
 * who is not a member of a study sees its title and members only, until they
 * add themselves. Emailing links to an address changed in the last day waits
 * for a "Send anyway".
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../infra/local/platform.js';
import { adminPasswordOf } from '../support/admin-password.js';
import { launchChromium, sharedDatabase } from '../support/browser.js';

let platform: Platform;
let browser: Browser;
let adminPassword: string;
let adminToken: string;

const STUDY = 'shared-study';
const TITLE = 'Leaving care across Wales';
const CARDIFF = ['card-001', 'card-002', 'card-003'];
const SWANSEA = ['swan-001', 'swan-002', 'swan-003', 'swan-004'];
/** Baseline links go to two of Cardiff's and three of Swansea's: Cardiff's "Invited" figure is 2, the study's 5. */
const INVITED = [CARDIFF[0]!, CARDIFF[1]!, SWANSEA[0]!, SWANSEA[1]!, SWANSEA[2]!];
const RESEARCHER = 'cardiff.researcher@example.org';
const RESEARCHER_PASSWORD = 'a cardiff researcher password';

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform({ port: 0, host: '127.0.0.1', seed: true, database: sharedDatabase() }), launchChromium()]);
  adminPassword = await adminPasswordOf(platform);
  adminToken = (await api('POST', '/api/auth/sign-in', { email: platform.adminEmail, password: adminPassword })).token as string;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function api(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, token?: string, contentType = 'application/json'): Promise<Record<string, unknown>> {
  const response = await fetch(`${platform.url}${path}`, {
    method,
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
type AxeViolation = { id: string; help: string; nodes: { target: string[]; html: string }[] };

/** axe-core (WCAG 2.2 A/AA) on the page as it is now: one line per failing element. */
async function audit(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] }, resultTypes: ['violations'] })
      .then((result) => result.violations),
  );
  return violations.flatMap((v) => v.nodes.map((node) => `${where}: ${v.id}: ${v.help} at ${node.target.join(' ')}: ${node.html.slice(0, 200)}`));
}

/** A fresh browser (nothing shared with another account's tab), signed in at `path`. */
async function signedIn(email: string, password: string, path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${platform.url}${path}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

/** The participant codes in the participants list as it is now. */
async function listedCodes(page: Page, caption: string): Promise<string[]> {
  const table = page.getByRole('table', { name: caption });
  await table.waitFor();
  return (await table.getByRole('rowheader').allTextContents()).map((text) => text.trim()).sort();
}

async function statusCount(page: Page, waveName: string, status: string): Promise<string | null> {
  return page.getByRole('table', { name: `Progress: ${waveName}` }).getByRole('row', { name: new RegExp(`^${status}`) }).getByRole('cell').textContent();
}

describe('study membership and data access groups in the console', () => {
  it('lets the owner place a researcher in Cardiff, who then sees only Cardiff’s participants and figures', { timeout: 180_000 }, async () => {
    // Arrange, through the API as the admin (who becomes the study's owner): a study grouped by local authority,
    // a baseline, seven participants in two groups, links for five of them, and a researcher account.
    await api(
      'POST',
      '/api/studies',
      {
        studyId: STUDY,
        title: { en: TITLE, cy: 'Gadael gofal ar draws Cymru' },
        supportContacts: [],
        attributes: [
          {
            id: 'local_authority',
            label: { en: 'Local authority', cy: 'Awdurdod lleol' },
            values: [
              { value: 'cardiff', label: { en: 'Cardiff', cy: 'Caerdydd' } },
              { value: 'swansea', label: { en: 'Swansea', cy: 'Abertawe' } },
            ],
            quasiIdentifier: true,
          },
        ],
        groupBy: 'local_authority',
        consent: { version: 'v1', text: { en: 'Do you agree?', cy: "Ydych chi'n cytuno?" } },
      },
      adminToken,
    );
    const now = Date.now();
    await api(
      'POST',
      `/api/studies/${STUDY}/waves`,
      {
        waveId: 'baseline',
        name: { en: 'Baseline', cy: 'Llinell sylfaen' },
        ordinal: 0,
        window: { kind: 'fixed', opensAt: new Date(now - 86_400_000).toISOString(), closesAt: new Date(now + 30 * 86_400_000).toISOString() },
        instruments: [{ id: 'ons4', version: '1.0.0' }],
        consentVersion: 'v1',
      },
      adminToken,
    );
    const csv = ['participant_code,local_authority', ...CARDIFF.map((c) => `${c},cardiff`), ...SWANSEA.map((c) => `${c},swansea`)].join('\n');
    expect((await api('POST', `/api/studies/${STUDY}/participants/import`, csv, adminToken, 'text/csv')).imported).toBe(7);
    await api('POST', `/api/studies/${STUDY}/waves/baseline/links`, { reissue: false, participantCodes: INVITED }, adminToken);
    const account = await api('POST', '/api/users', { email: RESEARCHER, role: 'researcher' }, adminToken);
    await api('POST', '/api/auth/password', { email: RESEARCHER, currentPassword: account.temporaryPassword, newPassword: RESEARCHER_PASSWORD });
    // The whole study's figures, which the owner sees: different from Cardiff's, so the researcher's can tell them apart.
    const whole = (await api('GET', `/api/studies/${STUDY}/progress`, undefined, adminToken)) as { participants: number; waves: { counts: { invited: number } }[] };
    expect(whole.participants).toBe(7);
    expect(whole.waves[0]!.counts.invited).toBe(5);

    const a11y: string[] = [];

    // The owner's Members tab: themselves, as the owner.
    const owner = await signedIn(platform.adminEmail, adminPassword, `/console/studies/${STUDY}`);
    await owner.getByRole('heading', { name: new RegExp(`^${TITLE}`) }).waitFor();
    await owner.getByRole('navigation', { name: `Sections of ${TITLE}` }).getByRole('link', { name: 'Members' }).click();
    await owner.getByRole('heading', { name: new RegExp(`^Members ${TITLE}`) }).waitFor();
    const members = owner.getByRole('table', { name: `Members of ${TITLE}` });
    const ownerRow = members.getByRole('row', { name: new RegExp(platform.adminEmail) });
    await ownerRow.getByRole('cell', { name: 'Owner', exact: true }).waitFor();
    expect(await members.getByRole('row').count()).toBe(2);
    expect(await owner.getByRole('link', { name: 'Members' , exact: true }).getAttribute('aria-current')).toBe('page');
    a11y.push(...(await audit(owner, 'members page (owner)')));

    // The server's refusals are shown as alerts: an address with no account; the study's last owner removed.
    await owner.getByLabel('Email of the member').fill('nobody@example.org');
    await owner.getByRole('button', { name: 'Add member' }).click();
    await owner.getByRole('alert').getByText(/account_not_found/).waitFor();
    await ownerRow.getByRole('button', { name: `Remove ${platform.adminEmail}` }).click();
    await ownerRow.getByRole('button', { name: `Yes, remove ${platform.adminEmail}` }).click();
    await owner.getByRole('alert').getByText(/last_owner/).waitFor();
    await ownerRow.getByRole('cell', { name: 'Owner', exact: true }).waitFor();

    // Owners see the whole study: choosing Owner turns the group off.
    await owner.getByLabel('Study role').selectOption('owner');
    expect(await owner.getByLabel('Data access group').isDisabled()).toBe(true);

    // The researcher, placed in Cardiff.
    await owner.getByLabel('Email of the member').fill(RESEARCHER);
    await owner.getByLabel('Study role').selectOption('researcher');
    expect(await owner.getByLabel('Data access group').locator('option').allTextContents()).toEqual(['Whole study', 'Cardiff', 'Swansea']);
    await owner.getByLabel('Data access group').selectOption('cardiff');
    await owner.getByRole('button', { name: 'Add member' }).click();
    await owner.getByRole('status').getByText(`${RESEARCHER} added as researcher (Cardiff only).`).waitFor();
    const researcherRow = members.getByRole('row', { name: new RegExp(RESEARCHER.replaceAll('.', '\\.')) });
    await researcherRow.getByRole('cell', { name: 'Researcher', exact: true }).waitFor();
    await researcherRow.getByRole('cell', { name: 'Cardiff', exact: true }).waitFor();
    a11y.push(...(await audit(owner, 'members page with a grouped member')));

    // The researcher, in a browser of their own: the study, and Cardiff only.
    const researcher = await signedIn(RESEARCHER, RESEARCHER_PASSWORD, '/console');
    await researcher.getByRole('heading', { name: 'Studies' }).waitFor();
    await researcher.getByText('You are a researcher in this study · participants of Cardiff only').waitFor();
    await researcher.getByRole('link', { name: TITLE, exact: true }).click();
    await researcher.getByRole('heading', { name: 'Participants', exact: true }).first().waitFor();
    await researcher.locator('#participant-list').getByText('You see participants of Cardiff only.').waitFor();
    expect(await listedCodes(researcher, 'Participants, page 1')).toEqual(CARDIFF);
    const listText = await researcher.locator('#participant-list').textContent();
    for (const code of SWANSEA) expect(listText).not.toContain(code);

    // Progress: Cardiff's figures.
    await researcher.locator('#progress').getByText('You see participants of Cardiff only.').waitFor();
    await researcher.getByRole('status').filter({ hasText: '3 participants in your group (Cardiff).' }).waitFor();
    expect(await statusCount(researcher, 'Baseline', 'Invited')).toBe('2');
    expect(await statusCount(researcher, 'Baseline', 'Completed')).toBe('0');
    // A researcher neither adds waves nor groups to look at, nor sees exports.
    expect(await researcher.getByRole('heading', { name: 'Add wave' }).count()).toBe(0);
    expect(await researcher.getByRole('combobox', { name: 'Progress of group' }).count()).toBe(0);
    expect(await researcher.getByRole('link', { name: 'Dataset exports', exact: true }).count()).toBe(0);
    a11y.push(...(await audit(researcher, 'study page (researcher in Cardiff)')));

    // Their members page lists the members, with no way to change them.
    await researcher.getByRole('link', { name: 'Members', exact: true }).click();
    await researcher.getByRole('table', { name: `Members of ${TITLE}` }).getByRole('row', { name: new RegExp(platform.adminEmail) }).waitFor();
    expect(await researcher.getByRole('button', { name: 'Add member' }).count()).toBe(0);
    expect(await researcher.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    await researcher.context().close();

    // The owner, in no group, sees everyone, and can look at one group at a time.
    await owner.getByRole('link', { name: 'Overview', exact: true }).click();
    await owner.getByRole('status').filter({ hasText: '7 participants in the study.' }).waitFor();
    expect(await statusCount(owner, 'Baseline', 'Invited')).toBe('5');
    expect(await owner.getByText('You see participants of', { exact: false }).count()).toBe(0);
    await owner.getByRole('combobox', { name: 'Progress of group' }).selectOption('swansea');
    await owner.getByRole('button', { name: 'Show the progress of this group' }).click();
    await owner.getByRole('status').filter({ hasText: '4 participants with local_authority = swansea.' }).waitFor();
    expect(await statusCount(owner, 'Baseline', 'Invited')).toBe('3');
    expect(await listedCodes(owner, 'Participants, page 1')).toEqual([...CARDIFF, ...SWANSEA]);
    await owner.getByRole('combobox', { name: 'Participants of group' }).selectOption('swansea');
    await owner.getByRole('button', { name: 'Show the participants of this group' }).click();
    expect(await listedCodes(owner, 'Participants of Swansea, page 1')).toEqual(SWANSEA);
    a11y.push(...(await audit(owner, 'study page (owner, one group shown)')));
    await owner.context().close();

    expect(a11y).toEqual([]);
  });

  it('shows an admin who is not a member only the title and members, until they add themselves', { timeout: 120_000 }, async () => {
    // A study the researcher created (they are its owner); the admin is not a member.
    const researcherToken = (await api('POST', '/api/auth/sign-in', { email: RESEARCHER, password: RESEARCHER_PASSWORD })).token as string;
    const study = 'researchers-own';
    const title = 'A researcher’s own study';
    await api(
      'POST',
      '/api/studies',
      {
        studyId: study,
        title: { en: title, cy: 'Astudiaeth ymchwilydd' },
        supportContacts: [],
        attributes: [],
        consent: { version: 'v1', text: { en: 'Do you agree?', cy: "Ydych chi'n cytuno?" } },
      },
      researcherToken,
    );
    await api('POST', `/api/studies/${study}/participants/import`, 'participant_code\nown-001', researcherToken, 'text/csv');

    const admin = await signedIn(platform.adminEmail, adminPassword, '/console');
    const card = admin.locator('.console-card').filter({ has: admin.getByRole('heading', { name: title }) });
    await card.getByText('You are not a member of this study.', { exact: false }).waitFor();
    await admin.getByRole('link', { name: title, exact: true }).click();
    await admin.getByText('Reading its participants, answers or data needs membership', { exact: false }).waitFor();
    for (const heading of ['Participants', 'Progress', 'Links', 'Waves', 'Check-in requests']) {
      expect(await admin.getByRole('heading', { name: heading, exact: true }).count(), heading).toBe(0);
    }
    await admin.getByText(`You are signed in as ${platform.adminEmail}.`).waitFor();
    const a11y = await audit(admin, 'study page (admin, not a member)');

    // Adding themselves opens the study, and their members page says how they came in.
    await admin.getByLabel('Your role in this study').selectOption('researcher');
    await admin.getByRole('button', { name: 'Add me to this study' }).click();
    await admin.getByRole('table', { name: 'Participants, page 1' }).getByRole('rowheader', { name: 'own-001' }).waitFor();
    await admin.getByRole('link', { name: 'Members', exact: true }).click();
    const me = admin.getByRole('table', { name: `Members of ${title}` }).getByRole('row', { name: new RegExp(platform.adminEmail) });
    await me.getByText('Admin added themselves').waitFor();
    await me.getByRole('cell', { name: 'Researcher', exact: true }).waitFor();
    a11y.push(...(await audit(admin, 'members page (admin added themselves)')));
    await admin.context().close();

    expect(a11y).toEqual([]);
  });

  it('asks before emailing links to an address changed in the last 24 hours, and sends when told to', { timeout: 120_000 }, async () => {
    const study = 'contact-changes';
    await api(
      'POST',
      '/api/studies',
      { studyId: study, title: { en: 'Contact changes', cy: 'Newidiadau cyswllt' }, supportContacts: [], attributes: [], consent: { version: 'v1', text: { en: 'Agree?', cy: 'Cytuno?' } } },
      adminToken,
    );
    const now = Date.now();
    await api(
      'POST',
      `/api/studies/${study}/waves`,
      {
        waveId: 'baseline',
        name: { en: 'Baseline', cy: 'Llinell sylfaen' },
        ordinal: 0,
        window: { kind: 'fixed', opensAt: new Date(now - 86_400_000).toISOString(), closesAt: new Date(now + 30 * 86_400_000).toISOString() },
        instruments: [{ id: 'ons4', version: '1.0.0' }],
        consentVersion: 'v1',
      },
      adminToken,
    );
    await api('POST', `/api/studies/${study}/participants/import`, 'participant_code\nct-001\nct-002\nct-003', adminToken, 'text/csv');
    // ct-001's address is replaced (with a reason); ct-002's is set once; ct-003 has none.
    await api('PUT', `/api/studies/${study}/participants/ct-001/contact`, { email: 'first@example.org' }, adminToken);
    await api('PUT', `/api/studies/${study}/participants/ct-001/contact`, { email: 'second@example.org', reason: 'new address from their worker' }, adminToken);
    await api('PUT', `/api/studies/${study}/participants/ct-002/contact`, { email: 'only@example.org' }, adminToken);

    const page = await signedIn(platform.adminEmail, adminPassword, `/console/studies/${study}`);
    await page.getByRole('radio', { name: 'Email (participants with an email address held) for Baseline' }).check();
    await page.getByRole('button', { name: 'Email links for Baseline' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Email addresses changed in the last 24 hours' });
    await ask.waitFor();
    expect(await ask.getByRole('listitem').allTextContents()).toEqual(['ct-001']);
    // Nothing was sent meanwhile.
    await page.getByRole('button', { name: 'Refresh messages' }).click();
    await page.getByText('No messages yet.').waitFor();
    const a11y = await audit(page, 'recent contact change confirmation');

    await ask.getByRole('button', { name: 'Send anyway Baseline links by email' }).click();
    await page.getByText('2 participants emailed their link.').waitFor();
    expect(await ask.count()).toBe(0);
    await page.getByRole('table', { name: 'Not emailed' }).getByRole('row', { name: /^ct-003 no email address held/ }).waitFor();
    await page.context().close();
    expect(a11y).toEqual([]);
  });
});
