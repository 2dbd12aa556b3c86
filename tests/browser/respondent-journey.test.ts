/** A care leaver opens a personal link in a real browser: consent, the survey, saving on a bad signal, the closing page. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCheckInRequest } from '../../functions/storage/check-ins.js';
import { getConsent } from '../../functions/storage/consents.js';
import { listResponsesOfParticipantWave } from '../../functions/storage/responses.js';
import { startPlatform, type Platform } from '../../infra/local/platform.js';
import { launchChromium } from '../support/browser.js';
import { adminPasswordOf } from '../support/admin-password.js';
import { createLink, type LinkFixture } from '../support/fixtures.js';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform({ port: 0, host: '127.0.0.1', seed: true }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const PHONE = { width: 360, height: 740 };
const SLOW = { timeout: 15_000, interval: 200 };

const ratings = { ons4_life_satisfaction: 7, ons4_worthwhile: 8, ons4_happiness: 6, ons4_anxiety: 3 };

async function answerOns4(page: Page) {
  for (const [name, value] of Object.entries(ratings)) {
    const question = page.locator(`[data-name="${name}"]`);
    await question.locator('.sd-rating__item').getByText(String(value), { exact: true }).click();
  }
}

/** The fixture instrument (tests/support/fixtures.ts): page "first" has mood and has_adviser. */
async function answerFirstPage(page: Page) {
  await page.locator('[data-name="mood"] .sd-rating__item').getByText('4', { exact: true }).click();
  await page.locator('[data-name="has_adviser"]').getByText('No', { exact: true }).click();
}

