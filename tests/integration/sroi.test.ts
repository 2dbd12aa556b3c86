/**
 * The SROI analysis end to end: a study with known baseline and twelve-month
 * answers, exported through the API as an analyst would, the model run over
 * the export's scores.csv and codebook.json, and the indicator counts, PV and
 * ratio checked against figures worked out by hand below. Then the CLI over
 * the downloaded zip, writing the three files.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SROI_OUTPUT_FILES, sroiCommand } from '../../cli/sroi.js';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import { toInstrumentVersion, type InstrumentFile, type InstrumentVersion } from '../../functions/domain/instrument.js';
import { runSroi, type SroiResult } from '../../sroi/analysis.js';
import { exportsInFlight } from '../../functions/exports/export-jobs.js';
import { resetExportStore } from '../../functions/exports/configured-export-store.js';
import { LocalExportStore } from '../../functions/exports/local-export-store.js';
import { recordConsent } from '../../functions/storage/consents.js';
import { publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { saveResponse } from '../../functions/storage/responses.js';
import { createConsentText, createStudy, createWave } from '../../functions/storage/studies.js';
import { callRoute } from '../support/call-route.js';
import { joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';
import { readZip } from '../support/zip-and-csv.js';

useTestTable();
const workDir = mkdtempSync(join(tmpdir(), 'pont-sroi-test-'));
const exportDir = join(workDir, 'exports');
const URL_SECRET = 'a-test-secret-that-is-long-enough-for-hmac';

beforeAll(() => {
  Object.assign(process.env, { EXPORT_DIR: exportDir, EXPORT_URL_SECRET: URL_SECRET });
  reloadConfig();
  resetExportStore();
});

const shipped = (id: string) => toInstrumentVersion(JSON.parse(readFileSync(join(import.meta.dirname, `../../instruments/${id}/1.0.0.json`), 'utf8')) as InstrumentFile);
const ons4 = shipped('ons4');
const swemwbs = shipped('swemwbs');

const STUDY = 'sroi-study';
const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();
const SWEMWBS_ITEMS = ['swemwbs_optimistic', 'swemwbs_useful', 'swemwbs_relaxed', 'swemwbs_problems', 'swemwbs_thinking', 'swemwbs_close', 'swemwbs_own_mind'];
const allSwemwbs = (value: number) => Object.fromEntries(SWEMWBS_ITEMS.map((item) => [item, value]));
const ons4Answers = (lifeSatisfaction: number) => ({ ons4_life_satisfaction: lifeSatisfaction, ons4_worthwhile: 6, ons4_happiness: 6, ons4_anxiety: 4 });

/**
 * Who answered what. SWEMWBS metric scores from the conversion table: all
 * items 2 → raw 14 → 15.32; raw 15 → 15.84; all 3 → 21 → 19.25; all 4 → 28 → 25.03.
 * ONS4 life-satisfaction bands: low 0–4, medium 5–6, high 7–8.
 *
 *        SWEMWBS baseline → 12 months          life satisfaction
 *   A    19.25 → 25.03  +5.78 meaningful ↑     4 → 7  +3  low → high
 *   B    15.32 → 15.84  +0.52 not meaningful   5 → 6  +1  medium → medium
 *   C    19.25 → 19.25   0                      3 → 5  +2  low → medium
 *   D    25.03 → 19.25  −5.78 meaningful ↓     6 → 4  −2  medium → low
 *   E    15.32 → 25.03  +9.71 meaningful ↑     2 → 2   0  low → low
 *   F    19.25 → (no follow-up)                5 → (no follow-up)
 *
 * So, over the 5 respondents at both waves:
 *   SWEMWBS meaningful improvement: A and E = 2
 *   WELLBYs (net life-satisfaction points): 3 + 1 + 2 − 2 + 0 = 4
 *   out of the low band: A and C = 2 (E stays in it; D enters it)
 */
const PEOPLE: { code: string; swemwbs: [Record<string, number>, Record<string, number> | null]; lifeSatisfaction: [number, number | null] }[] = [
  { code: 'A', swemwbs: [allSwemwbs(3), allSwemwbs(4)], lifeSatisfaction: [4, 7] },
  { code: 'B', swemwbs: [allSwemwbs(2), { ...allSwemwbs(2), swemwbs_useful: 3 }], lifeSatisfaction: [5, 6] },
  { code: 'C', swemwbs: [allSwemwbs(3), allSwemwbs(3)], lifeSatisfaction: [3, 5] },
  { code: 'D', swemwbs: [allSwemwbs(4), allSwemwbs(3)], lifeSatisfaction: [6, 4] },
  { code: 'E', swemwbs: [allSwemwbs(2), allSwemwbs(4)], lifeSatisfaction: [2, 2] },
  { code: 'F', swemwbs: [allSwemwbs(3), null], lifeSatisfaction: [5, null] },
];

