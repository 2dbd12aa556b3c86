/**
 * An analyst in the console, in a real browser: a synthetic cohort of 60
 * exported with a progress indicator, the zip downloaded (8 files), then the
 * SROI analysis run in the browser over that export with the example model,
 * its problems named by field, its headline ratio and its three downloads.
 * axe-core checks both views, and the respondent page is shown to load none
 * of the SROI code.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoCohort } from '../../cli/demo-cohort.js';
import { runSroi, type SroiResult } from '../../sroi/analysis.js';
import { PACKAGE_FILES } from '../../functions/exports/build-dataset.js';
import { REPO_ROOT, startPlatform, type Platform } from '../../infra/local/platform.js';
import { adminPasswordOf } from '../support/admin-password.js';
import { launchChromium, sharedDatabase } from '../support/browser.js';
import { readZip } from '../support/zip-and-csv.js';

let platform: Platform;
let browser: Browser;
let adminToken: string;

const STUDY = 'analyst-cohort';
const ANALYST = 'analyst@pont.test';
// Not the "analyst" of the email: the password rules refuse the email's name.
const ANALYST_PASSWORD = 'an exporter password of my own';

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform({ port: 0, host: '127.0.0.1', seed: true, database: sharedDatabase() }), launchChromium()]);
  // The platform pointed this process's storage modules at its table: the cohort goes straight in, as the CLI does.
  await createDemoCohort({ studyId: STUDY, participants: 60, waves: 3, seed: 'console-exports' });
  const signedIn = await api('POST', '/api/auth/sign-in', { email: platform.adminEmail, password: await adminPasswordOf(platform) });
  adminToken = signedIn.token as string;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function api(method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${platform.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
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

/** The example model, for this study and with fewer Monte Carlo draws (the demo cohort's waves are the example's: baseline … follow-up-2). */
function exampleModel(): Record<string, unknown> & { settings: Record<string, unknown>; outcomes: Record<string, unknown>[] } {
  const model = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'sroi-example-model.json'), 'utf8'));
  model.study = STUDY;
  model.settings.monteCarlo = { iterations: 2000, seed: 7 };
  return model;
}

const asFile = (name: string, value: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(value, null, 2)) });

