/** A researcher previews an instrument file in the real respondent page and edits it while it is open. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreviewServer, type PreviewServer } from '../../cli/preview/server.js';
import { REPO_ROOT } from '../../cli/instrument-files.js';
import { launchChromium } from '../support/browser.js';

const FIRST = '[data-name="ons4_life_satisfaction"]';
const ENGLISH_TITLE = 'Overall, how satisfied are you with your life nowadays?';
const WELSH_TITLE = 'At ei gilydd, pa mor fodlon ydych chi ar eich bywyd y dyddiau hyn?';

let dir: string;
let file: string;
let preview: PreviewServer;
let browser: Browser;
let page: Page;
const requests: { method: string; url: string }[] = [];

/** Saves the way many editors do: write a new file, then rename it over the old one. */
function saveLikeAnEditor(text: string) {
  const temporary = join(dir, 'ons4', '.1.0.0.json.swp');
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function editedInstrument(titles: { en: string; cy: string }): string {
  const json = JSON.parse(readFileSync(join(REPO_ROOT, 'instruments', 'ons4', '1.0.0.json'), 'utf8'));
  json.survey.pages[0].elements[0].title = titles;
  return JSON.stringify(json, null, 2);
}

const firstQuestionText = () => page.locator(FIRST).textContent();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pont-preview-test-'));
  mkdirSync(join(dir, 'ons4'));
  file = join(dir, 'ons4', '1.0.0.json');
  cpSync(join(REPO_ROOT, 'instruments', 'ons4', '1.0.0.json'), file);
  [preview, browser] = await Promise.all([startPreviewServer({ file, port: 0 }), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
  page.on('request', (request) => requests.push({ method: request.method(), url: request.url() }));
});

afterAll(async () => {
  await browser?.close();
  await preview?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('instrument preview', () => {
  it('shows the instrument in the respondent page, marked as a preview', async () => {
    expect(preview.url).toMatch(/^http:\/\/localhost:\d+\/preview$/);
    await page.goto(preview.url);

    await expect.poll(firstQuestionText).toContain(ENGLISH_TITLE);
    await page.getByText('Preview – answers are not saved').waitFor();
    // The live connection is up before anything below edits the file.
    await page.locator('[data-live="live"]').waitFor();
  });

  it('switches to Welsh', async () => {
    await page.getByRole('button', { name: 'Cymraeg' }).click();

    await expect.poll(firstQuestionText).toContain(WELSH_TITLE);
    await page.getByText("Rhagolwg – dydy'r atebion ddim yn cael eu cadw").waitFor();
  });

  it('runs to the end without sending anything, and starts again', async () => {
    for (const name of ['ons4_life_satisfaction', 'ons4_worthwhile', 'ons4_happiness', 'ons4_anxiety']) {
      await page.locator(`[data-name="${name}"] .sd-rating__item`).getByText('5', { exact: true }).click();
    }
    await page.locator('.sd-navigation__complete-btn').click();
    await page.getByText('Rhagolwg wedi gorffen').waitFor();
    expect(requests.filter((r) => r.method !== 'GET' || r.url.includes('/api/s/'))).toEqual([]);
    expect(requests.every((r) => r.url.startsWith(preview.url.replace(/\/preview$/, '')))).toBe(true);

    await page.getByRole('button', { name: 'Dechrau eto' }).click();
    await expect.poll(firstQuestionText).toContain(WELSH_TITLE);
  });

  it('shows a saved change without a reload, in the language already chosen', async () => {
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    saveLikeAnEditor(editedInstrument({ en: 'How happy are you with life these days?', cy: 'Pa mor hapus ydych chi gyda bywyd y dyddiau hyn?' }));

    await expect.poll(firstQuestionText).toContain('Pa mor hapus ydych chi gyda bywyd y dyddiau hyn?');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(firstQuestionText).toContain('How happy are you with life these days?');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('lists the problems of a broken file instead of the survey, and recovers when it is fixed', async () => {
    writeFileSync(file, '{ "id": "ons4", "version": ');

    const problems = page.locator('.preview-problems');
    await problems.waitFor();
    expect(await problems.textContent()).toMatch(/\(file\): not valid JSON/);
    expect(await page.locator(FIRST).count()).toBe(0);

    cpSync(join(REPO_ROOT, 'instruments', 'ons4', '1.0.0.json'), file);
    await expect.poll(firstQuestionText).toContain(ENGLISH_TITLE);
    expect(await problems.count()).toBe(0);
  });
});
