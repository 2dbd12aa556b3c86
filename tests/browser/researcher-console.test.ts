/**
 * A researcher runs a study from the console in a real browser: a new study,
 * a baseline and a follow-up, participants from CSV, links and the link sheet,
 * three participants answering, progress, and an erasure that leaves nothing.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../infra/local/platform.js';
import { launchChromium, sharedDatabase } from '../support/browser.js';
import { readZip } from '../support/zip-and-csv.js';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform({ port: 0, host: '127.0.0.1', seed: true, database: sharedDatabase() }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const STUDY = 'console-study';
const AGE_BANDS = ['16-17', '18-20', '21-25'];
const codes = Array.from({ length: 50 }, (_, i) => `leaver-${String(i + 1).padStart(3, '0')}`);
const ratings = { ons4_life_satisfaction: 7, ons4_worthwhile: 8, ons4_happiness: 6, ons4_anxiety: 3 };

/** A datetime-local value, in the browser's (and this process's) local time. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
type AxeViolation = { id: string; help: string; nodes: { target: string[]; html: string }[] };

/** axe-core (WCAG 2.2 A/AA) on the page as it is now: one line per failing element. */
async function audit(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    (tags) => (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe
      .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
      .then((result) => result.violations),
    WCAG_TAGS,
  );
  return violations.flatMap((v) => v.nodes.map((node) => `${where}: ${v.id}: ${v.help} at ${node.target.join(' ')}: ${node.html.slice(0, 200)}`));
}

async function completedCount(page: Page, waveName: string): Promise<string | null> {
  await page.getByRole('button', { name: 'Refresh progress' }).click();
  const table = page.getByRole('table', { name: `Progress: ${waveName}` });
  return table.getByRole('row', { name: /^Completed/ }).getByRole('cell').textContent();
}

async function scanAll(): Promise<Record<string, unknown>[]> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: platform.dynamo.endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  const items: Record<string, unknown>[] = [];
  try {
    for (const table of [platform.tables.main, platform.tables.identity]) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
        items.push(...((page.Items ?? []) as Record<string, unknown>[]));
        start = page.LastEvaluatedKey;
      } while (start);
    }
  } finally {
    client.destroy();
  }
  return items;
}

