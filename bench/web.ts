/**
 * (a) The respondent page on a slow phone connection: real Chromium against
 * the embedded platform, with Lighthouse's "Slow 4G" network and a 4× slower
 * CPU applied through the DevTools protocol. Bytes are what crossed the wire
 * (Network.loadingFinished encodedDataLength: compressed bodies plus headers).
 * Each time is also reported as a ratio to its network floor (networkFloor()),
 * so a slow host shows as CPU, not as a regression (issue #24).
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
/** The marks, and the page's performance.timeOrigin (ms since the epoch) they count from. */
type TimedMarks = Marks & { timeOrigin: number };

type Transfer = { url: string; bytes: number; beforeFirstClick: boolean };

/**
 * A request on the page's clock (ms since its navigation start, as the marks):
 * when it was sent and when it finished; whether the HTTP cache answered it
 * (no bytes or round trip on the wire) and how long opening a new connection
 * for it took (0 on a reused one).
 */
type TimedRequest = { url: string; bytes: number; startMs: number; endMs?: number; fromCache: boolean; connectMs: number };

/** What the network alone forces before a moment of a visit, at the emulated Slow 4G. */
type NetworkFloor = { ms: number; bytes: number; roundTrips: number; waves: number; connectionRoundTrips: number };

/**
 * The network floor of a moment: the time the emulated network alone needs to
 * deliver what the page had received by then, however fast the CPU.
 *
 *   floor = bytes ÷ SLOW_4G.downloadThroughput + round trips × SLOW_4G.latency
 *
 * Counted from the requests that finished (Network.loadingFinished, or
 * loadingFailed) before the moment; those the HTTP cache answered cost neither
 * bytes nor a round trip, and those still in flight at the moment are left
 * out (the moment did not wait for them).
 *   bytes        their encodedDataLength (compressed bodies plus headers), as the byte rows count.
 *   round trips  the critical path, not the request count: requests in flight
 *                together share a round trip. A request sent before any other
 *                finished is in wave 1; one sent after others finished is in
 *                the wave after the deepest of those; the round trips are the
 *                deepest wave. Plus the connection set-up if the visit's first
 *                request opened a new connection: its measured connect time in
 *                round trips at the emulated latency. That is 0 here: Chrome's
 *                emulation adds its latency per request, not per connection (a
 *                loopback connect takes under 1 ms, and headers arrive ~150 ms
 *                after sending on a new connection as on a reused one), and it
 *                reports a fresh context's first request as reused in some
 *                runs, so a flat "one more" would come and go between runs.
 * Upload bytes (the few small POSTs and PUTs) are left out: the floor errs low.
 */
function networkFloor(requests: readonly TimedRequest[], momentMs: number): NetworkFloor {
  const onWire = requests
    .filter((r): r is TimedRequest & { endMs: number } => !r.fromCache && r.endMs !== undefined && r.endMs <= momentMs)
    .sort((a, b) => a.startMs - b.startMs);
  const bytes = onWire.reduce((sum, r) => sum + r.bytes, 0);
  const wave = new Map<TimedRequest, number>();
  for (const request of onWire) {
    const before = onWire.filter((other) => other.endMs <= request.startMs).map((other) => wave.get(other) ?? 0);
    wave.set(request, 1 + Math.max(0, ...before));
  }
  const waves = Math.max(0, ...wave.values());
  const connectionRoundTrips = Math.round((onWire[0]?.connectMs ?? 0) / SLOW_4G.latency);
  const roundTrips = waves + connectionRoundTrips;
  return { ms: (bytes / SLOW_4G.downloadThroughput) * 1000 + roundTrips * SLOW_4G.latency, bytes, roundTrips, waves, connectionRoundTrips };
}

/** Every response of the page, as the DevTools protocol reports it. */
class NetworkLog {
  private readonly requests = new Map<
    string,
    { url: string; bytes: number; done: boolean; beforeFirstClick: boolean; sent: number; finished?: number; fromCache: boolean; connectMs: number }
  >();
  private clicked = false;
  /** Seconds to add to the protocol's monotonic timestamps for seconds since the epoch (from the first request's wallTime). */
  private toWallClock: number | undefined;

