/**
 * `npm run bench`: runs every benchmark on this machine, one after another,
 * then writes bench/results.json (everything, git-ignored) and
 * bench/results.md (the tables, committed) and prints the tables.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startPlatform } from '../infra/local/platform.js';
import { launchChromium } from '../tests/support/browser.js';
import { benchApi, benchDynamoBaseline, benchHandlerTime } from './api.js';
import { benchBundles } from './bundles.js';
import { benchCost } from './cost.js';
import { benchExport } from './export.js';
import { benchLinkJobs } from './link-jobs.js';
import { formatRow, markdownTable, type Row } from './stats.js';
import { benchValidation } from './validation.js';
import { benchWeb, buildWebApp, CPU_SLOWDOWN, SLOW_4G, type WebDetail } from './web.js';

// The SDK's notice that it will need Node 22 from 2027 is known (see README).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const started = performance.now();
const startedAt = new Date();
const loadAtStart = loadavg();
const log = (line: string) => console.log(line);

/** Runs one part of the bench, logging its name and how long it took. */
const sections: Record<string, number> = {};
async function section<T>(name: string, work: () => Promise<T>): Promise<T> {
  log(`${name}…`);
  const sectionStarted = performance.now();
  const result = await work();
  sections[name] = Math.round((performance.now() - sectionStarted) / 1000);
  log(`  (${sections[name]} s)`);
  return result;
}

const rows: Row[] = [];
rows.push(...(await section('Validation throughput', () => benchValidation(log))));
rows.push(...(await section("Save handler's own time", () => benchHandlerTime(log))));
rows.push(...(await section('Lambda bundles', () => benchBundles(log))));

const build = await section('Web app build', buildWebApp);
const [platform, browser] = await section('Embedded platform and Chromium', async () => {
  const launched = await Promise.allSettled([startPlatform({ port: 0, host: '127.0.0.1', seed: true, webDir: build.dir }), launchChromium()]);
  const [platform, browser] = launched;
  if (platform.status === 'fulfilled' && browser.status === 'fulfilled') return [platform.value, browser.value] as const;
  // One of them failed: stop the other, leave nothing behind, and say why.
  if (platform.status === 'fulfilled') await platform.value.stop();
  if (browser.status === 'fulfilled') await browser.value.close();
  build.remove();
  throw launched.find((result) => result.status === 'rejected')!.reason;
});
const chromium = browser.version();
let web: { rows: Row[]; detail: WebDetail };
try {
  try {
    web = await section('Respondent page in Chromium', () => benchWeb(platform, build, browser, log));
  } finally {
    // Not needed after this: an idle Chromium still wakes up, and the API's p99s below share its two cores.
    await browser.close();
  }
  rows.push(...web.rows);
  rows.push(...(await section('DynamoDB Local baseline', () => benchDynamoBaseline(log))));
  rows.push(...(await section('Respondent API over HTTP', () => benchApi(platform, log))));
  // The web app's own share of a first visit (the API's answers are counted by the cost journey itself).
  const webApp = web.detail.firstVisit.filter((t) => !t.url.startsWith('/api/'));
  const webVisit = { requests: webApp.length, bytes: webApp.reduce((sum, t) => sum + t.bytes, 0) };
  rows.push(...(await section('Cost per 1,000 surveys', () => benchCost(platform, webVisit, log))));
  rows.push(...(await section('Link issuing', () => benchLinkJobs(platform, log))));
  rows.push(...(await section('Dataset export', () => benchExport(log))));
} finally {
  await platform.stop();
  build.remove();
}

const seconds = (performance.now() - started) / 1000;
const machine = {
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  memoryGB: Math.round(totalmem() / 1e9),
  node: process.version,
  chromium,
  date: startedAt.toISOString(),
  loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
};