/**
 * The model, with the value of each outcome worked out by hand:
 *
 *  1. WELLBYs scaled to a cohort of 50: 4 × 50 ÷ 5 = 40; WELLBY £13,000 (2019) × 125/100 = £16,250;
 *     impact 40 × 16,250 × (1 − 0.25) × (1 − 0) × (1 − 0.5) = £243,750; 2 years, 50% drop-off:
 *     year 1 £243,750, year 2 £121,875.
 *  2. SWEMWBS meaningful improvement, not scaled: 2 × £1,500 × 0.8 × 0.9 × 0.75 = £1,620 in year 1 only.
 *  3. Out of the low band, scaled: 2 × 50 ÷ 5 = 20; £800 (2019) × 1.25 = £1,000; impact £20,000;
 *     starts in year 2, 2 years, 10% drop-off: year 2 £20,000, year 3 £18,000.
 *
 *  Years: 1 £245,370; 2 £141,875; 3 £18,000.
 *  PV = 245,370/1.035 + 141,875/1.035² + 18,000/1.035³
 *     = 237,072.463768 + 132,441.830614 + 16,234.968702 = £385,749.263085
 *  Investment £200,000: NPV £185,749.26; ratio 1.928746 : 1; net ratio 0.928746.
 *  Paybacks: simple = investment ÷ (value in year 1 ÷ 12) = 200,000 ÷ (245,370 ÷ 12) = 2,400,000/245,370
 *     = 9.781147 months (outcome 3 starts in year 2, so its £20,000 is not in year 1: the total impact
 *     243,750 + 1,620 + 20,000 = £265,370 would give 9.044 months);
 *  cumulative 12 × 200,000/245,370 = 9.78 (recovered within year 1, so the same as the simple payback);
 *  discounted 12 × 200,000/237,072.463768 = 10.12.
 */
const MODEL = {
  id: 'sroi-study-model',
  version: '1.0.0',
  title: 'End-to-end SROI',
  study: STUDY,
  settings: {
    priceYear: 2025,
    priceIndex: { source: 'test index', values: { '2019': 100, '2025': 125 } },
    discountRatePercent: 3.5,
    analysisPeriodYears: 3,
    monteCarlo: { iterations: 1000, seed: 7 },
  },
  stakeholders: [{ id: 'care-leavers', name: 'Care leavers' }],
  inputs: [{ description: 'The framework', value: 200_000 }],
  outcomes: [
    {
      id: 'life-satisfaction',
      stakeholder: 'care-leavers',
      description: 'More satisfied with life',
      indicator: { kind: 'wellby', fromWave: 'baseline', toWave: 'twelve-months' },
      scaling: { cohortSize: 50, source: 'the cohort' },
      proxy: { kind: 'wellby' },
      durationYears: 2,
      dropOffPercent: 50,
      deadweightPercent: 25,
      attributionPercent: 50,
      displacementPercent: 0,
    },
    {
      id: 'mental-wellbeing',
      stakeholder: 'care-leavers',
      description: 'Better mental wellbeing',
      indicator: { kind: 'score-change', instrument: 'swemwbs', scale: 'swemwbs', fromWave: 'baseline', toWave: 'twelve-months', rule: 'meaningful-improvement' },
      proxy: { kind: 'entered', value: 1500, source: 'test value', priceYear: 2025 },
      durationYears: 1,
      dropOffPercent: 0,
      deadweightPercent: 20,
      attributionPercent: 25,
      displacementPercent: 10,
    },
    {
      id: 'out-of-low-life-satisfaction',
      stakeholder: 'care-leavers',
      description: 'No longer in the low life-satisfaction band',
      indicator: { kind: 'band-exit', instrument: 'ons4', scale: 'life_satisfaction', fromWave: 'baseline', toWave: 'twelve-months', fromBands: ['low'] },
      scaling: { cohortSize: 50, source: 'the cohort' },
      proxy: { kind: 'entered', value: 800, source: 'test value', priceYear: 2019 },
      startYear: 2,
      durationYears: 2,
      dropOffPercent: 10,
      deadweightPercent: 0,
      attributionPercent: 0,
      displacementPercent: 0,
    },
  ],
};

