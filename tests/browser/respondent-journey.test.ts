/** A care leaver opens a personal link in a real browser: consent, the survey, saving on a bad signal, the closing page. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import type { InstrumentFile } from '../../functions/domain/instrument.js';
import { getCheckInRequest } from '../../functions/storage/check-ins.js';
import { getConsent } from '../../functions/storage/consents.js';
import { listResponsesOfParticipantWave } from '../../functions/storage/responses.js';
import { startPlatform, type Platform } from '../../infra/local/platform.js';
import { PHONE_DB } from '../../web/src/respondent/phone-store.js';
import { FEATURE_BLOCKS, QUESTION_BLOCKS, QUESTION_CLASSES, TRIMMED_ICONS } from '../../web/src/respondent/survey-styles.js';
import { launchChromium, sharedDatabase } from '../support/browser.js';
import { adminPasswordOf } from '../support/admin-password.js';
import { checkInInstrument, createLink, type LinkFixture } from '../support/fixtures.js';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform({ port: 0, host: '127.0.0.1', seed: true, database: sharedDatabase() }), launchChromium()]);
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
/**
 * What the phone has kept for unsent answers (the outbox's IndexedDB store), by storage key. A read transaction
 * runs only after every earlier write to the store has finished, so what this sees is committed: it would survive
 * the tab being killed.
 */
const keptOnPhone = (page: Page) =>
  page.evaluate(async ({ name, store }) => {
    if (!(await indexedDB.databases()).some((db) => db.name === name)) return {}; // opening it here would create it
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const transaction = db.transaction(store, 'readonly');
      const read = <T,>(request: IDBRequest<T>) => new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const [keys, values] = await Promise.all([read(transaction.objectStore(store).getAllKeys()), read(transaction.objectStore(store).getAll())]);
      return Object.fromEntries(keys.map((key, i) => [String(key), values[i] as Record<string, { answers: unknown; pageName?: string }>]));
    } finally {
      db.close();
    }
  }, { name: PHONE_DB.name, store: PHONE_DB.store });
