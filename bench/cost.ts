/**
 * Cost per 1,000 completed surveys in AWS (issue #24), from what a realistic
 * journey is counted doing here, never from hand arithmetic: a new
 * participant opens their link, fetches the wave's surveys, consents, saves
 * once per page and submits each instrument, over HTTP against the embedded
 * platform. Counted: API requests, DynamoDB read and write units (the
 * handlers' own client asks every call for ReturnConsumedCapacity), bytes
 * out, and the time each request took (billed as Lambda milliseconds at the
 * API functions' memory size). The web app's own requests and bytes come from
 * the web bench's first visit. Prices and assumptions: bench/aws-prices.json.
 *
 * Two waves: the demo wave (ONS4) and one running the latest version of
 * every shipped instrument.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model } from 'survey-core';
import type { InstrumentVersion } from '../functions/domain/instrument.js';
import { db } from '../functions/storage/client.js';
import { getInstrumentVersion } from '../functions/storage/instruments.js';
import { issueLink } from '../functions/storage/links.js';
import { createParticipant } from '../functions/storage/participants.js';
import { createConsentText, createStudy, createWave } from '../functions/storage/studies.js';
import { REPO_ROOT, type Platform } from '../infra/local/platform.js';
import { DEMO_CONSENT_VERSION, DEMO_INSTRUMENTS, DEMO_WAVE_ID, latestShippedPins } from '../infra/local/seed.js';
import { createDemoLinks } from './api.js';
import { figure, type Row } from './stats.js';
import { completeAnswers, shippedInstruments } from './validation.js';

type PriceTable = {
  prices: Record<string, { price: number; unit: string }>;
  assumptions: Record<string, { value: number; why: string }>;
};
export const AWS_PRICES = JSON.parse(readFileSync(join(import.meta.dirname, 'aws-prices.json'), 'utf8')) as PriceTable;

/** Issue #24's target. */
const TARGET_PER_1000 = 0.1;
const JOURNEYS = 5;

/**
 * What one journey was counted doing. `requests` reach the API (and Lambda);
 * `cachedRequests` are answered by CloudFront from its cache in AWS (the
 * immutable routes, such as a published survey: infra/aws/site.ts), so they
 * cost an edge request and their bytes, nothing behind it.
 */
type Tally = { requests: number; cachedRequests: number; readUnits: number; writeUnits: number; bytesOut: number; lambdaMs: number };

/** The web app's share of a first visit, from the web bench: its requests and bytes, API requests left out (counted here). */
export type WebVisit = { requests: number; bytes: number };

export async function benchCost(platform: Platform, webVisit: WebVisit, log: (line: string) => void): Promise<Row[]> {
  const base = platform.url.replace('//localhost:', '//127.0.0.1:');
  const latest = latestShipped();
  const demo = await Promise.all(DEMO_INSTRUMENTS.map(async (pin) => (await getInstrumentVersion(pin.id, pin.version))!));
  const allFour = await waveOfEveryInstrument(latest);
  const waves = [
    { name: `demo wave (${demo.map((i) => `${i.id}@${i.version}`).join(', ')})`, instruments: demo, newToken: async () => (await createDemoLinks(1, { consent: false }))[0]!, consentVersion: DEMO_CONSENT_VERSION },
    { name: `every shipped instrument (${latest.map((i) => `${i.id}@${i.version}`).join(', ')})`, instruments: latest, newToken: allFour, consentVersion: COST_CONSENT },
  ];

  const rows: Row[] = [];
  const area = 'Cost in AWS (counted here, priced from bench/aws-prices.json)';
  for (const wave of waves) {
    await journey(base, await wave.newToken(), wave.instruments, wave.consentVersion); // warms caches and JIT: not counted
    const tallies: Tally[] = [];
    for (let i = 0; i < JOURNEYS; i += 1) {
      const token = await wave.newToken(); // making the link is the researcher's work, not the survey's
      tallies.push(await counted(() => journey(base, token, wave.instruments, wave.consentVersion)));
    }
    const costs = tallies.map((tally) => costPer1000(tally, webVisit));
    const typical = tallies[Math.floor(tallies.length / 2)]!;
    const breakdown = costBreakdown(typical, webVisit);
    const note = [
      `a survey: ${typical.requests} API requests and ${typical.cachedRequests} answered from CloudFront's cache, ${typical.readUnits} read and ${typical.writeUnits} write units, ${(typical.bytesOut / 1000).toFixed(1)} KB of API answers, ${typical.lambdaMs.toFixed(0)} ms of handler time`,
      `per 1,000: ${breakdown.map(([line, dollars]) => `${line} $${dollars.toFixed(3)}`).join(', ')}`,
    ].join('; ');
    rows.push({ area, measure: `Cost per 1,000 completed surveys, ${wave.name}`, unit: 'USD', figure: figure(costs), target: { op: '<=', value: TARGET_PER_1000 }, note });
    rows.push({
      area,
      measure: `… of which the edge alone (CloudFront requests and transfer, WAF), ${wave.name}`,
      unit: 'USD',
      figure: figure(tallies.map((tally) => edgeCostPer1000(tally, webVisit))),
      note: 'what the survey costs before any API, Lambda or DynamoDB charge: every request a phone makes and every byte it downloads',
    });
    rows.push({ area, measure: `DynamoDB write units per survey, ${wave.name}`, unit: 'units', figure: figure(tallies.map((t) => t.writeUnits)) });
    rows.push({ area, measure: `DynamoDB read units per survey, ${wave.name}`, unit: 'units', figure: figure(tallies.map((t) => t.readUnits)) });
    log(`  cost ${wave.name}: $${figure(costs).median.toFixed(3)} per 1,000 (${note})`);
  }
  return rows;
}