async function buildStudy() {
  const createdAt = new Date(T0 - 30 * DAY).toISOString();
  for (const instrument of [ons4, swemwbs]) await publishInstrumentVersion(instrument, createdAt);
  await createStudy({ studyId: STUDY, title: { en: 'SROI study', cy: 'Astudiaeth SROI' }, supportContacts: [], attributes: [], createdAt });
  await createConsentText({ studyId: STUDY, version: 'v1', text: { en: 'Agree?', cy: 'Cytuno?' }, createdAt });
  // The analyst who exports it is a study analyst.
  await joinStudy(STUDY, 'analyst-1', 'analyst');
  const window = { kind: 'fixed' as const, opensAt: new Date(T0 - DAY).toISOString(), closesAt: new Date(T0 + 400 * DAY).toISOString() };
  for (const [ordinal, waveId] of ['baseline', 'twelve-months'].entries()) {
    await createWave({ studyId: STUDY, waveId, ordinal, name: { en: waveId, cy: waveId }, window, instruments: [ons4, swemwbs].map(({ id, version }) => ({ id, version })), consentVersion: 'v1' });
  }
  for (const person of PEOPLE) {
    await createParticipant({ studyId: STUDY, participantCode: person.code, attributes: {}, createdAt: at(-10) });
    for (const [wave, day] of [[0, 0], [1, 365]] as const) {
      const waveId = wave === 0 ? 'baseline' : 'twelve-months';
      const swemwbsAnswers = person.swemwbs[wave];
      const lifeSatisfaction = person.lifeSatisfaction[wave];
      if (!swemwbsAnswers || lifeSatisfaction === null) continue;
      await recordConsent({ studyId: STUDY, participantCode: person.code, waveId, consentVersion: 'v1', decision: 'agreed', language: 'en', decidedAt: at(day) }).catch(() => undefined);
      for (const [instrument, answers] of [[ons4, ons4Answers(lifeSatisfaction)], [swemwbs, swemwbsAnswers]] as [InstrumentVersion, Record<string, number>][]) {
        await saveResponse(
          {
            studyId: STUDY,
            participantCode: person.code,
            waveId,
            instrumentId: instrument.id,
            instrumentVersion: instrument.version,
            contentHash: instrument.contentHash,
            answers,
            status: 'complete',
            language: 'en',
            savedAt: at(day),
            completedAt: at(day),
          },
          { baseline: wave === 0 },
        );
      }
    }
  }
}

/** Exports through the API as an analyst; returns the export id and the downloaded zip. */
async function exportAsAnalyst(): Promise<{ exportId: string; zipFile: string }> {
  const headers = { authorization: `Bearer ${(await signLocalResearcherToken({ userId: 'analyst-1', role: 'analyst' })).token}` };
  const started = await callRoute('POST', `/api/studies/${STUDY}/exports`, { headers, body: {} });
  expect(started.status).toBe(202);
  await exportsInFlight();
  const download = await callRoute('POST', `/api/studies/${STUDY}/exports/${started.json.exportId}/download`, { headers });
  expect(download.status).toBe(200);
  const url = new URL(download.json.url, 'http://localhost');
  const opened = new LocalExportStore(exportDir, URL_SECRET).open(decodeURIComponent(url.pathname.slice('/exports/'.length)), url.searchParams, new Date());
  if (typeof opened === 'string') throw new Error(`download refused: ${opened}`);
  return { exportId: started.json.exportId, zipFile: opened.file };
}

