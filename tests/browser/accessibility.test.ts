/**
 * axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every page a
 * participant can see, in English and in Welsh, on a small phone screen:
 * every page of every shipped instrument (through the instrument preview,
 * which runs the respondent page's own survey runner; on a desktop screen
 * too, where survey-core lays some questions out differently), and the
 * respondent page's own screens on the embedded platform: consent, Start, a
 * survey page (with and without answers missing), thank-you, "No thanks",
 * finished already, and links that are not valid, closed or not open yet.
 *
 * The pages' Content-Security-Policy allows only 'self' scripts, so axe is
 * not added as a <script>: page.evaluate runs it through the DevTools
 * protocol, which the policy does not govern.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPreviewServer, type PreviewServer } from '../../cli/preview/server.js';
import { REPO_ROOT, startPlatform, type Platform } from '../../infra/local/platform.js';
import type { Lang } from '../../web/src/i18n.js';
import { t } from '../../web/src/respondent/strings-after-first-screen.js';
import { launchChromium, sharedDatabase } from '../support/browser.js';
import { createLink } from '../support/fixtures.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
/** A small phone: target sizes and reflow matter most there. */
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const LANGUAGES: Lang[] = ['en', 'cy'];
const LANGUAGE_BUTTON: Record<Lang, string> = { en: 'English', cy: 'Cymraeg' };

type AxeNode = { target: string[]; html: string; failureSummary?: string };
type AxeViolation = { id: string; impact: string | null; help: string; helpUrl: string; nodes: AxeNode[] };