/** Each cost line per 1,000 surveys, in dollars. */
function costBreakdown(tally: Tally, web: WebVisit): [string, number][] {
  const p = (name: string) => AWS_PRICES.prices[name]!.price;
  const a = (name: string) => AWS_PRICES.assumptions[name]!.value;
  const surveys = 1000;
  const gbSeconds = (tally.lambdaMs / 1000) * (a('lambdaMemoryMb') / 1024);
  const edgeRequests = tally.requests + tally.cachedRequests + web.requests;
  return [
    ['Lambda compute', surveys * gbSeconds * p('lambdaPerGbSecond')],
    ['Lambda requests', ((surveys * tally.requests) / 1e6) * p('lambdaPerMillionRequests')],
    ['HTTP API', ((surveys * tally.requests) / 1e6) * p('httpApiPerMillionRequests')],
    ['DynamoDB writes', ((surveys * tally.writeUnits) / 1e6) * p('dynamoPerMillionWriteUnits')],
    ['DynamoDB reads', ((surveys * tally.readUnits) / 1e6) * p('dynamoPerMillionReadUnits')],
    ['CloudFront transfer', ((surveys * (tally.bytesOut + web.bytes)) / 1e9) * p('cloudFrontPerGbOut')],
    ['CloudFront requests', ((surveys * edgeRequests) / 1e4) * p('cloudFrontPer10kRequests')],
    ['WAF', ((surveys * edgeRequests) / 1e6) * p('wafPerMillionRequests')],
    ['CloudWatch Logs', ((surveys * tally.requests * a('logBytesPerInvocation')) / 1e9) * p('logsPerGbIngested')],
  ];
}

export function costPer1000(tally: Tally, web: WebVisit): number {
  return costBreakdown(tally, web).reduce((sum, [, dollars]) => sum + dollars, 0);
}

const EDGE_LINES = new Set(['CloudFront transfer', 'CloudFront requests', 'WAF']);

export function edgeCostPer1000(tally: Tally, web: WebVisit): number {
  return costBreakdown(tally, web).reduce((sum, [line, dollars]) => sum + (EDGE_LINES.has(line) ? dollars : 0), 0);
}

// ---- one journey --------------------------------------------------------------------------------

let tally: Tally | null = null;

/** Runs `work` with every DynamoDB call's consumed units and every request counted into a fresh tally. */
async function counted(work: () => Promise<void>): Promise<Tally> {
  const name = 'benchCountCapacity';
  tally = { requests: 0, cachedRequests: 0, readUnits: 0, writeUnits: 0, bytesOut: 0, lambdaMs: 0 };
  db().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string; TransactItems?: object[] };
      input.ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      const command = String(context.commandName ?? '');
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      // As reported: DynamoDB Local already reports a transactional write at twice a standard one's units
      // (tests/integration/capacity-units.test.ts holds it to that).
      const units = [consumed].flat().reduce((sum: number, c) => sum + ((c as { CapacityUnits?: number } | undefined)?.CapacityUnits ?? 0), 0);
      if (tally) {
        if (/^(Get|BatchGet|Query|Scan|TransactGet)/.test(command)) tally.readUnits += units;
        else tally.writeUnits += units;
        // DynamoDB Local reports nothing for a transaction's ConditionCheck; DynamoDB charges it as a transactional read.
        const checks = command.startsWith('TransactWrite') ? (input.TransactItems ?? []).filter((item) => 'ConditionCheck' in item).length : 0;
        tally.readUnits += checks * AWS_PRICES.assumptions['conditionCheckReadUnits']!.value;
      }
      return result;
    },
    { step: 'initialize', name },
  );
  try {
    await work();
    return tally;
  } finally {
    db().middlewareStack.remove(name);
    tally = null;
  }
}