describe('an SROI analysis of an exported study', () => {
  let exported: { exportId: string; zipFile: string };
  let result: SroiResult;

  beforeAll(async () => {
    await buildStudy();
    exported = await exportAsAnalyst();
    const files = await readZip(exported.zipFile);
    const run = runSroi({ model: MODEL, dataset: { scoresCsv: files.get('scores.csv')!.toString('utf8'), codebookJson: files.get('codebook.json')!.toString('utf8') } });
    if (!run.ok) throw new Error(JSON.stringify(run.problems));
    result = run.result;
  });

  it('counts each indicator from the export', () => {
    expect(result.outcomes.map((o) => [o.id, o.indicator.respondents, o.indicator.count, o.quantity])).toEqual([
      ['life-satisfaction', 5, 4, 40],
      ['mental-wellbeing', 5, 2, 2],
      ['out-of-low-life-satisfaction', 5, 2, 20],
    ]);
    expect(result.outcomes[0]!.indicator.movement).toEqual({ rose: 3, same: 1, fell: 1 });
  });

  it('values the outcomes year by year as worked out by hand', () => {
    expect(result.outcomes.map((o) => o.impact)).toEqual([243750, 1620, 20000]);
    expect(result.years.map((y) => y.value)).toEqual([245370, 141875, 18000]);
    expect(result.years.map((y) => y.presentValue)).toEqual([237072.46, 132441.83, 16234.97]);
  });

  it('gives the PV, NPV, ratios and paybacks worked out by hand', () => {
    expect(result.totals).toEqual({ totalImpact: 265370, presentValue: 385749.26, investment: 200000, netPresentValue: 185749.26, ratio: 1.928746, netRatio: 0.928746 });
    expect(result.payback).toEqual({
      firstYearValue: 245370,
      simpleMonths: 9.781147,
      cumulativeMonths: 9.781147,
      discountedCumulativeMonths: 10.123487,
      inWords: { simple: '9.78 months', cumulative: '9.78 months', discountedCumulative: '10.12 months' },
    });
  });

  it('cites the export and the instrument versions it used', () => {
    expect(result.dataset).toMatchObject({ studyId: STUDY, exportId: exported.exportId, synthetic: false });
    expect(result.dataset!.instrumentVersions).toEqual(
      expect.arrayContaining([
        { instrument: 'ons4', waveId: 'baseline', version: '1.0.0', contentHash: ons4.contentHash },
        { instrument: 'swemwbs', waveId: 'twelve-months', version: '1.0.0', contentHash: swemwbs.contentHash },
      ]),
    );
  });

  describe('from the CLI', () => {
    const modelFile = join(workDir, 'model.json');
    afterEach(() => vi.restoreAllMocks());

    it('writes sroi.json, the HTML report and the spreadsheet from the downloaded zip', async () => {
      writeFileSync(modelFile, JSON.stringify(MODEL));
      const out = join(workDir, 'out');
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);

      expect(await sroiCommand([modelFile, '--dataset', exported.zipFile, '--out', out])).toBe(0);

      const written = JSON.parse(readFileSync(join(out, SROI_OUTPUT_FILES.json), 'utf8')) as SroiResult;
      expect(written.totals).toEqual(result.totals);
      expect(written.dataset!.exportId).toBe(exported.exportId);
      expect(readFileSync(join(out, SROI_OUTPUT_FILES.html), 'utf8')).toContain('SROI ratio <strong>£1.93 : £1</strong>');
      expect(readFileSync(join(out, SROI_OUTPUT_FILES.xlsx)).subarray(0, 2).toString()).toBe('PK');
      expect(log.mock.calls.flat().join('\n')).toMatch(/SROI ratio £1\.93 : £1/);
    });

    it('reads an unpacked export folder too', async () => {
      const folder = join(workDir, 'unpacked');
      mkdirSync(folder, { recursive: true });
      for (const [name, content] of await readZip(exported.zipFile)) writeFileSync(join(folder, name), content);
      vi.spyOn(console, 'log').mockImplementation(() => undefined);

      expect(await sroiCommand([modelFile, '--dataset', folder, '--out', join(workDir, 'out-2')])).toBe(0);
      expect(JSON.parse(readFileSync(join(workDir, 'out-2', SROI_OUTPUT_FILES.json), 'utf8')).totals.presentValue).toBe(385749.26);
    });

    it('refuses a model that names a scale the export lacks, saying which field, and writes nothing', async () => {
      const wrong = structuredClone(MODEL);
      wrong.outcomes[1]!.indicator = { ...wrong.outcomes[1]!.indicator, scale: 'wemwbs' } as (typeof wrong.outcomes)[1]['indicator'];
      writeFileSync(modelFile, JSON.stringify(wrong));
      const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const out = join(workDir, 'out-refused');

      expect(await sroiCommand([modelFile, '--dataset', exported.zipFile, '--out', out])).toBe(1);
      expect(errors.mock.calls.flat().join('\n')).toMatch(/outcomes\[1\]\.indicator\.scale: the dataset has no score "wemwbs" of swemwbs/);
      expect(existsSync(out)).toBe(false);
    });
  });
});
