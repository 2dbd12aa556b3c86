/**
 * (a) The respondent page on a slow phone connection: real Chromium against
 * the embedded platform, with Lighthouse's "Slow 4G" network and a 4× slower
 * CPU applied through the DevTools protocol. Bytes are what crossed the wire
 * (Network.loadingFinished encodedDataLength: compressed bodies plus headers).
 *
 * `npm run bench` runs this with everything else; `npx tsx bench/web.ts` runs
 * only this part and prints its table and what each first visit downloaded
 * (bench/results.* are left alone).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { REPO_ROOT, startPlatform, type Platform } from '../infra/local/platform.js';
import { launchChromium } from '../tests/support/browser.js';
import { createDemoLinks } from './api.js';
import { figure, formatRow, kb, markdownTable, type Row } from './stats.js';

const WARM_UP = 1;
const RUNS = 5;

/** Lighthouse's "Slow 4G" (mobile): 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up; CPU 4× slower. */
export const SLOW_4G = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
export const CPU_SLOWDOWN = 4;
/** A small phone. */
const VIEWPORT = { width: 360, height: 740 };

export type WebBuild = {
  dir: string;
  /** /assets/… files only what follows the first screen needs: the lazy chunks it prefetches (survey, closing pages). */
  surveyChunk: Set<string>;
  remove(): void;
};

type ManifestEntry = { file: string; imports?: string[]; css?: string[] };

/**
 * Builds the web app as deployed, into a private directory (web/dist is left
 * alone), with Vite's manifest to tell the survey chunk from the first screen.
 */
