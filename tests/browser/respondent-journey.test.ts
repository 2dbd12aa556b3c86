/** A care leaver opens a personal link in a real browser and completes the demo survey. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../infra/local/platform.js';
import { launchChromium } from '../support/browser.js';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform({ port: 0, host: '127.0.0.1', seed: true }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const ratings = { ons4_life_satisfaction: 7, ons4_worthwhile: 8, ons4_happiness: 6, ons4_anxiety: 3 };

async function answerOns4(page: Page) {
  for (const [name, value] of Object.entries(ratings)) {
    const question = page.locator(`[data-name="${name}"]`);
    await question.locator('.sd-rating__item').getByText(String(value), { exact: true }).click();
  }
}

async function readResponses(): Promise<any[]> {
  const signIn = await fetch(`${platform.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: platform.adminEmail, password: platform.adminPassword }),
  });
  const { token } = await signIn.json();
  const result = await fetch(`${platform.url}/api/studies/demo/waves/baseline/responses`, { headers: { authorization: `Bearer ${token}` } });
  return (await result.json()).responses;
}

describe('the respondent journey', () => {
  it('completes the survey in Welsh and stores the answers with the language', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const link = platform.demoLinks[0]!;

    await page.goto(`${platform.url}/s/${link.token}`);
    await page.getByRole('button', { name: 'Cymraeg' }).click();
    await page.getByRole('button', { name: 'Dechrau' }).click();
    await expect.poll(() => page.locator('[data-name="ons4_life_satisfaction"]').textContent()).toContain('pa mor fodlon');
    await answerOns4(page);
    await page.locator('.sd-navigation__complete-btn').click();
    await page.getByText('Diolch!').waitFor();

    const stored = (await readResponses()).find((r) => r.participantCode === link.participantCode);
    expect(stored).toMatchObject({ status: 'complete', language: 'cy', instrumentId: 'ons4', answers: ratings });
    expect(requests.every((url) => url.startsWith(platform.url))).toBe(true);
    await page.close();
  });

  it('stops a submission with a required answer missing, and accepts it once answered', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const link = platform.demoLinks[1]!;

    await page.goto(`${platform.url}/s/${link.token}`);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('[data-name="ons4_life_satisfaction"] .sd-rating__item').getByText('5', { exact: true }).click();
    await page.locator('.sd-navigation__complete-btn').click();
    // survey-core's own check in the browser stops the submission first.
    await expect.poll(() => page.locator('.sd-question__erbox').count()).toBeGreaterThan(0);
    await answerOns4(page);
    await page.locator('.sd-navigation__complete-btn').click();
    await page.getByText('Thank you!').waitFor();

    const stored = (await readResponses()).find((r) => r.participantCode === link.participantCode);
    expect(stored).toMatchObject({ status: 'complete', language: 'en', answers: ratings });
    await page.close();
  });

  it('shows a completed link as finished when it is opened again', async () => {
    const page = await browser.newPage();

    await page.goto(`${platform.url}/s/${platform.demoLinks[0]!.token}`);

    await expect.poll(() => page.locator('body').textContent()).toMatch(/already finished|eisoes wedi gorffen/);
    await page.close();
  });

  it('says plainly that an unknown link is not valid', async () => {
    const page = await browser.newPage();

    await page.goto(`${platform.url}/s/AAAAAAAAAAAAAAAAAAAAAAAA`);

    await page.getByText('This link is not valid').waitFor();
    expect(await page.locator('body').textContent()).not.toMatch(/error:|stack|at \w+ \(/i);
    await page.close();
  });
});
