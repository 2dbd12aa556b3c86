/**
 * A care leaver's phone (issue #23, in part), at 360 × 740 with touch.
 * Welsh first: a phone set to Welsh opens in Welsh; a language chosen before
 * consent survives a reload; the participant's saved choice comes above both;
 * before anything says which language, the loading and broken-link screens
 * say it in both. One tap per answer: each 0–10 scale answers with one tap on
 * a visible option, its end labels shown, every target at least 44 × 44 px.
 * Nothing lost between phones: answers given (the page not finished) are
 * there when the link is opened on another phone. And the tab title never
 * names the study; a part that is not the last ends with "Next part".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../infra/local/platform.js';
import { t } from '../../web/src/respondent/strings-after-first-screen.js';
import { launchChromium, sharedDatabase } from '../support/browser.js';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import { toInstrumentVersion } from '../../functions/domain/instrument.js';
import { checkInInstrument, createLink } from '../support/fixtures.js';
import { testInstrumentFile } from '../support/instrument-file.js';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform({ port: 0, host: '127.0.0.1', seed: false, database: sharedDatabase() }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const phone = (locale: string): BrowserContextOptions => ({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale });

describe('the respondent page language', () => {
  it('opens in Welsh on a phone set to Welsh, before anything is chosen', async () => {
    const link = await createLink({ consent: null });
    const context = await browser.newContext(phone('cy-GB'));
    const page = await context.newPage();

    await page.goto(`${platform.url}/s/${link.token}`);

    await page.getByRole('button', { name: t('cy', 'consentYes') }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('cy');
    await context.close();
  });

  it('keeps a language chosen before consent across a reload, and the participant\'s saved choice above it', async () => {
    const link = await createLink({ consent: null });
    const context = await browser.newContext(phone('en-GB'));
    const page = await context.newPage();
    await page.goto(`${platform.url}/s/${link.token}`);
    await page.getByRole('button', { name: t('en', 'consentYes') }).waitFor();

    await page.getByRole('button', { name: 'Cymraeg' }).click();
    await page.reload();

    await page.getByRole('button', { name: t('cy', 'consentYes') }).waitFor();
    // Consenting in Welsh saves Welsh as the participant's choice; on another phone (English, nothing chosen there) it still opens in Welsh.
    await page.getByRole('button', { name: t('cy', 'consentYes') }).click();
    await page.locator('.sd-question').first().waitFor();
    const other = await browser.newContext(phone('en-GB'));
    const second = await other.newPage();
    await second.goto(`${platform.url}/s/${link.token}`);
    await second.getByText(t('cy', 'introLead')).waitFor();
    await Promise.all([context.close(), other.close()]);
  });

  it('says a broken link in both languages when nothing says which, and only in Welsh on a Welsh phone', async () => {
    const unknown = await browser.newContext(phone('fr-FR'));
    const welsh = await browser.newContext(phone('cy-GB'));
    const [either, cymraeg] = await Promise.all([unknown.newPage(), welsh.newPage()]);

    await Promise.all([either.goto(`${platform.url}/s/AAAAAAAAAAAAAAAAAAAAAAAA`), cymraeg.goto(`${platform.url}/s/AAAAAAAAAAAAAAAAAAAAAAAA`)]);

    await either.getByRole('heading', { name: t('cy', 'notValidTitle'), level: 1 }).waitFor();
    await either.getByRole('heading', { name: t('en', 'notValidTitle'), level: 2 }).waitFor();
    expect(await either.locator('h1').count()).toBe(1);
    await cymraeg.getByRole('heading', { name: t('cy', 'notValidTitle') }).waitFor();
    expect(await cymraeg.getByText(t('en', 'notValidTitle')).count()).toBe(0);
    expect(await cymraeg.getByText(t('en', 'notValidBody')).count()).toBe(0);
    await Promise.all([unknown.close(), welsh.close()]);
  });
});

describe('what the phone shows and keeps', () => {
  it('never names the study in the tab title, and ends a part that is not the last with "Next part"', async () => {
    const onePage = toInstrumentVersion(
      testInstrumentFile({ id: 'first-part', survey: { pages: [{ name: 'only', elements: [{ type: 'comment', name: 'anything', title: { en: 'Anything to say?', cy: 'Unrhyw beth i’w ddweud?' } }] }] } }),
    );
    const link = await createLink({ instrument: onePage, then: [checkInInstrument({ id: 'second-part' })] });
    const context = await browser.newContext(phone('en-GB'));
    const page = await context.newPage();
    await page.goto(`${platform.url}/s/${link.token}`);
    await page.getByRole('button', { name: t('en', 'start') }).click();
    await page.getByText(t('en', 'partOf', { n: 1, total: 2 })).waitFor();

    expect(await page.title()).toBe('Pont');
    // The first part's one page: its button goes on to the next part.
    await page.locator('.sd-navigation__complete-btn').waitFor();
    expect(await page.locator('.sd-navigation__complete-btn').innerText()).toBe(t('en', 'nextPart'));
    await page.getByRole('button', { name: 'Cymraeg' }).click();
    await expect.poll(() => page.locator('.sd-navigation__complete-btn').innerText()).toBe(t('cy', 'nextPart'));
    expect(await page.title()).toBe('Pont');
    await context.close();
  });
});

const ONS4_FILE = join(import.meta.dirname, '../../instruments/ons4/1.1.0.json');
const ons4 = () => loadInstrumentText(readFileSync(ONS4_FILE, 'utf8'), ONS4_FILE);
const ONS4_ITEMS = ['ons4_life_satisfaction', 'ons4_worthwhile', 'ons4_happiness', 'ons4_anxiety'];

describe('answering on a phone', () => {
  it('answers each 0–10 scale with one tap on a visible option, end labels shown, every target at least 44 × 44 px', async () => {
    const link = await createLink({ instrument: ons4() });
    const context = await browser.newContext(phone('en-GB'));
    const page = await context.newPage();
    await page.goto(`${platform.url}/s/${link.token}`);
    await page.getByRole('button', { name: t('en', 'start') }).click();
    await page.locator('.sd-question').first().waitFor();

    for (const [i, name] of ONS4_ITEMS.entries()) {
      const question = page.locator(`[data-name="${name}"]`);
      // No drop-down: the eleven options are on screen, with the scale's ends.
      expect(await question.locator('.sd-dropdown').count()).toBe(0);
      expect(await question.locator('.sd-rating__item').count()).toBe(11);
      await question.getByText(i === 3 ? 'Not at all anxious' : 'Not at all', { exact: true }).waitFor();
      await question.locator('.sd-rating__item').getByText(String(i + 5), { exact: true }).tap();
      await expect.poll(() => question.locator('.sd-rating__item--selected').innerText()).toBe(String(i + 5));
    }
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, [role="radio"], .sd-rating__item, .sd-selectbase__label, a')]
        .filter((element) => (element as HTMLElement).offsetParent !== null && !element.matches('input[type="radio"], input[type="checkbox"]'))
        .map((element) => ({ element, box: element.getBoundingClientRect() }))
        .filter(({ box }) => box.width < 44 || box.height < 44)
        .map(({ element, box }) => `${element.className || element.tagName} ${Math.round(box.width)}×${Math.round(box.height)}`),
    );
    expect(small).toEqual([]);
    await context.close();
  });

  it('carries on on another phone with every answer given, the page not yet finished', async () => {
    const link = await createLink({ instrument: ons4() });
    const first = await browser.newContext(phone('en-GB'));
    const page = await first.newPage();
    await page.goto(`${platform.url}/s/${link.token}`);
    await page.getByRole('button', { name: t('en', 'start') }).click();
    await page.locator(`[data-name="ons4_life_satisfaction"] .sd-rating__item`).getByText('7', { exact: true }).tap();
    await page.locator(`[data-name="ons4_worthwhile"] .sd-rating__item`).getByText('8', { exact: true }).tap();
    // Sent within a few seconds of answering, without leaving the page.
    await page.getByText(t('en', 'saved'), { exact: true }).waitFor({ timeout: 10_000 });

    const second = await browser.newContext(phone('en-GB'));
    const other = await second.newPage();
    await other.goto(`${platform.url}/s/${link.token}`);
    await other.getByRole('button', { name: t('en', 'carryOn') }).click();

    await expect.poll(() => other.locator('[data-name="ons4_life_satisfaction"] .sd-rating__item--selected').innerText()).toBe('7');
    await expect.poll(() => other.locator('[data-name="ons4_worthwhile"] .sd-rating__item--selected').innerText()).toBe('8');
    await Promise.all([first.close(), second.close()]);
  });
});

describe('words a young person can trust', () => {
  it('finishes ONS4 in Welsh with every question left blank, names only what the participant should see, and says what happens next', async () => {
    const link = await createLink({ instrument: ons4(), publicTitle: { en: 'Your say', cy: 'Eich llais' }, consent: null });
    const context = await browser.newContext(phone('cy-GB'));
    const page = await context.newPage();
    await page.goto(`${platform.url}/s/${link.token}`);

    await page.getByRole('heading', { level: 1, name: 'Eich llais' }).waitFor();
    // The team's names for the study and the wave never reach the phone.
    expect(await page.getByText('Astudiaeth brawf').count()).toBe(0);
    expect(await page.getByText('Llinell sylfaen').count()).toBe(0);
    await page.getByRole('button', { name: t('cy', 'consentYes') }).click();
    await page.getByRole('heading', { level: 1, name: ons4().respondentTitle!.cy }).waitFor();
    expect(await page.getByText('ONS4').count()).toBe(0);

    // The consent says no question has to be answered: nothing answered, and it still finishes.
    await page.locator('.sd-navigation__complete-btn').tap();
    await page.getByRole('heading', { name: t('cy', 'thanksTitle') }).waitFor();
    await page.getByRole('heading', { name: t('cy', 'whatNextTitle') }).waitFor();
    await page.getByText(t('cy', 'whatNextNotRead')).waitFor();
    await page.getByText(t('cy', 'whatNextTakeBack')).waitFor();
    expect(await page.getByText(t('en', 'whatNextTitle')).count()).toBe(0);
    await context.close();
  });

  it("shows an answer the server refuses in the participant's language, never the server's English", async () => {
    const words = toInstrumentVersion(
      testInstrumentFile({ id: 'own-words', survey: { pages: [{ name: 'only', elements: [{ type: 'comment', name: 'story', title: { en: 'Tell us more', cy: 'Dywedwch fwy wrthon ni' } }] }] } }),
    );
    const link = await createLink({ instrument: words, consent: null });
    const context = await browser.newContext(phone('cy-GB'));
    const page = await context.newPage();
    await page.goto(`${platform.url}/s/${link.token}`);
    await page.getByRole('button', { name: t('cy', 'consentYes') }).click();

    // Longer than the server keeps (10,000 characters); survey-core sets no limit of its own here.
    await page.locator('textarea').fill('a'.repeat(10_001));
    await page.locator('.sd-navigation__complete-btn').tap();

    await page.getByText(t('cy', 'fixTheseTitle')).waitFor();
    await expect.poll(() => page.getByText(t('cy', 'answerNotAccepted')).count()).toBeGreaterThan(0);
    expect(await page.getByText(/characters|must be|not complete/).count()).toBe(0);
    await context.close();
  });
});