describe('the researcher console', () => {
  it('sets up a study, issues links, follows progress and erases a participant', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));

    const a11y: string[] = [];

    // Sign in.
    await page.goto(`${platform.url}/console`);
    await page.getByLabel('Email').waitFor();
    a11y.push(...(await audit(page, 'sign-in')));
    await page.getByLabel('Email').fill(platform.adminEmail);
    await page.getByLabel('Password').fill(platform.adminPassword!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The printed password is temporary: the first sign-in chooses a new one.
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    a11y.push(...(await audit(page, 'choose password')));
    await page.getByLabel('New password', { exact: true }).fill('too short');
    await page.getByLabel('New password again').fill('too short');
    await page.getByRole('button', { name: 'Save password and sign in' }).click();
    await page.getByText('Use at least 12 characters.').waitFor();
    await page.getByLabel('New password', { exact: true }).fill('console test owner passphrase');
    await page.getByLabel('New password again').fill('console test owner passphrase');
    await page.getByRole('button', { name: 'Save password and sign in' }).click();
    await page.getByRole('heading', { name: 'Studies' }).waitFor();

    // A new study with one attribute.
    await page.getByRole('button', { name: 'New study' }).click();
    await page.getByLabel('Study id').fill(STUDY);
    await page.getByLabel('Title (English)').fill('Leaving care outcomes');
    await page.getByLabel('Title (Welsh)').fill('Canlyniadau gadael gofal');
    await page.getByLabel('Consent version').fill('v1');
    await page.getByLabel('Consent text (English)').fill('Do you agree to take part?');
    await page.getByLabel('Consent text (Welsh)').fill("Ydych chi'n cytuno i gymryd rhan?");
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.getByLabel('Attribute id').fill('age_band');
    await page.getByLabel('Label (English)').fill('Age band');
    await page.getByLabel('Allowed values (comma-separated)').fill(AGE_BANDS.join(','));
    // A declared attribute is a quasi-identifier unless the study says why not.
    expect(await page.getByLabel(/Quasi-identifier/).isChecked()).toBe(true);
    await page.getByLabel(/Quasi-identifier/).uncheck();
    await page.getByLabel(/Why can nobody who knows a participant use this/).waitFor();
    await page.getByLabel(/Quasi-identifier/).check();
    expect(await page.getByLabel(/Why can nobody who knows a participant use this/).count()).toBe(0);
    await page.getByRole('button', { name: 'Add support contact' }).click();
    await page.getByLabel('Name (English)').fill('Meic');
    await page.getByLabel('Description (English)').fill('Helpline for young people in Wales');
    await page.getByLabel('Phone').fill('080880 23456');
    a11y.push(...(await audit(page, 'new study form')));
    await page.getByRole('button', { name: 'Create study' }).click();
    await page.getByRole('heading', { name: /Leaving care outcomes/ }).waitFor();

    // The baseline: fixed window around now.
    const now = Date.now();
    await page.getByLabel('Wave id').fill('baseline');
    await page.getByLabel('Name (English)').fill('Baseline');
    await page.getByLabel('Name (Welsh)').fill('Llinell sylfaen');
    await expect.poll(() => page.getByLabel('Ordinal (0 = baseline)').inputValue()).toBe('0');
    await page.getByLabel('Opens at').fill(localInput(new Date(now - 24 * 3600_000)));
    await page.getByLabel('Closes at').fill(localInput(new Date(now + 30 * 24 * 3600_000)));
    await page.getByRole('checkbox', { name: /\(ons4\)/ }).check();
    // The wave form offers the study's consent versions.
    await page.getByRole('combobox', { name: 'Consent version', exact: true }).selectOption('v1');
    await page.getByRole('button', { name: 'Add wave' }).click();
    await page.getByText('Wave baseline created.').waitFor();
    await page.getByRole('table', { name: /^Waves of/ }).getByRole('cell', { name: 'Baseline (baseline)' }).waitFor();

    // The +6-month follow-up: relative window.
    await page.getByLabel('Wave id').fill('six-months');
    await page.getByLabel('Name (English)').fill('Six months');
    await page.getByLabel('Name (Welsh)').fill('Chwe mis');
    await expect.poll(() => page.getByLabel('Ordinal (0 = baseline)').inputValue()).toBe('1');
    await page.getByLabel('Relative to each participant').check();
    await page.getByLabel(/Opens after/).fill('182');
    await page.getByLabel('Open for (days)').fill('42');
    await page.getByRole('checkbox', { name: /\(ons4\)/ }).check();
    await page.getByLabel(/^Reminder emails/).fill('7, 14');
    await page.getByRole('button', { name: 'Add wave' }).click();
    await page.getByText('Wave six-months created.').waitFor();
    await page.getByRole('table', { name: /^Waves of/ }).getByRole('cell', { name: '7, 14 days after the email' }).waitFor();
    await page.getByRole('table', { name: /^Waves of/ }).getByRole('cell', { name: 'Six months (six-months)' }).waitFor();

    // Import: one bad row refuses the whole file.
    const rows = codes.map((code, i) => `${code},${AGE_BANDS[i % 3]}`);
    const bad = [...rows];
    bad[9] = `${codes[9]},15-16`;
    await page.getByLabel('Or paste the CSV').fill(['participant_code,age_band', ...bad].join('\n'));
    await page.getByRole('button', { name: 'Import participants' }).click();
    const problem = page.locator('#participants [role="alert"]');
    await problem.getByText(/^line 11: "15-16" is not an allowed age_band/).waitFor();
    await problem.getByText('Nothing was imported', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Refresh progress' }).click();
    await page.getByText('0 participants in the study.').waitFor();

    await page.getByLabel('Or paste the CSV').fill(['participant_code,age_band', ...rows].join('\n'));
    await page.getByRole('button', { name: 'Import participants' }).click();
    await page.getByText('Imported 50 participants.').waitFor();
    await page.getByText('50 participants in the study.').waitFor();
    // The waves table says what each wave runs; a follow-up nobody has reached yet is not yet open, not 0%.
    await page.getByRole('table', { name: /^Waves of/ }).getByRole('row', { name: /Six months/ }).getByRole('cell', { name: 'ons4@1.1.0' }).waitFor();
    await page.getByText('Retention from baseline: not yet open (it opens for each participant a set time after their baseline)').waitFor();

    // Baseline links: shown once, as a CSV link sheet and a printable sheet.
    await page.getByRole('button', { name: 'Issue links for Baseline' }).click();
    await page.getByText('50 links issued.', { exact: false }).waitFor();
    await page.getByText('cannot be shown again', { exact: false }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download link sheet (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe(`links-${STUDY}-baseline.csv`);
    const sheet = (await readFile((await download.path())!, 'utf8')).trim().split(/\r\n/);
    expect(sheet[0]).toBe('participant_code,link');
    expect(sheet).toHaveLength(51);
    const links = new Map(sheet.slice(1).map((line) => line.split(',') as [string, string]));
    expect([...links.keys()].sort()).toEqual(codes);
    for (const link of links.values()) expect(link).toMatch(new RegExp(`^${platform.url}/s/[A-Za-z0-9_-]+$`));

    a11y.push(...(await audit(page, 'study page with issued links')));
    // The sheet is kept for a day: hidden (as a closed tab would lose it), it can be shown again, the same links.
    await page.getByRole('button', { name: 'I have saved them: hide the links' }).click();
    await page.getByRole('heading', { name: 'Link sheets kept for you' }).waitFor();
    await page.getByRole('button', { name: /^Show these links \(Baseline/ }).click();
    await page.getByText('50 links issued.', { exact: false }).waitFor();
    await page.getByText(links.get(codes[0]!)!, { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Print link sheet' }).click();
    await page.getByRole('heading', { name: /Link sheet: Leaving care outcomes, Baseline/ }).waitFor();
    await expect.poll(() => page.locator('svg.console-qr').count()).toBe(50);
    expect(await page.getByRole('img', { name: `QR code for ${codes[0]}'s link` }).count()).toBe(1);
    await page.getByText(links.get(codes[0]!)!, { exact: true }).waitFor();
    const slip = page.getByRole('listitem').filter({ hasText: links.get(codes[0]!)! });
    await slip.getByText("Scan or type this link to take part. It's just for you.").waitFor();
    await slip.getByText('Sganiwch neu teipiwch y ddolen hon i gymryd rhan.', { exact: false }).waitFor();
    await slip.getByText('Leaving care outcomes', { exact: false }).first().waitFor();
    // Printed: A4 pages of 8 slips, so 50 slips take 7 pages.
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(7);
    // A4 in points: 595 × 842.
    const [, width, height] = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)/.exec(pdf) ?? [];
    expect([Math.round(Number(width)), Math.round(Number(height))]).toEqual([595, 842]);
    a11y.push(...(await audit(page, 'print sheet')));
    await page.getByRole('button', { name: 'Back to the study' }).click();
    await page.getByRole('heading', { name: 'Progress' }).waitFor();

    // Three participants answer, in their own browsers.
    const answering = codes.slice(0, 3);
    for (const code of answering) {
      const respondent = await browser.newContext({ viewport: { width: 1024, height: 900 } });
      const survey = await respondent.newPage();
      const loaded: string[] = [];
      survey.on('request', (request) => loaded.push(request.url()));
      await survey.goto(links.get(code)!);
      await survey.getByRole('button', { name: 'Yes, I agree' }).click();
      for (const [name, value] of Object.entries(ratings)) {
        await survey.locator(`[data-name="${name}"] .sd-rating__item`).getByText(String(value), { exact: true }).click();
      }
      await survey.locator('.sd-navigation__complete-btn').click();
      await survey.getByText('Thank you!').waitFor();
      if (code === answering[0]) {
        await survey.getByRole('button', { name: 'Yes, please get in touch with me' }).click();
        await survey.getByText('Thanks – the study team has your message. Someone will get in touch with you.').waitFor();
      }
      // The respondent page never loads console code.
      expect(loaded.filter((url) => /\/assets\/(Console|qr)-/.test(url))).toEqual([]);
      await respondent.close();
    }

    await expect.poll(() => completedCount(page, 'Baseline'), { timeout: 15_000 }).toBe('3');
    const baselineTable = page.getByRole('table', { name: 'Progress: Baseline' });
    expect(await baselineTable.getByRole('row', { name: /^Invited/ }).getByRole('cell').textContent()).toBe('47');
    // Three completed the baseline, but the follow-up opens 182 days after each: not yet open, with the first date, never 0%.
    await page.getByText(/^Retention from baseline: not yet open \(opens .+\)$/).waitFor();
    // …and as a chart, whose rows carry the same figures as text.
    const retention = page.getByRole('figure', { name: /^Chart: retention from baseline \(3 completed the baseline\)$/ });
    await retention.getByRole('listitem').filter({ hasText: 'Six months' }).filter({ hasText: 'not yet open' }).waitFor();

    // Filter by the declared attribute: leaver-001 and leaver-004… are 16-17; of the three, only leaver-001.
    await page.getByRole('combobox', { name: /^Attribute/ }).selectOption('age_band');
    await page.getByRole('combobox', { name: /^Value/ }).selectOption('16-17');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('17 participants with age_band = 16-17.').waitFor();
    expect(await baselineTable.getByRole('row', { name: /^Completed/ }).getByRole('cell').textContent()).toBe('1');
    await page.getByRole('button', { name: 'Everyone' }).click();
    await page.getByText('50 participants in the study.').waitFor();

    // The check-in request, handled.
    await page.getByRole('button', { name: 'Refresh check-ins' }).click();
    const checkIns = page.getByRole('table', { name: 'Participants who asked for their worker to get in touch' });
    await checkIns.getByRole('cell', { name: answering[0]!, exact: true }).waitFor();
    await page.getByRole('button', { name: `Mark handled for ${answering[0]}` }).click();
    await expect.poll(() => page.getByRole('button', { name: /^Mark handled/ }).count()).toBe(0);

    // A lost link, reissued from the participants list: the old one stops working, the new one opens.
    const lost = codes[9]!;
    await page.getByLabel('Find participant code (starts with)').fill(lost);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('table', { name: `Participants whose code starts with ${lost}, page 1` }).waitFor();
    a11y.push(...(await audit(page, 'participants list')));
    await page.getByRole('button', { name: `Reissue Baseline link for ${lost}` }).click();
    await page.getByRole('heading', { name: 'Reissued links: Baseline' }).waitFor();
    await page.getByText('the old links have stopped working', { exact: false }).waitFor();
    const reissued = page.getByRole('table', { name: 'Personal links for Baseline' }).getByRole('row');
    expect(await reissued.count()).toBe(2);
    const newLink = await reissued.nth(1).getByRole('cell').nth(1).textContent();
    expect(newLink).toMatch(new RegExp(`^${platform.url}/s/`));
    expect(newLink).not.toBe(links.get(lost));
    const holder = await browser.newContext();
    const linkPage = await holder.newPage();
    await linkPage.goto(links.get(lost)!);
    await linkPage.getByText('This link is not valid').waitFor();
    await linkPage.goto(newLink!);
    await linkPage.getByRole('button', { name: 'Yes, I agree' }).waitFor();
    await holder.close();

    // Issuing again skips everyone who has a link; one of them is reissued from that list.
    await page.getByRole('button', { name: 'Issue links for Baseline' }).click();
    await page.getByText('0 links issued.', { exact: false }).waitFor();
    const skipped = page.getByRole('table', { name: 'Not issued' });
    await expect.poll(() => skipped.getByRole('row').count()).toBe(51);
    await page.getByRole('button', { name: `Reissue a link for ${codes[19]}` }).click();
    await page.getByRole('table', { name: 'Personal links for Baseline' }).getByRole('cell', { name: codes[19]!, exact: true }).waitFor();
    await expect.poll(() => skipped.getByRole('row').count()).toBe(50);

    // Email invitations for the follow-up: only participants with an email address held are emailed.
    const session = JSON.parse((await page.evaluate(() => sessionStorage.getItem('pont.console.session')))!) as { token: string };
    // Setting a contact is audited by a reference to the participant, never their code or address.
    const withEmail = [codes[0]!, codes[2]!, codes[3]!];
    for (const code of withEmail) {
      const saved = await fetch(`${platform.url}/api/studies/${STUDY}/participants/${code}/contact`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ email: `${code}@example.org` }),
      });
      expect(saved.status).toBe(200);
    }
    await page.getByRole('radio', { name: 'Email (participants with an email address held) for Six months' }).check();
    await page.getByRole('button', { name: 'Email links for Six months' }).click();
    await page.getByText('3 participants emailed their link.').waitFor();
    const notEmailed = page.getByRole('table', { name: 'Not emailed' });
    await expect.poll(() => notEmailed.getByRole('row').count()).toBe(48);
    await notEmailed.getByRole('row', { name: new RegExp(`^${codes[4]} no email address held`) }).waitFor();
    await page.getByRole('button', { name: 'Send due reminders for Six months' }).click();
    await page.getByText('0 reminders sent (0 due of 3 emailed).').waitFor();

    // The participants list says a contact is held and the link was emailed, never the address.
    await page.getByLabel('Find participant code (starts with)').fill('');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    const list = page.getByRole('table', { name: 'Participants, page 1' });
    const firstRow = list.getByRole('row', { name: new RegExp(`^${codes[0]}`) });
    await expect.poll(() => firstRow.textContent()).toContain('emailed');
    expect(await firstRow.textContent()).toContain('email');
    expect(await list.textContent()).not.toContain('@example.org');
    expect(await list.getByRole('row').count()).toBe(51);
    expect(await page.getByRole('button', { name: 'Next participants' }).isDisabled()).toBe(true);

    // The sent messages: invitations (and the check-in message to the team), recipients masked.
    await page.getByRole('button', { name: 'Refresh messages' }).click();
    const sent = page.getByRole('table', { name: /^Messages 1–4 of 4/ });
    await sent.waitFor();
    expect(await sent.getByRole('cell', { name: 'Invitation' }).count()).toBe(3);
    await sent.getByRole('cell', { name: 'l***@example.org' }).first().waitFor();
    expect(await sent.textContent()).not.toContain(`${codes[0]}@example.org`);
    a11y.push(...(await audit(page, 'sent messages')));
    await sent.getByRole('button', { name: /^Your link for Leaving care outcomes/ }).first().click();
    const message = await page.locator('.console-message-text').textContent();
    expect(message).toContain('Eich dolen bersonol');
    const emailedLink = new RegExp(`${platform.url}/s/[A-Za-z0-9_-]{24}`).exec(message!)?.[0];
    expect(emailedLink).toBeDefined();
    const invitee = await browser.newContext();
    const invitePage = await invitee.newPage();
    await invitePage.goto(emailedLink!);
    // A follow-up opens after each participant's baseline: the emailed link is recognised and says so.
    await invitePage.getByText('Not open yet').waitFor();
    await invitee.close();

    // Erase one participant who completed.
    const erased = answering[1]!;
    await page.getByLabel('Participant code', { exact: true }).fill(erased);
    await page.getByLabel('Erase all their data').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(`Everything held about ${erased} will be permanently erased`, { exact: false }).waitFor();
    a11y.push(...(await audit(page, 'withdrawal confirmation')));
    await page.getByRole('button', { name: 'Yes, erase all their data' }).click();
    await page.getByText(`${erased} has been withdrawn and everything held about them erased`, { exact: false }).waitFor();

    const items = await scanAll();
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((item) => JSON.stringify(item).includes(erased))).toEqual([]);
    // The others are still there.
    expect(items.some((item) => JSON.stringify(item).includes(answering[0]!))).toBe(true);

    await expect.poll(() => completedCount(page, 'Baseline'), { timeout: 15_000 }).toBe('2');
    await page.getByText('49 participants in the study.').waitFor();

    // Admins see the audit log of the study.
    await page.getByRole('button', { name: 'Show audit log' }).click();
    const auditTable = page.getByRole('table', { name: new RegExp(`^Audit log of ${STUDY}`) });
    await auditTable.getByRole('cell', { name: 'participant.erased' }).waitFor();
    await auditTable.getByRole('cell', { name: 'participants.imported' }).waitFor();
    a11y.push(...(await audit(page, 'audit log')));
    const [auditCsv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect((await readFile((await auditCsv.path())!, 'utf8')).split(/\r?\n/)[0]).toBe('at,actor,action,detail');

    // And from every later export: the package holds the two who completed and are still in the study, not the erased one.
    await page.getByRole('link', { name: 'Dataset exports', exact: true }).click();
    await page.getByRole('button', { name: 'Start export' }).click();
    const exported = page.locator('.console-export').first();
    await exported.getByText('Ready', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await exported.locator('.console-export-summary').textContent()).toMatch(/^2 participants, 2 responses/);
    const [exportDownload] = await Promise.all([page.waitForEvent('download'), exported.getByRole('button', { name: /^Download the export of/ }).click()]);
    const files = await readZip((await exportDownload.path())!);
    const wide = files.get('responses_wide.csv')!.toString('utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(wide).toHaveLength(1 + 2);

    expect(a11y).toEqual([]);
    expect(requests.every((url) => url.startsWith(platform.url) || url.startsWith('blob:'))).toBe(true);
    await context.close();
  });
});