async function readDemoResponses(): Promise<any[]> {
  const signIn = await fetch(`${platform.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: platform.adminEmail, password: await adminPasswordOf(platform) }),
  });
  const { token } = await signIn.json();
  const result = await fetch(`${platform.url}/api/studies/demo/waves/baseline/responses`, { headers: { authorization: `Bearer ${token}` } });
  return (await result.json()).responses;
}

/** What the server holds for a fixture link (straight from storage: includes the resume page). */
const stored = (link: LinkFixture) => listResponsesOfParticipantWave(link.studyId, link.participantCode, link.waveId);

const linkUrl = (token: string) => `${platform.url}/s/${token}`;
const statusOf = (page: Page) => page.locator('.instrument-bar .status').textContent();
const outboxKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('pont.outbox.')));

async function phonePage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE });
  return { context, page: await context.newPage() };
}

describe('the respondent journey', () => {
  it('asks for consent, completes the survey in Welsh and stores the answers with the language', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const link = platform.demoLinks[0]!;

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Cymraeg' }).click();
    await page.getByText("Ydych chi'n cytuno i gymryd rhan?").waitFor();
    await page.getByRole('button', { name: 'Gadael yn gyflym' }).waitFor();
    await page.getByRole('button', { name: 'Ydw, rwy’n cytuno' }).click();
    await expect.poll(() => page.locator('[data-name="ons4_life_satisfaction"]').textContent()).toContain('pa mor fodlon');
    await page.getByRole('button', { name: 'Gadael yn gyflym' }).waitFor();
    await answerOns4(page);
    await page.locator('.sd-navigation__complete-btn').click();
    await page.getByText('Diolch!').waitFor();
    // The closing page: support in the chosen language, a phone number to tap, the quick exit still there.
    await page.getByText('Os hoffech chi siarad â rhywun').waitFor();
    expect(await page.getByRole('link', { name: 'Ffoniwch 080880 23456' }).getAttribute('href')).toBe('tel:08088023456');
    await page.getByRole('button', { name: 'Gadael yn gyflym' }).waitFor();

    const response = (await readDemoResponses()).find((r) => r.participantCode === link.participantCode);
    expect(response).toMatchObject({ status: 'complete', language: 'cy', instrumentId: 'ons4', answers: ratings });
    expect(requests.every((url) => url.startsWith(platform.url))).toBe(true);
    await page.close();
  });

  it('stops a submission with a required answer missing, and accepts it once answered', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const link = platform.demoLinks[1]!;

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Yes, I agree' }).click();
    await page.locator('[data-name="ons4_life_satisfaction"] .sd-rating__item').getByText('5', { exact: true }).click();
    await page.locator('.sd-navigation__complete-btn').click();
    // survey-core's own check in the browser stops the submission first.
    await expect.poll(() => page.locator('.sd-question__erbox').count()).toBeGreaterThan(0);
    await answerOns4(page);
    await page.locator('.sd-navigation__complete-btn').click();
    await page.getByText('Thank you!').waitFor();

    const response = (await readDemoResponses()).find((r) => r.participantCode === link.participantCode);
    expect(response).toMatchObject({ status: 'complete', language: 'en', answers: ratings });
    await page.close();
  });

  it('on a phone, shows ratings as a list and matrices one row at a time, and keeps a rating list in the chosen language', async () => {
    const { context, page } = await phonePage();
    const link = platform.demoLinks[2]!;

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Yes, I agree' }).click();
    const rating = page.locator('[data-name="ons4_life_satisfaction"]');
    await rating.locator('.sd-dropdown').waitFor();
    expect(await page.locator('.sd-root-modern--mobile').count()).toBe(1);
    const placeholder = () => rating.locator('.sd-dropdown input').getAttribute('placeholder');
    expect(await placeholder()).toBe('Select...');

    await page.getByRole('button', { name: 'Cymraeg' }).click();
    await expect.poll(placeholder).toBe('Dewis...');
    // Nothing wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await context.close();
  });

  it('shows a completed link as finished when it is opened again', async () => {
    const link = await createLink();
    const sent = await fetch(`${platform.url}/api/s/${link.token}/responses/${link.instrument.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answers: { mood: 3, has_adviser: 'no' }, language: 'en', complete: true }),
    });
    expect(sent.status).toBe(200);
    const page = await browser.newPage();

    await page.goto(linkUrl(link.token));

    await page.getByText("You've already finished this part").waitFor();
    await page.close();
  });

  it('says plainly that an unknown link is not valid', async () => {
    const page = await browser.newPage();

    await page.goto(`${platform.url}/s/AAAAAAAAAAAAAAAAAAAAAAAA`);

    await page.getByText('This link is not valid').waitFor();
    expect(await page.locator('body').textContent()).not.toMatch(/error:|stack|at \w+ \(/i);
    await page.close();
  });

  it('ends politely when consent is declined, and stores nothing', async () => {
    const link = await createLink({ consent: null });
    const { context, page } = await phonePage();

    await page.goto(linkUrl(link.token));
    await page.getByText('Do you agree?').waitFor();
    await page.getByRole('button', { name: 'No thanks' }).click();

    await page.getByText("That's fine. Thank you for your time. Nothing you've told us has been saved.").waitFor();
    await page.getByText('Helpline').waitFor();
    expect(await page.getByRole('link', { name: 'Call 0800 000 000' }).getAttribute('href')).toBe('tel:0800000000');
    expect(await getConsent(link.studyId, link.participantCode, link.waveId)).toMatchObject({ decision: 'declined' });
    expect(await stored(link)).toEqual([]);
    expect(await outboxKeys(page)).toEqual([]);

    // Opened again: the same ending, not the question.
    await page.reload();
    await page.getByText('Thanks for letting us know').waitFor();
    expect(await page.getByRole('button', { name: 'Yes, I agree' }).count()).toBe(0);
    await context.close();
  });

  it('keeps answers on the phone when the signal drops, and sends them when it is back', async () => {
    const link = await createLink();
    const { context, page } = await phonePage();

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Start' }).click();
    await answerFirstPage(page);
    await context.setOffline(true);
    await page.locator('.sd-navigation__next-btn').click();

    await expect.poll(() => statusOf(page), SLOW).toBe("Saved on this phone – we'll send it when you're back online");
    const keys = await outboxKeys(page);
    expect(keys).toHaveLength(1);
    // Stored under a hash: nothing in storage works as the link.
    expect(keys[0]).toMatch(/^pont\.outbox\.[0-9a-f]{64}$/);
    const kept = await page.evaluate((key) => localStorage.getItem(key), keys[0]!);
    expect(kept).not.toContain(link.token);
    expect(JSON.parse(kept!)[link.instrument.id]).toMatchObject({ answers: { mood: 4, has_adviser: 'no' }, pageName: 'second' });
    expect(await stored(link)).toEqual([]);

    await context.setOffline(false);

    await expect.poll(() => statusOf(page), SLOW).toBe('Saved');
    expect(await stored(link)).toMatchObject([{ status: 'partial', pageName: 'second', answers: { mood: 4, has_adviser: 'no' } }]);
    expect(await outboxKeys(page)).toEqual([]);
    await context.close();
  });

  it('finishes without a signal: keeps the final answers on the phone and sends them when back online', async () => {
    const link = await createLink();
    const { context, page } = await phonePage();

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Start' }).click();
    await answerFirstPage(page);
    await page.locator('.sd-navigation__next-btn').click();
    await expect.poll(() => statusOf(page), SLOW).toBe('Saved');
    await context.setOffline(true);
    await page.locator('.sd-navigation__complete-btn').click();

    await page.getByText("Your answers are saved on this phone and will be sent when you're online").waitFor();
    expect(await stored(link)).toMatchObject([{ status: 'partial' }]);

    await context.setOffline(false);

    await page.getByText('Your answers have been sent.').waitFor(SLOW);
    expect(await stored(link)).toMatchObject([{ status: 'complete', answers: { mood: 4, has_adviser: 'no' } }]);
    expect(await outboxKeys(page)).toEqual([]);
    await context.close();
  });

  it('resumes after a reload on the same page, with the answers given', async () => {
    const link = await createLink();
    const { context, page } = await phonePage();

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Start' }).click();
    await answerFirstPage(page);
    await page.locator('.sd-navigation__next-btn').click();
    await page.locator('[data-name="services"]').getByText('Health', { exact: true }).click();
    await page.locator('[data-name="anything_else"] textarea').fill('Just moved flat');

    await page.reload();
    await page.getByRole('button', { name: 'Carry on' }).click();

    await page.locator('[data-name="services"]').waitFor();
    expect(await page.locator('[data-name="services"] input[value="health"]').isChecked()).toBe(true);
    expect(await page.locator('[data-name="anything_else"] textarea').inputValue()).toBe('Just moved flat');
    await expect
      .poll(async () => (await stored(link))[0], SLOW)
      .toMatchObject({ pageName: 'second', answers: { mood: 4, has_adviser: 'no', services: ['health'], anything_else: 'Just moved flat' } });
    await context.close();
  });

  it('brings back answers kept on the phone when the tab was closed without a signal, and sends them', async () => {
    const link = await createLink();
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Start' }).click();
    await answerFirstPage(page);
    await page.locator('.sd-navigation__next-btn').click();
    await expect.poll(() => statusOf(page), SLOW).toBe('Saved');

    await context.setOffline(true);
    await page.locator('[data-name="services"]').getByText('Health', { exact: true }).click();
    await page.locator('[data-name="anything_else"] textarea').fill('Just moved flat');
    await page.close();
    await context.setOffline(false);
    // The server never got them.
    expect((await stored(link))[0]?.answers).toEqual({ mood: 4, has_adviser: 'no' });

    const again = await context.newPage();
    await again.goto(linkUrl(link.token));
    await again.getByRole('button', { name: 'Carry on' }).click();

    await again.locator('[data-name="services"]').waitFor();
    expect(await again.locator('[data-name="services"] input[value="health"]').isChecked()).toBe(true);
    expect(await again.locator('[data-name="anything_else"] textarea').inputValue()).toBe('Just moved flat');
    await expect
      .poll(async () => (await stored(link))[0]?.answers, SLOW)
      .toEqual({ mood: 4, has_adviser: 'no', services: ['health'], anything_else: 'Just moved flat' });
    await expect.poll(() => outboxKeys(again), SLOW).toEqual([]);
    await context.close();
  });

  it('resumes on another device at the page where the participant stopped', async () => {
    const link = await createLink();
    const first = await phonePage();
    await first.page.goto(linkUrl(link.token));
    await first.page.getByRole('button', { name: 'Start' }).click();
    await answerFirstPage(first.page);
    await first.page.locator('.sd-navigation__next-btn').click();
    await expect.poll(() => statusOf(first.page), SLOW).toBe('Saved');
    await first.context.close();

    const second = await phonePage();
    await second.page.goto(linkUrl(link.token));
    await second.page.getByRole('button', { name: 'Carry on' }).click();

    await second.page.locator('[data-name="services"]').waitFor();
    await second.page.locator('.sd-navigation__prev-btn').click();
    await expect.poll(() => second.page.locator('[data-name="mood"] .sd-rating__item--selected').textContent()).toBe('4');
    expect(await second.page.locator('[data-name="has_adviser"] input[value="no"]').isChecked()).toBe(true);
    await second.context.close();
  });

  it('creates one response when Complete is tapped twice', async () => {
    const link = await createLink();
    const { context, page } = await phonePage();
    const finals: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.postDataJSON()?.complete === true) finals.push(request.url());
    });

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Start' }).click();
    await answerFirstPage(page);
    await page.locator('.sd-navigation__next-btn').click();
    await page.locator('.sd-navigation__complete-btn').dblclick();

    await page.getByText('Thank you!').waitFor();
    expect(finals).toHaveLength(1);
    expect(await stored(link)).toMatchObject([{ status: 'complete' }]);
    expect(await stored(link)).toHaveLength(1);
    await context.close();
  });

  it('can be finished with the keyboard alone', async () => {
    const link = await createLink();
    const { context, page } = await phonePage();
    const tab = async (selector: string) => {
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
      }
      throw new Error(`never reached by Tab: ${selector}`);
    };

    await page.goto(linkUrl(link.token));
    await tab('.button-primary');
    await page.keyboard.press('Enter');
    await page.locator('[data-name="mood"]').waitFor();
    await tab('[data-name="mood"] input');
    await page.keyboard.press('ArrowRight'); // 1 → 2
    await tab('[data-name="has_adviser"] input');
    await page.keyboard.press('ArrowDown'); // yes → no
    await tab('.sd-navigation__next-btn');
    await page.keyboard.press('Enter');
    await page.locator('[data-name="services"]').waitFor();
    await tab('.sd-navigation__complete-btn');
    await page.keyboard.press('Enter');

    await page.getByText('Thank you!').waitFor();
    expect(await stored(link)).toMatchObject([{ status: 'complete', answers: { mood: 2, has_adviser: 'no' } }]);
    await context.close();
  });

  it('leaves for a neutral site at once with the quick exit, and Back does not return', async () => {
    const link = await createLink({ consent: null });
    const { context, page } = await phonePage();
    await page.route('https://www.bbc.co.uk/**', (route) => route.fulfill({ body: 'weather', contentType: 'text/html' }));

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Quick exit' }).click();

    await page.waitForURL('https://www.bbc.co.uk/weather');
    expect(await page.locator('body').textContent()).toBe('weather');
    await page.goBack();
    expect(page.url()).not.toContain('/s/');
    await context.close();
  });

  it('leaves for the neutral site when Esc is pressed twice, from inside the survey', async () => {
    const link = await createLink();
    const { context, page } = await phonePage();
    await page.route('https://www.bbc.co.uk/**', (route) => route.fulfill({ body: 'weather', contentType: 'text/html' }));

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('[data-name="mood"]').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    await page.waitForURL('https://www.bbc.co.uk/weather');
    await context.close();
  });

  it('records a request for a check-in from the closing page, without sending answers', async () => {
    const link = await createLink();
    const { context, page } = await phonePage();
    const checkIns: string[] = [];
    const saves: boolean[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === `/api/s/${link.token}/check-in`) checkIns.push(request.postData() ?? '');
      if (request.method() === 'PUT') saves.push(request.postDataJSON().complete);
    });

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Start' }).click();
    await answerFirstPage(page);
    await page.locator('.sd-navigation__next-btn').click();
    await page.locator('.sd-navigation__complete-btn').click();
    await page.getByText("This doesn't share any of your answers", { exact: false }).waitFor();
    await page.getByRole('button', { name: "I'd like my worker to check in with me" }).click();

    await page.getByText('Done – someone from the team will be in touch').waitFor();
    expect(await getCheckInRequest(link.studyId, link.waveId, link.participantCode)).toMatchObject({ language: 'en' });
    expect(checkIns).toEqual(['{"language":"en"}']);
    // Nothing is saved after the final submission, and the page stays as it is.
    await page.waitForTimeout(500);
    expect(saves.at(-1)).toBe(true);
    await page.getByText('Thank you!').waitFor();

    // Opened again: already asked, so no button.
    await page.reload();
    await page.getByText('Done – someone from the team will be in touch').waitFor();
    expect(await page.getByRole('button', { name: "I'd like my worker to check in with me" }).count()).toBe(0);
    await context.close();
  });
});