export async function buildWebApp(): Promise<WebBuild> {
  const dir = mkdtempSync(join(tmpdir(), 'pont-bench-web-'));
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--config', join(REPO_ROOT, 'web', 'vite.config.ts'), '--logLevel', 'warn', '--outDir', dir, '--emptyOutDir', '--manifest'], {
    cwd: REPO_ROOT,
  });
  const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestEntry>;
  const files = (key: string, into = new Set<string>()): Set<string> => {
    const entry = manifest[key]!;
    into.add(`/${entry.file}`);
    for (const css of entry.css ?? []) into.add(`/${css}`);
    for (const imported of entry.imports ?? []) files(imported, into);
    return into;
  };
  const firstScreen = files('index.html');
  const lazyKeys = [/SurveyRunner\.tsx$/, /Closing\.tsx$/].map((name) => {
    const key = Object.keys(manifest).find((k) => name.test(k));
    if (!key) throw new Error(`bench: no chunk for ${name.source} in the Vite manifest`);
    return key;
  });
  const surveyChunk = new Set(lazyKeys.flatMap((key) => [...files(key)]).filter((file) => !firstScreen.has(file)));
  return { dir, surveyChunk, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs in the page before its own scripts. Times are performance.now(): ms since navigation start.
 *   shell        the language buttons are on screen
 *   firstScreen  the first enabled button in <main> is on screen (consent or Start)
 *   question     the first survey question is on screen
 *   clicks       each click, and when its button had appeared (to take the automation's reaction time out)
 */
const PROBE = `
(() => {
  const bench = { clicks: [] };
  const seen = new WeakMap();
  const shown = (el) => el.checkVisibility();
  const check = () => {
    const now = performance.now();
    for (const button of document.querySelectorAll('main button')) {
      if (!seen.has(button) && !button.disabled && shown(button)) seen.set(button, now);
    }
    if (bench.shell === undefined && [...document.querySelectorAll('.lang-switch button')].some(shown)) bench.shell = now;
    if (bench.firstScreen === undefined && [...document.querySelectorAll('main button')].some((b) => seen.has(b))) bench.firstScreen = now;
    if (bench.question === undefined && [...document.querySelectorAll('.sd-question')].some(shown)) bench.question = now;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('button');
    bench.clicks.push({ at: performance.now(), readyAt: button ? seen.get(button) : undefined, text: button ? button.textContent : '' });
  }, true);
  window.__bench = bench;
})();
`;

type Marks = { shell?: number; firstScreen?: number; question?: number; clicks: { at: number; readyAt?: number; text: string }[] };

type Transfer = { url: string; bytes: number; beforeFirstClick: boolean };

/** Every response of the page, as the DevTools protocol reports it. */
class NetworkLog {
  private readonly requests = new Map<string, { url: string; bytes: number; done: boolean; beforeFirstClick: boolean }>();
  private clicked = false;

  constructor(cdp: CDPSession) {
    cdp.on('Network.requestWillBeSent', (event) => {
      if (!this.requests.has(event.requestId)) {
        this.requests.set(event.requestId, { url: event.request.url, bytes: 0, done: false, beforeFirstClick: !this.clicked });
      }
    });
    cdp.on('Network.loadingFinished', (event) => this.finish(event.requestId, event.encodedDataLength));
    cdp.on('Network.loadingFailed', (event) => this.finish(event.requestId, 0));
  }

  private finish(requestId: string, bytes: number) {
    const request = this.requests.get(requestId);
    if (request) Object.assign(request, { bytes, done: true });
  }

  markFirstClick() {
    this.clicked = true;
  }

  reset() {
    this.requests.clear();
    this.clicked = false;
  }

  /** Waits until nothing has been in flight for `quietMs`. */
  async idle(quietMs = 500, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      if ([...this.requests.values()].some((r) => !r.done)) quietSince = Date.now();
      else if (Date.now() - quietSince >= quietMs) return;
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error('bench: the page never went quiet');
  }

  transfers(): Transfer[] {
    return [...this.requests.values()].map(({ url, bytes, beforeFirstClick }) => ({ url: new URL(url).pathname.replace(/\/s\/[^/]+/, '/s/<token>'), bytes, beforeFirstClick }));
  }
}

/** Presses the main button (consent, Start) as soon as it is there, until the first question shows. */
async function throughToFirstQuestion(page: Page, network: NetworkLog): Promise<Marks> {
  for (let step = 0; step < 5; step += 1) {
    const next = await page.waitForFunction(
      () => {
        const bench = (window as unknown as { __bench?: Marks }).__bench;
        if (bench?.question !== undefined) return 'question';
        return document.querySelector('main .button-primary:not([disabled])') ? 'button' : false;
      },
      undefined,
      { polling: 'raf', timeout: 60_000 },
    );
    if ((await next.jsonValue()) === 'question') break;
    network.markFirstClick();
    const button = page.locator('main .button-primary:not([disabled])').first();
    const clicks = await page.evaluate(() => (window as unknown as { __bench: Marks }).__bench.clicks.length);
    await button.click();
    // Wait until the click has landed and the page has moved on, so nothing is pressed twice.
    await page.waitForFunction(
      (before) => {
        const bench = (window as unknown as { __bench: Marks }).__bench;
        return bench.clicks.length > before && (bench.question !== undefined || !document.querySelector('main .button-primary:not([disabled])'));
      },
      clicks,
      { polling: 'raf', timeout: 60_000 },
    );
  }
  return page.evaluate(() => (window as unknown as { __bench: Marks }).__bench);
}

/** Time to the first question, less the time the automation took to press buttons once they were there. */
function questionTime(marks: Marks): number {
  const reaction = marks.clicks.reduce((sum, click) => sum + (click.readyAt === undefined ? 0 : click.at - click.readyAt), 0);
  return marks.question! - reaction;
}

type Visit = { marks: Marks; transfers: Transfer[] };
type RunResult = Awaited<ReturnType<typeof oneRun>>;

async function oneRun(browser: Browser, url: string, surveyChunk: Set<string>) {
  const context = await browser.newContext({ viewport: VIEWPORT, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  try {
    await context.addInitScript({ content: PROBE });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...SLOW_4G });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    const network = new NetworkLog(cdp);

    await page.goto(url, { waitUntil: 'commit' });
    const firstMarks = await throughToFirstQuestion(page, network);
    await network.idle();
    const first: Visit = { marks: firstMarks, transfers: network.transfers() };

    // Same browser, warm HTTP cache: the participant comes back to the link.
    network.reset();
    await page.reload({ waitUntil: 'commit' });
    const repeatMarks = await throughToFirstQuestion(page, network);
    await network.idle();
    const repeat: Visit = { marks: repeatMarks, transfers: network.transfers() };

    const sum = (transfers: Transfer[]) => transfers.reduce((total, t) => total + t.bytes, 0);
    // What the first screen prefetches for what follows it: the survey and closing-page chunks, and the surveys themselves (GetInstrumentSurvey).
    const prefetched = (t: Transfer) => surveyChunk.has(t.url) || t.url.startsWith('/api/surveys/');
    const firstScreen = first.transfers.filter((t) => t.beforeFirstClick && !prefetched(t));
    const prefetch = first.transfers.filter(prefetched);
    return {
      first,
      repeat,
      figures: {
        firstScreenMs: first.marks.firstScreen!,
        shellMs: first.marks.shell!,
        firstQuestionMs: questionTime(first.marks),
        firstScreenBytes: sum(firstScreen),
        firstScreenAndPrefetchBytes: sum(firstScreen) + sum(prefetch),
        firstVisitBytes: sum(first.transfers),
        repeatBytes: sum(repeat.transfers),
        repeatFirstScreenMs: repeat.marks.firstScreen!,
        repeatQuestionMs: questionTime(repeat.marks),
      },
    };
  } finally {
    await context.close();
  }
}

export type WebDetail = { firstScreenButton: string; firstVisit: Transfer[]; repeatVisit: Transfer[] };

export async function benchWeb(platform: Platform, build: WebBuild, browser: Browser, log: (line: string) => void): Promise<{ rows: Row[]; detail: WebDetail }> {
  const base = platform.url.replace('//localhost:', '//127.0.0.1:');
  // A new participant per run: a first visit is one that has not agreed to anything yet.
  const tokens = await createDemoLinks(WARM_UP + RUNS, { consent: false });
  const results: RunResult[] = [];
  for (const [i, token] of tokens.entries()) {
    const result = await oneRun(browser, `${base}/s/${token}`, build.surveyChunk);
    if (i >= WARM_UP) results.push(result);
    const f = result.figures;
    log(
      `  web run ${i + 1}/${tokens.length}${i < WARM_UP ? ' (warm-up)' : ''}: first screen ${f.firstScreenMs.toFixed(0)} ms, ${kb(f.firstScreenBytes).toFixed(1)} KB; ` +
        `first question ${f.firstQuestionMs.toFixed(0)} ms, ${kb(f.firstVisitBytes).toFixed(1)} KB; repeat ${kb(f.repeatBytes).toFixed(1)} KB`,
    );
  }
  const of = <K extends keyof RunResult['figures']>(key: K) => figure(results.map((r) => r.figures[key]));
  const kbOf = (key: 'firstScreenBytes' | 'firstScreenAndPrefetchBytes' | 'firstVisitBytes' | 'repeatBytes') => figure(results.map((r) => kb(r.figures[key])));
  const area = 'Web, respondent page (Slow 4G, CPU 4×)';
  const firstScreenButton = results[0]!.first.marks.clicks[0]?.text ?? '';
  const rows: Row[] = [
    { area, measure: 'First visit: first screen usable (main button on screen)', unit: 'ms', figure: of('firstScreenMs'), target: { op: '<=', value: 1500 }, note: `first button: "${firstScreenButton}"` },
    { area, measure: 'First visit: page shell on screen (language buttons)', unit: 'ms', figure: of('shellMs') },
    { area, measure: 'First visit: first question usable', unit: 'ms', figure: of('firstQuestionMs'), target: { op: '<=', value: 4000 } },
    { area, measure: 'First visit: first screen transfer (without the prefetched survey and closing chunks)', unit: 'KB', figure: kbOf('firstScreenBytes'), target: { op: '<=', value: 50 } },
    { area, measure: 'First visit: first screen + prefetched survey and closing chunks', unit: 'KB', figure: kbOf('firstScreenAndPrefetchBytes') },
    { area, measure: 'First visit: total transfer through to the first question', unit: 'KB', figure: kbOf('firstVisitBytes'), target: { op: '<=', value: 380 } },
    { area, measure: 'Repeat visit (warm HTTP cache, reload): total transfer through to the first question', unit: 'KB', figure: kbOf('repeatBytes'), target: { op: '<=', value: 20 } },
    { area, measure: 'Repeat visit: first screen usable', unit: 'ms', figure: of('repeatFirstScreenMs') },
    { area, measure: 'Repeat visit: first question usable', unit: 'ms', figure: of('repeatQuestionMs') },
  ];
  return { rows, detail: { firstScreenButton, firstVisit: results[0]!.first.transfers, repeatVisit: results[0]!.repeat.transfers } };
}

/** `npx tsx bench/web.ts`: this part of the bench alone. */
async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const log = (line: string) => console.log(line);
  const build = await buildWebApp();
  const [platform, browser] = await Promise.all([startPlatform({ port: 0, host: '127.0.0.1', seed: true, webDir: build.dir }), launchChromium()]);
  try {
    const { rows, detail } = await benchWeb(platform, build, browser, log);
    console.log(`\n${markdownTable(['Area', 'Measure', 'Median', 'Spread (min – max of runs)', 'Target', 'Result'], rows.map(formatRow))}`);
    console.log('\nFirst visit, by request (bytes on the wire; * = before the first click):');
    for (const t of detail.firstVisit) console.log(`  ${t.beforeFirstClick ? '*' : ' '} ${String(t.bytes).padStart(7)}  ${t.url}`);
  } finally {
    await browser.close();
    await platform.stop();
    build.remove();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