  constructor(cdp: CDPSession) {
    cdp.on('Network.requestWillBeSent', (event) => {
      this.toWallClock ??= event.wallTime - event.timestamp;
      if (!this.requests.has(event.requestId)) {
        this.requests.set(event.requestId, {
          url: event.request.url,
          bytes: 0,
          done: false,
          beforeFirstClick: !this.clicked,
          sent: event.timestamp,
          fromCache: event.request.url.startsWith('data:'),
          connectMs: 0,
        });
      }
    });
    cdp.on('Network.requestServedFromCache', (event) => this.update(event.requestId, { fromCache: true }));
    cdp.on('Network.responseReceived', (event) => {
      const { response } = event;
      if (response.fromDiskCache || response.fromPrefetchCache || response.fromServiceWorker) this.update(event.requestId, { fromCache: true });
      const timing = response.timing;
      if (!response.connectionReused && timing && timing.connectStart >= 0) this.update(event.requestId, { connectMs: timing.connectEnd - timing.connectStart });
    });
    cdp.on('Network.loadingFinished', (event) => this.update(event.requestId, { bytes: event.encodedDataLength, done: true, finished: event.timestamp }));
    cdp.on('Network.loadingFailed', (event) => this.update(event.requestId, { bytes: 0, done: true, finished: event.timestamp }));
  }

  private update(requestId: string, change: Partial<{ bytes: number; done: boolean; finished: number; fromCache: boolean; connectMs: number }>) {
    const request = this.requests.get(requestId);
    if (request) Object.assign(request, change);
  }

  markFirstClick() {
    this.clicked = true;
  }

  reset() {
    this.requests.clear();
    this.clicked = false;
    this.toWallClock = undefined;
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

  /** The requests on the clock of the page whose performance.timeOrigin is `timeOrigin`. */
  timed(timeOrigin: number): TimedRequest[] {
    const pageMs = (timestamp: number) => (timestamp + this.toWallClock!) * 1000 - timeOrigin;
    return [...this.requests.values()].map((r) => ({
      url: r.url,
      bytes: r.bytes,
      startMs: pageMs(r.sent),
      ...(r.finished === undefined ? {} : { endMs: pageMs(r.finished) }),
      fromCache: r.fromCache,
      connectMs: r.connectMs,
    }));
  }
}

/** Presses the main button (consent, Start) as soon as it is there, until the first question shows. */
async function throughToFirstQuestion(page: Page, network: NetworkLog): Promise<TimedMarks> {
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
  return page.evaluate(() => ({ ...(window as unknown as { __bench: Marks }).__bench, timeOrigin: performance.timeOrigin }));
}

/** Time to the first question, less the time the automation took to press buttons once they were there. */
function questionTime(marks: Marks): number {
  const reaction = marks.clicks.reduce((sum, click) => sum + (click.readyAt === undefined ? 0 : click.at - click.readyAt), 0);
  return marks.question! - reaction;
}

type Visit = { marks: TimedMarks; transfers: Transfer[]; requests: TimedRequest[] };
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
    const first: Visit = { marks: firstMarks, transfers: network.transfers(), requests: network.timed(firstMarks.timeOrigin) };