/** Runs axe on the page as it is now; returns one readable line per failing element. */
async function audit(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const { violations, passes } = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[]; passes: unknown[] }> } }).axe
        .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
        .then((result) => ({ violations: result.violations, passes: result.passes.length })),
    WCAG_TAGS,
  );
  // No rule passing means axe looked at nothing: an empty or broken page, not an accessible one.
  expect(passes, `${where}: axe found nothing to check`).toBeGreaterThan(0);
  return violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${where}: ${violation.id} (${violation.impact}): ${violation.help}\n` +
        `    element: ${node.target.join(' ')}\n    html: ${node.html.slice(0, 300)}\n` +
        `    ${(node.failureSummary ?? '').replaceAll('\n', '\n    ')}`,
    ),
  );
}

async function chooseLanguage(page: Page, lang: Lang) {
  const button = page.getByRole('button', { name: LANGUAGE_BUTTON[lang], exact: true });
  await button.click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
}

// ---- survey pages -------------------------------------------------------------------------------

const questionNames = (page: Page) => page.locator('.sd-page .sd-question[data-name]').evaluateAll((els) => els.map((el) => el.getAttribute('data-name')).join(','));
const errorCount = (page: Page) => page.locator('.sd-question--error').count();

/**
 * Answers each visible, unanswered question on the page the way a hurried
 * participant would: the first rating or choice, or "1". A drop-down question
 * is answered from its list (ratings are always one-tap options).
 */
async function answerFirstChoices(page: Page) {
  // Twice: an answer can reveal another question (visibleIf).
  for (let pass = 0; pass < 2; pass += 1) {
    for (const question of await page.locator('.sd-page .sd-question').all()) {
      if (!(await question.isVisible())) continue;
      const dropdown = question.locator('.sd-dropdown--empty');
      const rating = question.locator('.sd-rating__item:visible');
      const choice = question.locator('.sd-selectbase .sd-radio label');
      const input = question.locator('input.sd-formbox__input[type="text"], input.sd-formbox__input[type="number"], textarea').first();
      if ((await dropdown.count()) > 0) {
        // A phone's list opens as a full-screen pop-up, a desktop's beside the box (its .sv-popup wrapper has no size there).
        // Tried again from the start if the list closes before its option is clicked (seen on a loaded machine).
        await vi.waitFor(
          async () => {
            if ((await dropdown.count()) === 0) return;
            const option = page.locator('.sv-popup [role="option"]:visible').first();
            if (!(await option.isVisible())) await dropdown.click({ timeout: 5000 });
            await option.waitFor({ timeout: 5000 });
            // Clicked where it is: a desktop's list may still be settling into place (Playwright would wait for it to hold still).
            await option.dispatchEvent('click', undefined, { timeout: 5000 });
            await expect.poll(() => dropdown.count(), { timeout: 5000 }).toBe(0);
          },
          { timeout: 60_000, interval: 250 },
        );
      } else if ((await rating.count()) > 0) {
        if ((await question.locator('.sd-rating__item--selected').count()) === 0) await rating.first().click();
      } else if ((await choice.count()) > 0) {
        if ((await question.locator('.sd-item--checked').count()) === 0) await choice.first().click();
      } else if ((await input.count()) > 0 && (await input.inputValue()) === '') await input.fill('1');
    }
  }
}

/**
 * Audits every page of the survey on screen, in order: as shown; where it has
 * required questions, after "Next" (or "Complete") is stopped with their error
 * messages; and always once answered (an answered drop-down once drew an
 * unlabelled input), optional pages included. Returns when the survey has
 * completed.
 */
async function auditSurveyPages(page: Page, where: string, problems: string[]) {
  for (let n = 1; n <= 30; n += 1) {
    await page.locator('.sd-page .sd-question').first().waitFor();
    const shown = await questionNames(page);
    problems.push(...(await audit(page, `${where}, page ${n}`)));
    const next = page.locator('.sd-navigation__next-btn');
    const last = !(await next.isVisible());
    const button = last ? page.locator('.sd-navigation__complete-btn') : next;
    if ((await page.locator('.sd-page .sd-question--required').count()) > 0) {
      await button.click();
      await expect.poll(() => errorCount(page)).toBeGreaterThan(0);
      problems.push(...(await audit(page, `${where}, page ${n} with required answers missing`)));
    }
    await answerFirstChoices(page);
    problems.push(...(await audit(page, `${where}, page ${n} answered`)));
    await button.click();
    await expect.poll(async () => (await page.locator('.sd-page').count()) === 0 || (await questionNames(page)) !== shown).toBe(true);
    if (last) return;
  }
  throw new Error(`${where}: more than 30 pages?`);
}

// ---- every shipped instrument, through the preview --------------------------------------------

const instrumentFiles = readdirSync(join(REPO_ROOT, 'instruments'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => readdirSync(join(REPO_ROOT, 'instruments', entry.name)).map((file) => join('instruments', entry.name, file)))
  .filter((file) => file.endsWith('.json'));

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(instrumentFiles)('%s', (file) => {
  let preview: PreviewServer;

  beforeAll(async () => {
    preview = await startPreviewServer({ file: join(REPO_ROOT, file), port: 0 });
  });

  afterAll(async () => {
    await preview?.stop();
  });

  // survey-core renders some questions differently by width (a 0–10 rating is a drop-down list on a phone).
  const cases = LANGUAGES.flatMap((lang) => [
    [lang, 'phone', PHONE] as const,
    [lang, 'desktop', DESKTOP] as const,
  ]);

  it.each(cases)('passes axe on every page, in the preview, in %s on a %s', async (lang, screen, options) => {
    const page = await browser.newPage(options);
    try {
      const problems: string[] = [];
      await page.goto(preview.url);
      await page.locator('.sd-page .sd-question').first().waitFor();
      if (lang !== 'en') await chooseLanguage(page, lang);
      await auditSurveyPages(page, `${file} (${lang}, ${screen})`, problems);
      await page.getByRole('heading', { name: lang === 'en' ? 'Preview finished' : 'Rhagolwg wedi gorffen' }).waitFor();
      problems.push(...(await audit(page, `${file} (${lang}, ${screen}), preview finished`)));
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});

// ---- the respondent page on the embedded platform ---------------------------------------------

describe('respondent page', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ port: 0, host: '127.0.0.1', seed: false, database: sharedDatabase() });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const hour = 3600_000;

  it.each(LANGUAGES)('passes axe from consent to thank-you, in %s', async (lang) => {
    const link = await createLink({ consent: null });
    const page = await browser.newPage(PHONE);
    try {
      const problems: string[] = [];
      await page.goto(`${platform.url}/s/${link.token}`);
      const agree = page.getByRole('button', { name: t('en', 'consentYes') });
      await agree.waitFor();
      if (lang !== 'en') await chooseLanguage(page, lang);
      problems.push(...(await audit(page, `consent (${lang})`)));

      await page.getByRole('button', { name: t(lang, 'consentYes') }).click();
      await auditSurveyPages(page, `survey (${lang})`, problems);

      await page.getByRole('heading', { name: t(lang, 'thanksTitle') }).waitFor();
      problems.push(...(await audit(page, `thank-you (${lang})`)));
      await page.getByRole('button', { name: t(lang, 'checkInButton') }).click();
      await page.getByText(t(lang, 'checkInDone')).waitFor();
      problems.push(...(await audit(page, `thank-you after asking for a check-in (${lang})`)));
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('finds a violation when there is one (the check itself works under the page\'s CSP)', async () => {
    const page = await browser.newPage(PHONE);
    try {
      await page.goto(`${platform.url}/s/AAAAAAAAAAAAAAAAAAAAAAAA`);
      await page.getByText(t('en', 'notValidTitle')).waitFor();
      await page.evaluate(() => document.querySelector('main')!.append(Object.assign(document.createElement('button'), { type: 'button' })));
      expect((await audit(page, 'control')).join('\n')).toMatch(/^control: button-name \(critical\)/);
    } finally {
      await page.close();
    }
  });

  /** Screens reached by opening a link, audited in English, then again after switching to Welsh. */
  const screens: { name: string; open(): Promise<string>; shows(lang: Lang): string }[] = [
    { name: 'Start (consent given earlier)', open: async () => (await createLink()).token, shows: (lang) => t(lang, 'start') },
    { name: '"No thanks" given earlier', open: async () => (await createLink({ consent: 'declined' })).token, shows: (lang) => t(lang, 'declinedTitle') },
    {
      name: 'finished already',
      open: async () => {
        const link = await createLink();
        const answers = { mood: 3, has_adviser: 'no' };
        const response = await fetch(`${platform.url}/api/s/${link.token}/responses/${link.instrument.id}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ answers, language: 'en', complete: true, baseRevision: 0 }),
        });
        expect(response.status).toBe(200);
        return link.token;
      },
      shows: (lang) => t(lang, 'alreadyDoneTitle'),
    },
    { name: 'link not valid', open: async () => 'AAAAAAAAAAAAAAAAAAAAAAAA', shows: (lang) => t(lang, 'notValidTitle') },
    {
      name: 'link closed',
      open: async () => (await createLink({ opensAt: new Date(Date.now() - 48 * hour), closesAt: new Date(Date.now() - 24 * hour) })).token,
      shows: (lang) => t(lang, 'closedTitle'),
    },
    {
      name: 'link not open yet',
      open: async () => (await createLink({ opensAt: new Date(Date.now() + 24 * hour), closesAt: new Date(Date.now() + 48 * hour) })).token,
      shows: (lang) => t(lang, 'notOpenTitle'),
    },
  ];

  it.each(screens.map((screen) => [screen.name, screen] as const))('passes axe on %s, in English and Welsh', async (_name, screen) => {
    const token = await screen.open();
    const page = await browser.newPage(PHONE);
    try {
      const problems: string[] = [];
      await page.goto(`${platform.url}/s/${token}`);
      for (const lang of LANGUAGES) {
        if (lang !== 'en') await chooseLanguage(page, lang);
        await page.getByText(screen.shows(lang), { exact: true }).first().waitFor();
        problems.push(...(await audit(page, `${screen.name} (${lang})`)));
      }
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