const outboxKeys = async (page: Page) => Object.keys(await keptOnPhone(page));
/** The answers the phone has committed for the fixture's instrument (undefined: none). */
const keptAnswers = async (page: Page, link: LinkFixture) => Object.values(await keptOnPhone(page))[0]?.[link.instrument.id]?.answers;

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
    await page.getByRole('button', { name: "Ydw, rydw i'n cytuno" }).click();
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
    // ONS4 1.0.0 requires every answer (1.1.0, which the demo runs, lets each be skipped).
    const file = join(import.meta.dirname, '../../instruments/ons4/1.0.0.json');
    const link = await createLink({ instrument: loadInstrumentText(readFileSync(file, 'utf8'), file) });
    const context = await browser.newContext(DESKTOP);
    const page = await openSurvey(context, link);

    await page.locator('[data-name="ons4_life_satisfaction"] .sd-rating__item').getByText('5', { exact: true }).click();
    await page.locator('.sd-navigation__complete-btn').click();
    // survey-core's own check in the browser stops the submission first.
    await expect.poll(() => page.locator('.sd-question__erbox').count()).toBeGreaterThan(0);
    await answerOns4(page);
    await page.locator('.sd-navigation__complete-btn').click();
    await page.getByText('Thank you!').waitFor();

    const [response] = await stored(link);
    expect(response).toMatchObject({ status: 'complete', language: 'en', answers: ratings });
    await context.close();
  });

  it('submits only what the survey logic leaves standing: answers to a question since disabled (and to one that hid with it), a choice since hidden and a page since hidden are cleared first', async () => {
    const pages = [
      {
        name: 'first',
        elements: [
          { type: 'rating', name: 'often', title: both('How often?', 'Pa mor aml?'), rateMin: 1, rateMax: 5 },
          { type: 'text', name: 'why', title: both('Why?', 'Pam?'), enableIf: '{often} > 3' },
          // Shown while "why" has an answer: clearing that answer hides this one, which then goes too.
          { type: 'text', name: 'because', title: both('Because?', 'Oherwydd?'), visibleIf: '{why} notempty' },
          { type: 'checkbox', name: 'used', title: both('Used', 'Wedi defnyddio'), choices: [...choices('a'), { ...choices('b')[0], visibleIf: '{often} > 3' }] },
        ],
      },
      { name: 'second', visibleIf: '{often} > 3', elements: [{ type: 'comment', name: 'more', title: both('More', 'Mwy') }] },
    ];
    const link = await createLink({ instrument: instrumentWith('logic-left', pages) });
    const context = await browser.newContext(DESKTOP);
    const page = await openSurvey(context, link);

    await page.locator('[data-name="often"] .sd-rating__item').getByText('5', { exact: true }).click();
    await page.locator('[data-name="why"] input').fill('it helps');
    await page.locator('[data-name="because"] input').fill('it does');
    for (const choice of ['Choice a', 'Choice b']) await page.locator('[data-name="used"] .sd-item').filter({ hasText: choice }).locator('label').click();
    await page.locator('.sd-navigation__next-btn').click();
    await page.locator('[data-name="more"] textarea').fill('on the second page');
    await page.locator('.sd-navigation__prev-btn').click();
    await page.locator('[data-name="often"] .sd-rating__item').getByText('1', { exact: true }).click();
    await page.locator('.sd-navigation__complete-btn').click();
    await page.getByText('Thank you!').waitFor();

    const [response] = await stored(link);
    expect(response).toMatchObject({ status: 'complete', answers: { often: 1, used: ['a'] } });
    expect(Object.keys(response!.answers).sort()).toEqual(['often', 'used']);
    await context.close();
  }, 60_000);

  it('on a phone, uses the mobile layout, shows a rating as one-tap options (never a drop-down), and keeps its end labels in the chosen language', async () => {
    const { context, page } = await phonePage();
    const link = platform.demoLinks[2]!;

    await page.goto(linkUrl(link.token));
    await page.getByRole('button', { name: 'Yes, I agree' }).click();
    const rating = page.locator('[data-name="ons4_life_satisfaction"]');
    await rating.locator('.sd-rating__item').first().waitFor();
    expect(await page.locator('.sd-root-modern--mobile').count()).toBe(1);
    expect(await rating.locator('.sd-dropdown').count()).toBe(0);
    await rating.getByText('Not at all', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Cymraeg' }).click();
    await rating.getByText('Ddim o gwbl', { exact: true }).waitFor();
    // Nothing wider than the phone: the eleven options wrap.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await context.close();
  });

  it('shows a completed link as finished when it is opened again', async () => {
    const link = await createLink();
    const sent = await fetch(`${platform.url}/api/s/${link.token}/responses/${link.instrument.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answers: { mood: 3, has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 0 }),
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

  it('asks for the link once, fetches the survey while the consent is read, loads no console code, and takes the survey from the phone next time', async () => {
    const link = await createLink({ consent: null });
    const { context, page } = await phonePage();
    const devtools = await context.newCDPSession(page);
    await devtools.send('Network.enable');
    const requested = new Map<string, string>(); // request id → path
    const fromCache = new Set<string>();
    devtools.on('Network.requestWillBeSent', (e) => requested.set(e.requestId, new URL(e.request.url).pathname));
    devtools.on('Network.requestServedFromCache', (e) => fromCache.add(e.requestId));
    devtools.on('Network.responseReceived', (e) => {
      if (e.response.fromDiskCache) fromCache.add(e.requestId);
    });
    const surveyAddress = `/api/surveys/${link.instrument.id}/${link.instrument.version}/${link.instrument.contentHash}`;
    const requestsFor = (path: string) => [...requested].filter(([, p]) => p === path).map(([id]) => id);

    await page.goto(linkUrl(link.token));
    await page.getByText('Do you agree?').waitFor();

    // Fetched while the consent is on screen, before anything is tapped.
    await expect.poll(() => requestsFor(surveyAddress).length, SLOW).toBe(1);
    const paths = [...requested.values()];
    // The link's state was asked for once: by open-link-early.js, ahead of the app's code, which took its answer.
    expect(paths.filter((path) => path === `/api/s/${link.token}`)).toHaveLength(1);
    expect(paths.findIndex((path) => path.startsWith('/assets/open-link-early-'))).toBeLessThan(paths.findIndex((path) => path.startsWith('/assets/index-')));
    expect(paths.filter((path) => /^\/assets\/(Console|SroiView|PreviewApp|schemas)-/.test(path))).toEqual([]);
    await page.getByRole('button', { name: 'Yes, I agree' }).click();
    await page.locator('[data-name="mood"]').waitFor();

    requested.clear();
    await page.reload();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('[data-name="mood"]').waitFor();
    const again = requestsFor(surveyAddress);
    expect(again).toHaveLength(1);
    expect(fromCache.has(again[0]!)).toBe(true);
    await context.close();
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
    const kept = (await keptOnPhone(page))[keys[0]!]!;
    expect(JSON.stringify(kept)).not.toContain(link.token);
    expect(kept[link.instrument.id]).toMatchObject({ answers: { mood: 4, has_adviser: 'no' }, pageName: 'second' });
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
    // Reloading within the same millisecond as typing is not what this is about (the killed-tab test below is).
    await expect.poll(() => keptAnswers(page, link), SLOW).toMatchObject({ services: ['health'], anything_else: 'Just moved flat' });

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

  it('brings back answers kept on the phone when the tab was killed without a signal, and sends them', async () => {
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
    // Once the phone has committed them (the browser's own storage, which outlives the tab)…
    await expect.poll(() => keptAnswers(page, link), SLOW).toEqual({ mood: 4, has_adviser: 'no', services: ['health'], anything_else: 'Just moved flat' });
    // …killed the way a phone short of memory kills a tab: no pagehide, no unload, no last chance to save.
    const devtools = await context.newCDPSession(page);
    const crashed = page.waitForEvent('crash');
    void devtools.send('Page.crash').catch(() => undefined); // no reply comes from a dead tab
    await crashed;
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
      // Tab only once the target is on screen: on a busy host the page may still be loading the link.
      await page.locator(selector).first().waitFor();
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
    // The page moves focus to <main> just after the survey renders; Tab from there.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('MAIN');
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
    // Two presses within a second leave; on a busy host the second can arrive late, so press again until gone.
    await expect
      .poll(async () => {
        if (page.url().includes('/s/')) {
          await page.keyboard.press('Escape');
          await page.keyboard.press('Escape');
        }
        return page.url();
      })
      .toBe('https://www.bbc.co.uk/weather');
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
    await page.getByText('None of your answers are shared', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Yes, please get in touch with me' }).click();

    await page.getByText('Thanks – the study team has your message. Someone will get in touch with you.').waitFor();
    expect(await getCheckInRequest(link.studyId, link.waveId, link.participantCode)).toMatchObject({ language: 'en' });
    expect(checkIns).toEqual(['{"language":"en"}']);
    // Nothing is saved after the final submission, and the page stays as it is.
    await page.waitForTimeout(500);
    expect(saves.at(-1)).toBe(true);
    await page.getByText('Thank you!').waitFor();

    // Opened again: already asked, so no button.
    await page.reload();
    await page.getByText('Thanks – the study team has your message. Someone will get in touch with you.').waitFor();
    expect(await page.getByRole('button', { name: 'Yes, please get in touch with me' }).count()).toBe(0);
    await context.close();
  });
});

// ---- survey-core's stylesheet and icons, trimmed at build time (web/src/respondent/survey-styles.ts) ----

/** survey-core's whole stylesheet, as the package ships it. */
const WHOLE_STYLESHEET = readFileSync(createRequire(import.meta.url).resolve('survey-core/survey-core.fontless.css'), 'utf8');
const TOUCH_PHONE: BrowserContextOptions = { viewport: PHONE, isMobile: true, hasTouch: true, reducedMotion: 'reduce' };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' };
const both = (en: string, cy: string) => ({ en, cy });
const choices = (...values: string[]) => values.map((value) => ({ value, text: both(`Choice ${value}`, `Dewis ${value}`) }));
type Pages = Record<string, unknown>[];

/** An instrument with the fixture's identity and these pages; by default every question type we ship, in the variants survey-core draws differently. */
function instrumentWith(id: string, pages?: Pages, survey: Record<string, unknown> = {}) {
  return checkInInstrument({
    id,
    survey: {
      ...survey,
      pages: pages ?? [
        {
          name: 'all',
          elements: [
            { type: 'html', name: 'intro', html: both('<p>Some <strong>HTML</strong>:</p><ul><li>a list</li></ul>', '<p>Peth <strong>HTML</strong>:</p><ul><li>rhestr</li></ul>') },
            { type: 'radiogroup', name: 'radio', title: both('Radio', 'Radio'), description: both('A hint', 'Awgrym'), isRequired: true, choices: choices('a', 'b', 'c'), showOtherItem: true, showNoneItem: true },
            { type: 'radiogroup', name: 'radio_columns', title: both('Radio in columns', 'Radio mewn colofnau'), colCount: 2, choices: choices('a', 'b', 'c', 'd') },
            { type: 'checkbox', name: 'check', title: both('Checkbox', 'Blwch ticio'), isRequired: true, choices: choices('a', 'b'), showSelectAllItem: true, showNoneItem: true, showOtherItem: true },
            { type: 'dropdown', name: 'drop', title: both('Drop-down', 'Cwymplen'), isRequired: true, choices: choices('a', 'b', 'c') },
            { type: 'rating', name: 'rate_numbers', title: both('Rating 0–10', 'Sgôr 0–10'), isRequired: true, rateMin: 0, rateMax: 10, minRateDescription: both('Not at all', 'Dim o gwbl'), maxRateDescription: both('Completely', 'Yn llwyr') },
            { type: 'rating', name: 'rate_few', title: both('Rating 1–5', 'Sgôr 1–5'), rateMin: 1, rateMax: 5 },
            { type: 'rating', name: 'rate_stars', title: both('Stars', 'Sêr'), rateType: 'stars', rateCount: 5 },
            { type: 'rating', name: 'rate_smileys', title: both('Smileys', 'Wynebau'), rateType: 'smileys', rateCount: 5, scaleColorMode: 'colored' },
            { type: 'boolean', name: 'bool', title: both('Yes or no', 'Ie neu na'), isRequired: true },
            { type: 'boolean', name: 'bool_checkbox', title: both('Tick', 'Tic'), renderAs: 'checkbox' },
            { type: 'boolean', name: 'bool_radio', title: both('Yes or no, as radio buttons', 'Ie neu na, fel botymau radio'), renderAs: 'radio' },
            { type: 'matrix', name: 'grid', title: both('Matrix', 'Matrics'), isRequired: true, isAllRowRequired: true, alternateRows: true, columns: choices('1', '2', '3'), rows: choices('x', 'y') },
            { type: 'text', name: 'text', title: both('Text', 'Testun'), isRequired: true, maxLength: 50 },
            { type: 'text', name: 'number', title: both('Number', 'Rhif'), inputType: 'number', min: 0, max: 99 },
            { type: 'text', name: 'date', title: both('Date', 'Dyddiad'), inputType: 'date' },
            { type: 'comment', name: 'long', title: both('Long text', 'Testun hir'), maxLength: 500 },
          ],
        },
        { name: 'last', elements: [{ type: 'radiogroup', name: 'last', title: both('Last', 'Olaf'), choices: choices('a', 'b') }] },
      ],
    } as InstrumentFile['survey'],
  });
}

const trimmed = { blocks: [...QUESTION_BLOCKS, ...FEATURE_BLOCKS], classes: [...QUESTION_CLASSES], icons: [...TRIMMED_ICONS] };

/**
 * Compares the page as it is with the page under survey-core's whole
 * stylesheet, put where the trimmed one is (and any set-aside rules loaded
 * since taken away): every element's computed style, ::before and ::after
 * included, and a screenshot of the screen. Returns the differences (none is
 * the point).
 */
async function differencesFromWholeStylesheet(page: Page): Promise<string[]> {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  // What is on screen (a full-page screenshot resizes the window, which closes pop-up lists).
  const shot = () => page.screenshot({ animations: 'disabled', caret: 'hide' });
  const trimmedShot = await shot();
  const styleDiffs = await page.evaluate((wholeStylesheet) => {
    const where = (element: Element) => {
      const path: string[] = [];
      for (let e: Element | null = element; e && e !== document.body; e = e.parentElement) {
        path.unshift(`${e.tagName.toLowerCase()}${e.classList.length ? `.${[...e.classList].slice(0, 2).join('.')}` : ''}`);
      }
      return path.slice(-4).join(' > ');
    };
    // Every CSS property but custom properties (thousands of theme variables: what they do shows in the rest).
    const properties = [...getComputedStyle(document.body)].filter((property) => !property.startsWith('--'));
    const styles = () => {
      const out = new Map<Element, string[]>();
      for (const element of document.body.querySelectorAll('*')) {
        if (element.closest('symbol, defs')) continue; // the icon sprite's insides
        out.set(
          element,
          [null, '::before', '::after'].flatMap((pseudo) => {
            const style = getComputedStyle(element, pseudo);
            if (pseudo && style.content === 'none') return [`${pseudo}: none`];
            return properties.map((property) => `${pseudo ?? ''}${property}: ${style.getPropertyValue(property)}`);
          }),
        );
      }
      return out;
    };
    const links = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')];
    const surveyLib = links.find((link) => /\/assets\/survey-lib-[^/]+\.css$/.test(link.href));
    if (!surveyLib) throw new Error('no survey-lib stylesheet on the page');
    const setAside = links.filter((link) => /\/assets\/trimmed-survey-extras-[^/]+\.css$/.test(link.href));
    const before = styles();
    const whole = document.createElement('style');
    whole.textContent = wholeStylesheet;
    surveyLib.after(whole);
    for (const link of [surveyLib, ...setAside]) link.disabled = true;
    const after = styles();
    // The build's CSS minifier writes survey-core's `0% 0%` background positions as `0 0`: the same place.
    const position = (line = '') => line.replace(/^(background-position: )0% 0%$/, '$10px 0px');
    const same = (line: string, other: string | undefined) => position(line) === position(other);
    const differences: string[] = [];
    for (const [element, properties] of before) {
      const other = after.get(element) ?? [];
      const changed = properties.filter((line, i) => !same(line, other[i]));
      if (changed.length > 0) {
        differences.push(`${where(element)}: ${changed.slice(0, 3).join('; ')} (whole stylesheet: ${other.filter((line) => !properties.includes(line)).slice(0, 3).join('; ')})`);
      }
    }
    (window as unknown as { __restore: () => void }).__restore = () => {
      whole.remove();
      for (const link of [surveyLib, ...setAside]) link.disabled = false;
    };
    return differences;
  }, WHOLE_STYLESHEET);
  const wholeShot = await shot();
  await page.evaluate(() => (window as unknown as { __restore: () => void }).__restore());
  return [...styleDiffs.slice(0, 10), ...(trimmedShot.equals(wholeShot) ? [] : ['the screenshots differ'])];
}

/** Elements carrying a class the build set aside, and icons drawn but missing from the sprite. */
async function setAsideThingsDrawn(page: Page): Promise<string[]> {
  return page.evaluate(({ blocks, classes }) => {
    const blockSet = new Set(blocks);
    const classSet = new Set(classes);
    const found: string[] = [];
    for (const element of document.querySelectorAll('[class]')) {
      for (const name of element.classList) {
        if (classSet.has(name) || blockSet.has(name.replace(/(__|--).*$/, ''))) found.push(`class ${name}`);
      }
    }
    for (const use of document.querySelectorAll('use')) {
      const href = use.getAttribute('href') ?? use.getAttribute('xlink:href') ?? '';
      if (href.startsWith('#') && !document.getElementById(href.slice(1))) found.push(`icon ${href}`);
    }
    return [...new Set(found)];
  }, trimmed);
}

async function openSurvey(context: BrowserContext, link: LinkFixture): Promise<Page> {
  const page = await context.newPage();
  await page.goto(linkUrl(link.token));
  await page.getByRole('button', { name: 'Start' }).click();
  await page.locator('.sd-question').first().waitFor();
  return page;
}

/** Resolves once the page has not scrolled for five frames in a row (a smooth scroll has ended), however slow the machine. */
const scrollSettled = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<void>((done) => {
        let last = window.scrollY;
        let still = 0;
        const check = () => {
          still = window.scrollY === last ? still + 1 : 0;
          last = window.scrollY;
          if (still >= 5) done();
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
  );

const setAsideLoaded = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].some((link) => link.href.includes('trimmed-survey-extras')));

describe("survey-core's stylesheet and icons, trimmed to the question types we ship", () => {
  it.each([
    ['a phone', TOUCH_PHONE],
    ['a desktop', DESKTOP],
  ] as const)('draw every shipped question type exactly as the whole stylesheet does, on %s', async (_screen, options) => {
    const link = await createLink({ instrument: instrumentWith('every-shipped-type') });
    const context = await browser.newContext(options);
    const page = await openSurvey(context, link);

    // As it opens, then with the messages for required answers missing.
    expect(await setAsideThingsDrawn(page)).toEqual([]);
    expect(await differencesFromWholeStylesheet(page)).toEqual([]);
    await page.locator('.sd-navigation__next-btn').click();
    await expect.poll(() => page.locator('.sd-question--error').count()).toBeGreaterThan(3);
    expect(await differencesFromWholeStylesheet(page)).toEqual([]);

    // Answered: "Other" with its text box, a tick, a yes/no, a matrix row; then a drop-down list open.
    await page.locator('[data-name="radio"] .sd-item').filter({ hasText: 'Other' }).locator('label').click();
    await page.locator('[data-name="check"] .sd-item').filter({ hasText: 'Choice b' }).locator('label').click();
    await page.locator('[data-name="bool_checkbox"] label').first().click();
    await page.locator('[data-name="grid"] .sd-item__control').first().check({ force: true });
    // Scrolled to first, clear of the sticky top bar: survey-core closes a pop-up list when the page
    // scrolls, as a click's own scrolling into view would.
    const dropdown = page.locator('[data-name="drop"] .sd-dropdown');
    await dropdown.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await scrollSettled(page);
    await dropdown.click();
    await page.locator('.sv-popup [role="option"]:visible').first().waitFor();
    expect(await setAsideThingsDrawn(page)).toEqual([]);
    expect(await differencesFromWholeStylesheet(page)).toEqual([]);

    // Nothing set aside was needed.
    expect(await setAsideLoaded(page)).toBe(false);
    await context.close();
  }, 120_000);

  it('come back whole for a question type we do not ship, before it is drawn', async () => {
    const pages = [
      {
        name: 'other-types',
        elements: [
          { type: 'multipletext', name: 'boxes', title: both('Boxes', 'Blychau'), items: [{ name: 'first', title: both('First', 'Cyntaf') }, { name: 'second', title: both('Second', 'Ail') }] },
          { type: 'ranking', name: 'order', title: both('Order', 'Trefn'), choices: choices('a', 'b', 'c') },
          { type: 'panel', name: 'group', title: both('A panel', 'Panel'), elements: [{ type: 'text', name: 'inside', title: both('Inside', 'Tu mewn') }] },
        ],
      },
    ];
    const link = await createLink({ instrument: instrumentWith('other-types', pages) });
    const context = await browser.newContext(DESKTOP);
    const page = await openSurvey(context, link);

    expect(await setAsideLoaded(page)).toBe(true);
    await page.locator('.sd-multipletext').waitFor();
    // The ranking's drag handles are in the sprite.
    expect(await page.locator('.sv-ranking-item__icon use').count()).toBeGreaterThan(0);
    expect((await setAsideThingsDrawn(page)).filter((found) => found.startsWith('icon'))).toEqual([]);
    expect(await differencesFromWholeStylesheet(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it('come back whole when the instrument turns on a survey feature the page does not use', async () => {
    const pages = [
      { name: 'one', title: both('One', 'Un'), elements: [{ type: 'radiogroup', name: 'a', title: both('A', 'A'), choices: choices('a', 'b') }] },
      { name: 'two', title: both('Two', 'Dau'), elements: [{ type: 'radiogroup', name: 'b', title: both('B', 'B'), choices: choices('a', 'b') }] },
    ];
    const link = await createLink({ instrument: instrumentWith('with-contents', pages, { showTOC: true }) });
    const context = await browser.newContext(DESKTOP);
    const page = await openSurvey(context, link);

    await page.locator('.sv_progress-toc').first().waitFor();
    await expect.poll(() => setAsideLoaded(page)).toBe(true);
    expect(await differencesFromWholeStylesheet(page)).toEqual([]);
    await context.close();
  }, 60_000);
});

describe('switching language in the middle of a survey', () => {
  it("keeps the answers and the page, and puts every survey text in the new language, a phone's pop-up list included", async () => {
    const pages = [
      { name: 'first', elements: [{ type: 'radiogroup', name: 'first', title: both('First', 'Cyntaf'), choices: choices('a', 'b') }] },
      {
        name: 'second',
        elements: [
          { type: 'text', name: 'name', title: both('Your name', 'Eich enw') },
          { type: 'dropdown', name: 'drop', title: both('Drop-down', 'Cwymplen'), choices: choices('a', 'b', 'c') },
        ],
      },
    ];
    const link = await createLink({ instrument: instrumentWith('switch-language', pages) });
    const context = await browser.newContext(TOUCH_PHONE);
    const page = await openSurvey(context, link);
    await page.locator('[data-name="first"]').getByText('Choice b', { exact: true }).click();
    await page.locator('.sd-navigation__next-btn').click();
    await page.locator('[data-name="name"] input').fill('Sam');
    const cancel = page.locator('.sv-popup:visible .sv-popup__button--cancel');
    await page.locator('[data-name="drop"] .sd-dropdown').click();
    await expect.poll(() => cancel.textContent()).toBe('Cancel');
    await cancel.click();
    await expect.poll(() => cancel.count()).toBe(0);

    await page.getByRole('button', { name: 'Cymraeg' }).click();

    await page.getByText('Eich enw').waitFor();
    expect(await page.locator('[data-name="name"] input').inputValue()).toBe('Sam');
    await page.locator('[data-name="drop"] .sd-dropdown').click();
    await expect.poll(() => cancel.textContent()).toBe('Canslo');
    await cancel.click();
    await page.locator('.sd-navigation__prev-btn').click();
    expect(await page.locator('[data-name="first"] input[value="b"]').isChecked()).toBe(true);
    // Saved at the next page change in the language now chosen, with every answer.
    await page.locator('.sd-navigation__next-btn').click();
    await expect.poll(async () => (await stored(link))[0], SLOW).toMatchObject({ language: 'cy', answers: { first: 'b', name: 'Sam' } });
    await context.close();
  }, 60_000);
});