    // Same browser, warm HTTP cache: the participant comes back to the link.
    network.reset();
    await page.reload({ waitUntil: 'commit' });
    const repeatMarks = await throughToFirstQuestion(page, network);
    await network.idle();
    const repeat: Visit = { marks: repeatMarks, transfers: network.transfers(), requests: network.timed(repeatMarks.timeOrigin) };

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
      /** The network floor of each time in figures (the moment the page reached, before the automation's reaction is taken out). */
      floors: {
        firstScreenMs: networkFloor(first.requests, first.marks.firstScreen!),
        shellMs: networkFloor(first.requests, first.marks.shell!),
        firstQuestionMs: networkFloor(first.requests, first.marks.question!),
        repeatFirstScreenMs: networkFloor(repeat.requests, repeat.marks.firstScreen!),
        repeatQuestionMs: networkFloor(repeat.requests, repeat.marks.question!),
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
    const overFloor = (key: keyof RunResult['floors']) => `${(f[key] / result.floors[key].ms).toFixed(2)}× its floor`;
    log(
      `  web run ${i + 1}/${tokens.length}${i < WARM_UP ? ' (warm-up)' : ''}: first screen ${f.firstScreenMs.toFixed(0)} ms (${overFloor('firstScreenMs')}), ${kb(f.firstScreenBytes).toFixed(1)} KB; ` +
        `first question ${f.firstQuestionMs.toFixed(0)} ms (${overFloor('firstQuestionMs')}), ${kb(f.firstVisitBytes).toFixed(1)} KB; repeat ${kb(f.repeatBytes).toFixed(1)} KB`,
    );
  }
  const of = <K extends keyof RunResult['figures']>(key: K) => figure(results.map((r) => r.figures[key]));
  const kbOf = (key: 'firstScreenBytes' | 'firstScreenAndPrefetchBytes' | 'firstVisitBytes' | 'repeatBytes') => figure(results.map((r) => kb(r.figures[key])));
  const area = 'Web, respondent page (Slow 4G, CPU 4×)';
  const firstScreenButton = results[0]!.first.marks.clicks[0]?.text ?? '';
  /** Each time's ratio to its network floor, run by run; the note gives the floor of the run at the median ratio. */
  const overFloor = (time: Row, key: keyof RunResult['floors']): Row => {
    const ratios = results.map((r) => r.figures[key] / r.floors[key].ms);
    const middle = [...ratios.keys()].sort((a, b) => ratios[a]! - ratios[b]!)[Math.floor((ratios.length - 1) / 2)]!;
    const floor = results[middle]!.floors[key];
    const rounds = `${floor.waves} wave${floor.waves === 1 ? '' : 's'} of requests${floor.connectionRoundTrips ? ` + ${floor.connectionRoundTrips} to connect` : ''}`;
    return {
      area,
      measure: `${time.measure} ÷ its network floor`,
      unit: 'x',
      figure: figure(ratios),
      note:
        `run at the median ratio: ${results[middle]!.figures[key].toFixed(0)} ms against a floor of ${floor.ms.toFixed(0)} ms = ${kb(floor.bytes).toFixed(1)} KB at 1.6 Mbit/s ` +
        `+ ${floor.roundTrips} round trips (${rounds}) × ${SLOW_4G.latency} ms`,
    };
  };
  const timed = (row: Row, key: keyof RunResult['floors']): Row[] => [row, overFloor(row, key)];
  const rows: Row[] = [
    ...timed(
      { area, measure: 'First visit: first screen usable (main button on screen)', unit: 'ms', figure: of('firstScreenMs'), target: { op: '<=', value: 1500 }, note: `first button: "${firstScreenButton}"` },
      'firstScreenMs',
    ),
    ...timed({ area, measure: 'First visit: page shell on screen (language buttons)', unit: 'ms', figure: of('shellMs') }, 'shellMs'),
    ...timed({ area, measure: 'First visit: first question usable', unit: 'ms', figure: of('firstQuestionMs'), target: { op: '<=', value: 4000 } }, 'firstQuestionMs'),
    { area, measure: 'First visit: first screen transfer (without the prefetched survey and closing chunks)', unit: 'KB', figure: kbOf('firstScreenBytes'), target: { op: '<=', value: 50 } },
    { area, measure: 'First visit: first screen + prefetched survey and closing chunks', unit: 'KB', figure: kbOf('firstScreenAndPrefetchBytes') },
    { area, measure: 'First visit: total transfer through to the first question', unit: 'KB', figure: kbOf('firstVisitBytes'), target: { op: '<=', value: 380 } },
    { area, measure: 'Repeat visit (warm HTTP cache, reload): total transfer through to the first question', unit: 'KB', figure: kbOf('repeatBytes'), target: { op: '<=', value: 20 } },
    ...timed({ area, measure: 'Repeat visit: first screen usable', unit: 'ms', figure: of('repeatFirstScreenMs') }, 'repeatFirstScreenMs'),
    ...timed({ area, measure: 'Repeat visit: first question usable', unit: 'ms', figure: of('repeatQuestionMs') }, 'repeatQuestionMs'),
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