const header = ['Area', 'Measure', 'Median', 'Spread (min – max of runs)', 'Target', 'Result'];
const areas = [...new Set(rows.map((row) => row.area))];
const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(' / ');
const markdown = [
  '# Pont benchmarks',
  '',
  `Written by \`npm run bench\` (bench/run.ts) on ${machine.date.slice(0, 16).replace('T', ' ')} UTC; the run took ${Math.round(seconds)} s (${Object.entries(sections).map(([name, s]) => `${name.toLowerCase()} ${s} s`).join(', ')}).`,
  '',
  `Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}; ${machine.memoryGB} GB memory; Node ${machine.node}; Chromium ${machine.chromium}. ` +
    `Load average (1 / 5 / 15 min) at start ${load(machine.loadAverage.atStart)}, at end ${load(machine.loadAverage.atEnd)}: ` +
    'anything well above the CPU count means other work shared the machine and the figures are pessimistic.',
  '',
  'Each figure is the median of several runs after a warm-up; the spread is the lowest and highest run. KB are 1,000 bytes.',
  '',
  '## Targets',
  '',
  markdownTable(header, rows.filter((row) => row.target).map(formatRow)),
  '',
  ...areas.flatMap((area) => [`## ${area}`, '', markdownTable([...header.slice(1), 'Note'], rows.filter((row) => row.area === area).map((row) => [...formatRow(row).slice(1), row.note ?? ''])), '']),
  '## How it is measured',
  '',
  `- **Web**: real Chromium (headless, 360×740 touch screen) driven over the DevTools protocol, against the embedded platform serving a fresh production build of web/. Network: Lighthouse's Slow 4G figures applied with \`Network.emulateNetworkConditions\` (${SLOW_4G.latency} ms latency, 1.6 Mbit/s down, 750 kbit/s up); CPU ${CPU_SLOWDOWN}× slower (\`Emulation.setCPUThrottlingRate\`). ` +
    'Each run is a new participant (no consent yet) in a new browser context (cold cache). Bytes are `Network.loadingFinished` encodedDataLength (compressed body and headers). ' +
    '"First screen" is everything requested before the first button is pressed, less what the page prefetches for the survey while it shows: the survey chunk and the closing-page chunk (found from the Vite manifest) and the surveys (GET /api/surveys/…). ' +
    '"Usable" is when the element is in the page and visible (a MutationObserver in the page, timed from navigation start): the first screen when its first button in <main> is (consent or Start), the first question when the first survey question is. ' +
    'The bench presses each button as soon as it appears; the few milliseconds the automation takes to react are subtracted. The repeat visit reloads the same page in the same context. ' +
    'Each time is also shown ÷ its network floor: the bytes that finished before that moment at the emulated bandwidth, plus the emulated latency once per sequential wave of requests (bench/web.ts, networkFloor), so a slow host shows as CPU, not as a regression.',
  '- **API**: HTTP requests (node:http with keep-alive, about 0.4 ms of CPU per request) from a worker thread (its own event loop) to the embedded platform on 127.0.0.1, which runs the real Lambda handlers over DynamoDB Local (Java) on the same machine. ' +
    'Open link = GET /api/s/{token}; autosave = PUT of half the answers with complete: false, each on the revision the previous one was stored as, on a response each client created before the round (so every measured autosave rewrites a page, as all but the first of a questionnaire do); submit = PUT of every answer with complete: true (ONS4, the demo wave). ' +
    'Each concurrent client uses its own participant for opening, and for autosaving in each round, and every submission is a new participant, all with consent recorded. ' +
    "Each submitting participant's token is resolved on the server before the round, unmeasured (in the bench's process, which is the platform's), as opening the link does before any save: the server then remembers what the token points to, and the submission's transaction checks the token is still live instead of reading it first. " +
    'Rounds of 50 (1 in flight), 400 (16) and 512 (64) requests; the figure is the median of 7 rounds at 16 in flight (where the p99 ratio target applies), of 5 at 1 and of 3 at 64, after a warm-up of 1,200 requests per scenario. Each scenario is measured at 1, then 64, then 16 in flight, so the rounds at 64 warm DynamoDB Local further before the figures the p99 ratio is taken of. Its JIT compiler takes about 10,000 transactions to reach its steady state, so the submit figures are of a DynamoDB Local still warming (in the same hour, a submission cost it 6.2 ms of CPU after 1,200 submissions and 2.9 ms after 12,000); `npm run bench:api -- --scenario submit --concurrency 16 --warm-up 12000` measures the steady state. The throughput target applies at 64 in flight; the p99 at 16 is judged as a ratio to a bare write of the same items (below), not in milliseconds (issue #24). ' +
    'The CPU milliseconds per request in the notes are the best sign of how fast the host was: the work per request is fixed, yet on this shared virtual machine the same autosave took 3.0 ms of Node CPU in one run and 4.4 ms in another an hour later, with nothing else running. ' +
    'Each throughput row notes the CPU the Node process (platform and load client) and DynamoDB Local used meanwhile: together they cannot exceed the CPU count. ' +
    'The DynamoDB Local baseline is one GetItem at a time and 16 at a time from the same process; every respondent request makes several, some one after another.',
  '- **DynamoDB calls**: each respondent scenario\'s request sent alone once, its calls counted on the handlers\' own client, against issue #24\'s budget (open a link 2, autosave 1, submit 1); tests/integration/respondent-call-budget.test.ts fails if a route makes more than it does today.',
  '- **Cost**: bench/cost.ts runs the journey of a completed survey five times per wave (open the link, fetch the surveys, consent, a save per page, a submit per instrument; a new participant each time) and counts API requests, DynamoDB units (ReturnConsumedCapacity on every call as DynamoDB Local reports it, which already reports a transactional write at twice a standard one\'s units, plus 2 read units for each ConditionCheck in a transaction, which it does not report), bytes of the API\'s answers and request time (billed as Lambda time at 512 MB), plus the web app\'s requests and bytes from the first visit above; a published survey (an immutable route, cached by CloudFront in AWS) counts as an edge request and its bytes only; priced with bench/aws-prices.json. DynamoDB Local reports read units only for items found.',
  "- **Save handler's own time**: in this process, without HTTP or DynamoDB: parse the body against its contract, validateAnswers for a complete submission, the stored answers' JSON and hash, the JSON reply. 5 runs of 400 submissions; p50 and p99 per run.",
  '- **Validation**: validateAnswers(instrument, answers, { complete: true }) in a loop on one core, answers generated from each shipped instrument (every visible question answered), yielding to the event loop every 100 calls. 5 runs of 500.',
  "- **Link issuing**: bench/link-jobs.ts makes a study of 10,000 participants with no links and, over HTTP as the console does, starts a link job for the whole wave, polls it every 500 ms until it finishes and downloads its sheet; then reissues 500 links in one request of the links route (its limit, SYNC_LINK_LIMITS) and asks that route for the whole wave, which it refuses. One run each: every request is held to the issue's 10 s.",
  "- **Dataset export**: a study of the bench's own (bench/export.ts: 10,000 participants × 3 waves, every wave completed, the four shipped instruments plus a bench-only one, 60 item columns a wave) written into the platform's DynamoDB Local, a warm-up Query of one wave, then 2 exports of the same design with 2,500 participants and 2 interleaved runs of a bare paginated Query of every wave's responses (waves in parallel: the export's own query, pages read and dropped) and of a whole export to a zip, each export in a separate Node process (its max RSS is the peak memory); the growth per 1,000 participants is each 10,000 run's peak less the 2,500 median, over 7.5. BENCH_EXPORT_PARTICIPANTS and BENCH_EXPORT_SMALL_PARTICIPANTS set other sizes.",
  '- **Lambda bundles**: each functions/{handlers,workers,scheduled}/*.ts built with esbuild using the stack\'s own options (infra/aws/bundling.ts); import time is `require()` of the bundle (CommonJS, as Lambda\'s runtime loads it) in a fresh `node` (this machine\'s Node, not Lambda\'s Node 22 on arm64), median of 5 (3 for bundles without a target) after one warm-up. The two with a target alternate each import with one of a reference bundle (only the AWS SDK\'s DynamoDB document client, built with the same options), and the ratio of each pair is reported: a slow host shows as a slow reference.',
  '',
].join('\n');

const here = import.meta.dirname;
writeFileSync(join(here, 'results.json'), `${JSON.stringify({ machine, seconds, sections, rows, web: web!.detail }, null, 2)}\n`);
writeFileSync(join(here, 'results.md'), markdown);
console.log(`\n${markdown}`);
const failed = rows.filter((row) => row.target && !formatRow(row)[5]!.startsWith('pass'));
console.log(`${failed.length === 0 ? 'Every target met.' : `${failed.length} target(s) missed.`} Took ${Math.round(seconds)} s.`);