describe('an analyst in the console', () => {
  it('exports a study with progress, downloads it, and runs the SROI analysis over it', { timeout: 240_000 }, async () => {
    const created = await api('POST', '/api/users', { email: ANALYST, role: 'analyst' }, adminToken);
    // Only a study's members see it (issue #18): its owner, the admin, makes the analyst one.
    await api('POST', `/api/studies/${STUDY}/members`, { email: ANALYST, role: 'analyst' }, adminToken);
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const a11y: string[] = [];

    // First sign-in: the temporary password only lets the analyst choose their own.
    await page.goto(`${platform.url}/console`);
    await page.getByLabel('Email').fill(ANALYST);
    await page.getByLabel('Password').fill(created.temporaryPassword as string);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(ANALYST_PASSWORD);
    await page.getByLabel('New password again').fill(ANALYST_PASSWORD);
    await page.getByRole('button', { name: 'Save password and sign in' }).click();

    // The studies list (analysts may list studies): no new-study button, no links to answers.
    await page.getByRole('heading', { name: 'Studies' }).waitFor();
    const title = 'Synthetic cohort';
    const studyLink = page.getByRole('link', { name: new RegExp(`^${title}`) });
    await studyLink.waitFor();
    expect(await page.getByRole('button', { name: 'New study' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /^Baseline/ }).count()).toBe(0);
    a11y.push(...(await audit(page, 'studies (analyst)')));

    // The study as an analyst sees it: its design and the way to exports and SROI; none of the researchers' tools.
    await studyLink.click();
    await page.getByRole('link', { name: 'Dataset exports', exact: true }).waitFor();
    await page.getByRole('table', { name: /^Waves of/ }).getByRole('cell', { name: /\(follow-up-2\)/ }).waitFor();
    for (const heading of ['Links', 'Participants', 'Progress', 'Withdraw a participant', 'Check-in requests', 'Sent messages', 'Audit log']) {
      expect(await page.getByRole('heading', { name: heading, exact: true }).count(), heading).toBe(0);
    }
    expect(await page.getByRole('button').filter({ hasText: /Import|Issue links|Reissue|Withdraw/ }).count()).toBe(0);
    a11y.push(...(await audit(page, 'study page (analyst)')));

    // Exports: the options that weaken anonymisation are explained next to their checkboxes.
    await page.getByRole('link', { name: 'Dataset exports', exact: true }).click();
    await page.getByRole('heading', { name: /^Dataset exports/ }).waitFor();
    await page.getByText('No exports yet.').waitFor();
    const freeText = page.getByRole('checkbox', { name: /free-text answers/ });
    expect(await freeText.getAttribute('aria-describedby')).toBe('export-free-text-hint');
    expect(await page.locator('#export-free-text-hint').textContent()).toContain('identify someone');
    expect(await page.locator('#export-stable-key-hint').textContent()).toContain("two exports can't be joined");
    expect(await page.getByRole('spinbutton', { name: 'Smallest group size (k)' }).inputValue()).toBe('5');
    a11y.push(...(await audit(page, 'exports, none yet')));

    await page.getByRole('button', { name: 'Start export' }).click();
    // The job is shown as soon as it is queued, with a progress bar and its text equivalent, until it is done.
    const progress = page.getByRole('progressbar', { name: /^Progress of the export of/ });
    await progress.waitFor();
    // Read in one step: a quick export can remove the bar between the wait and the read.
    const progressText = await page.evaluate(() => document.querySelector('.console-export-progress-text')?.textContent ?? 'finished already');
    expect(progressText).toMatch(/^(Waiting to start|Reading responses|Writing the files|Packing the zip|finished already)/);
    await page.getByRole('status').filter({ hasText: 'Export started' }).waitFor();
    const item = page.locator('.console-export').first();
    await item.getByText('Ready', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await progress.count()).toBe(0);
    await page.getByRole('status').filter({ hasText: 'is ready to download' }).waitFor();
    const summary = await item.locator('.console-export-summary').textContent();
    const counts = /(\d+) participants, (\d+) responses, (\d+) values? blanked/.exec(summary ?? '');
    expect(counts, summary ?? '').not.toBeNull();
    expect(Number(counts![1])).toBeGreaterThan(20);
    expect(Number(counts![1])).toBeLessThanOrEqual(60);
    await item.getByText('SYNTHETIC', { exact: true }).waitFor();
    await item.getByText('The download is recorded in the audit log.', { exact: false }).waitFor();
    a11y.push(...(await audit(page, 'exports, one done')));

    // Download: the zip holds the 8 files, and the download is in the study's audit log.
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: /^Download the export of/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const files = await readZip((await download.path())!);
    expect([...files.keys()].sort()).toEqual(Object.values(PACKAGE_FILES).sort());
    await page.getByRole('status').filter({ hasText: "recorded in the study's audit log" }).waitFor();
    const month = new Date().toISOString().slice(0, 7);
    const auditLog = (await api('GET', `/api/audit/${STUDY}?month=${month}`, undefined, adminToken)) as { entries: { action: string }[] };
    expect(auditLog.entries.filter((e) => e.action === 'export.downloaded')).toHaveLength(1);

    // The SROI analysis over that export.
    await page.getByRole('link', { name: 'Run an SROI analysis on an export' }).click();
    await page.getByRole('heading', { name: /^SROI analysis/ }).waitFor();
    await page.getByRole('combobox', { name: 'Dataset export' }).waitFor();
    const example = page.getByRole('link', { name: 'example model' });
    const exampleServed = await (await fetch(new URL((await example.getAttribute('href'))!, platform.url))).json();
    expect(exampleServed).toEqual(JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'sroi-example-model.json'), 'utf8')));
    expect(await page.getByRole('link', { name: 'JSON Schema' }).getAttribute('href')).toMatch(/^\/assets\/sroi-model\.schema-.*\.json$/);
    a11y.push(...(await audit(page, 'SROI, nothing chosen')));

    const modelInput = page.getByLabel('SROI model (JSON file)');
    // A model that isn't valid: every problem names its field, before anything is downloaded.
    const invalid = exampleModel();
    invalid.outcomes[0]!.deadweightPercent = 150;
    (invalid.inputs as { value: number }[])[0]!.value = -1;
    await modelInput.setInputFiles(asFile('broken-model.json', invalid));
    const problems = page.getByRole('alert').filter({ hasText: 'to fix in the model' });
    await problems.getByText('outcomes[0].deadweightPercent', { exact: true }).waitFor();
    await problems.getByText('inputs[0].value', { exact: true }).waitFor();
    a11y.push(...(await audit(page, 'SROI, model problems')));

    // A valid model naming a wave the export lacks: the dataset check names the field too.
    const wrongWave = exampleModel();
    (wrongWave.outcomes[0]!.indicator as Record<string, unknown>).toWave = 'follow-up-9';
    await modelInput.setInputFiles(asFile('wrong-wave.json', wrongWave));
    await page.getByRole('status').filter({ hasText: 'is a valid model' }).waitFor();
    await page.getByRole('button', { name: 'Run the analysis' }).click();
    await page.getByRole('alert').getByText('outcomes[0].indicator.toWave', { exact: true }).waitFor({ timeout: 60_000 });

    // The example model as it is meant to run.
    const model = exampleModel();
    await modelInput.setInputFiles(asFile('model.json', model));
    await page.getByRole('status').filter({ hasText: 'is a valid model' }).waitFor();
    await page.getByRole('button', { name: 'Run the analysis' }).click();
    const resultHeading = page.getByRole('heading', { name: model.title as string });
    await resultHeading.waitFor({ timeout: 60_000 });
    // Focus moves to the result.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('sroi-result-heading');

    // The same figures as the analysis computes over the downloaded package.
    const text = (name: string) => files.get(name)!.toString('utf8');
    const expected = runSroi({ model, dataset: { scoresCsv: text('scores.csv'), codebookJson: text('codebook.json') } });
    if (!expected.ok) throw new Error(JSON.stringify(expected.problems));
    const ratio = `£${expected.result.headline.ratio.toFixed(2)} : £1`;
    expect(await page.locator('.sroi-headline').textContent()).toBe(`SROI ratio ${ratio}`);
    await page.getByText('These figures come from made-up participants', { exact: false }).waitFor();
    await page.getByRole('status').filter({ hasText: `Done: SROI ratio ${ratio}` }).waitFor();
    const report = page.frameLocator('iframe[title^="SROI report"]');
    await report.getByRole('heading', { name: 'Headline' }).waitFor();
    expect(await report.locator('p.ratio').textContent()).toBe(`SROI ratio ${ratio}`);
    // The package was fetched once for both runs, and each fetch is an audited download.
    const downloads = (await api('GET', `/api/audit/${STUDY}?month=${month}`, undefined, adminToken)) as { entries: { action: string }[] };
    expect(downloads.entries.filter((e) => e.action === 'export.downloaded')).toHaveLength(2);
    a11y.push(...(await audit(page, 'SROI, result')));

    const save = async (button: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
      return { name: file.suggestedFilename(), body: await readFile((await file.path())!) };
    };
    const html = await save('Download report (HTML)');
    expect(html.name).toBe('sroi-report.html');
    expect(html.body.toString('utf8')).toContain(`SROI ratio <strong>${ratio}</strong>`);

    const json = await save('Download sroi.json');
    expect(json.name).toBe('sroi.json');
    const saved = JSON.parse(json.body.toString('utf8')) as SroiResult;
    expect(saved.format).toBe('pont-sroi/1');
    expect(saved.headline).toEqual(expected.result.headline);
    expect(saved.dataset?.synthetic).toBe(true);

    const workbookRequests = requests.filter((url) => /sroi-workbook/.test(url)).length;
    expect(workbookRequests).toBe(0);
    const xlsx = await save('Download impact map (.xlsx)');
    expect(xlsx.name).toBe('sroi-impact-map.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(expect.arrayContaining(['Impact map', 'Years', 'Results']));
    // exceljs was fetched only when the spreadsheet was asked for.
    expect(requests.filter((url) => /sroi-workbook/.test(url)).length).toBeGreaterThan(0);

    // The report page on its own is accessible too (its wide tables are focusable, labelled regions).
    const reportPage = await context.newPage();
    await reportPage.setContent(html.body.toString('utf8'));
    a11y.push(...(await audit(reportPage, 'SROI report (HTML)')));
    await reportPage.close();

    expect(a11y).toEqual([]);
    expect(requests.every((url) => url.startsWith(platform.url) || url.startsWith('blob:') || url.startsWith('data:'))).toBe(true);
    await context.close();
  });

  it('keeps every part of the SROI code off the respondent page', { timeout: 60_000 }, async () => {
    const link = platform.demoLinks[0];
    expect(link).toBeDefined();
    const respondent = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const page = await respondent.newPage();
    const scripts: string[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.push(response.url());
    });
    await page.goto(`${platform.url}/s/${link!.token}`);
    await page.getByRole('button', { name: 'Yes, I agree' }).click();
    // The first question: the survey chunk and survey-core have loaded.
    await page.locator('.sd-question').first().waitFor({ timeout: 60_000 });
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((url) => /\/assets\/(Console|SroiView|sroi|qr)[-.]/.test(url))).toEqual([]);
    for (const url of scripts) {
      const body = await (await fetch(url)).text();
      // Markers of the full zod (only the SROI model uses it), of the SROI results and of exceljs.
      for (const marker of ['toJSONSchema', 'pont-sroi/1', 'exceljs']) expect(body.includes(marker), `${url} holds ${marker}`).toBe(false);
    }
    await respondent.close();
  });
});