/** `cached`: an immutable route, which CloudFront answers from its cache in AWS. */
async function send(method: string, url: string, body?: unknown, options: { cached?: boolean } = {}): Promise<void> {
  const started = performance.now();
  const response = await fetch(url, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const bytes = (await response.arrayBuffer()).byteLength;
  if (response.status >= 300) throw new Error(`bench cost: ${method} ${new URL(url).pathname.replace(/\/s\/[^/]+/, '/s/…')} answered ${response.status}`);
  if (tally) {
    tally.bytesOut += bytes;
    if (options.cached) {
      tally.cachedRequests += 1;
    } else {
      tally.requests += 1;
      tally.lambdaMs += performance.now() - started;
    }
  }
}

async function journey(base: string, token: string, instruments: InstrumentVersion[], consentVersion: string): Promise<void> {
  const link = `${base}/api/s/${token}`;
  await send('GET', link);
  for (const instrument of instruments) await send('GET', `${base}/api/surveys/${instrument.id}/${instrument.version}/${instrument.contentHash}`, undefined, { cached: true });
  await send('POST', `${link}/consent`, { version: consentVersion, decision: 'agreed', language: 'en' });
  for (const instrument of instruments) {
    const answers = completeAnswers(instrument);
    const model = new Model(instrument.survey);
    model.data = answers;
    const pages = model.visiblePages;
    const sofar: Record<string, unknown> = {};
    for (const [i, page] of pages.entries()) {
      for (const question of page.questions) if (question.getValueName() in answers) sofar[question.getValueName()] = answers[question.getValueName()];
      await send('PUT', `${link}/responses/${instrument.id}`, { answers: sofar, language: 'en', complete: false, pageName: page.name, baseRevision: i });
    }
    await send('PUT', `${link}/responses/${instrument.id}`, { answers, language: 'en', complete: true, baseRevision: pages.length });
  }
}

// ---- the waves ----------------------------------------------------------------------------------

const COST_STUDY = 'bench-cost';
const COST_CONSENT = 'cost-consent-1';

function latestShipped(): InstrumentVersion[] {
  const latest = latestShippedPins(join(REPO_ROOT, 'instruments')).map((pin) => `${pin.id}@${pin.version}`);
  return shippedInstruments().filter((instrument) => latest.includes(`${instrument.id}@${instrument.version}`));
}

/** A study whose one wave runs every shipped instrument; returns how to make a new participant's link in it. */
async function waveOfEveryInstrument(instruments: InstrumentVersion[]): Promise<() => Promise<string>> {
  const createdAt = new Date().toISOString();
  const now = Date.now();
  await createStudy({ studyId: COST_STUDY, title: { en: 'Cost', cy: 'Cost' }, supportContacts: [], createdAt });
  await createConsentText({ studyId: COST_STUDY, version: COST_CONSENT, text: { en: 'Do you agree?', cy: "Ydych chi'n cytuno?" }, createdAt });
  const registrations = Object.fromEntries(instruments.filter((i) => i.licence.requiresRegistration).map((i) => [i.id, 'BENCH-REGISTRATION']));
  await createWave({
    studyId: COST_STUDY,
    waveId: DEMO_WAVE_ID,
    ordinal: 0,
    name: { en: 'Baseline', cy: 'Llinell sylfaen' },
    window: { kind: 'fixed', opensAt: new Date(now - 3600_000).toISOString(), closesAt: new Date(now + 30 * 86_400_000).toISOString() },
    instruments: instruments.map(({ id, version }) => ({ id, version })),
    consentVersion: COST_CONSENT,
    ...(Object.keys(registrations).length ? { registrations } : {}),
  });
  let made = 0;
  return async () => {
    const participantCode = `COST-${String((made += 1)).padStart(4, '0')}`;
    await createParticipant({ studyId: COST_STUDY, participantCode, createdAt: new Date().toISOString() });
    return issueLink({ studyId: COST_STUDY, participantCode, waveId: DEMO_WAVE_ID }, { reissue: false, now: new Date() });
  };
}
