/**
 * Dataset exports end to end: a study with known answers across a baseline and
 * two follow-ups, exported through the API, and every file of the package read
 * back and checked cell by cell.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import { toInstrumentVersion, type InstrumentFile, type InstrumentVersion } from '../../functions/domain/instrument.js';
import { exportsInFlight } from '../../functions/exports/export-jobs.js';
import { resetExportStore } from '../../functions/exports/configured-export-store.js';
import { LocalExportStore } from '../../functions/exports/local-export-store.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { recordConsent } from '../../functions/storage/consents.js';
import { publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { saveResponse } from '../../functions/storage/responses.js';
import { createConsentText, createStudy, createWave } from '../../functions/storage/studies.js';
import { callRoute } from '../support/call-route.js';
import { checkInInstrument, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';
import { parseCsv, readZip } from '../support/zip-and-csv.js';
import { testInstrumentFile } from '../support/instrument-file.js';
import { checkKAnonymity } from '../support/k-anonymity-check.js';

const table = useTestTable();
const exportDir = mkdtempSync(join(tmpdir(), 'pont-export-test-'));
const URL_SECRET = 'a-test-secret-that-is-long-enough-for-hmac';

beforeAll(() => {
  Object.assign(process.env, { EXPORT_DIR: exportDir, EXPORT_URL_SECRET: URL_SECRET });
  reloadConfig();
  resetExportStore();
});

const asRole = async (role: 'admin' | 'researcher' | 'analyst') => ({
  authorization: `Bearer ${(await signLocalResearcherToken({ userId: `${role}-1`, role })).token}`,
});

const swemwbs = toInstrumentVersion(JSON.parse(readFileSync(join(import.meta.dirname, '../../instruments/swemwbs/1.0.0.json'), 'utf8')) as InstrumentFile);
const checkIn = checkInInstrument();
/** The second follow-up's version: one item removed, one added. */
const checkInNext = ((): InstrumentVersion => {
  const survey = structuredClone(checkIn.survey) as { pages: { elements: Record<string, unknown>[] }[] };
  survey.pages[0]!.elements = survey.pages[0]!.elements.filter((e) => e.name !== 'adviser_contact_weeks');
  survey.pages[0]!.elements.push({ type: 'rating', name: 'feels_safe', title: { en: 'I feel safe where I live', cy: "Rwy'n teimlo'n ddiogel lle rwy'n byw" }, rateMin: 1, rateMax: 5 });
  const { contentHash: _hash, ...file } = checkIn;
  return toInstrumentVersion({ ...file, version: '1.1.0', survey });
})();

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();
const swemwbsItems = ['swemwbs_optimistic', 'swemwbs_useful', 'swemwbs_relaxed', 'swemwbs_problems', 'swemwbs_thinking', 'swemwbs_close', 'swemwbs_own_mind'];
const allItems = (value: number) => Object.fromEntries(swemwbsItems.map((item) => [item, value]));

type Person = { code: string; authority: string; ageBand: string };

async function buildStudy(studyId: string) {
  const createdAt = new Date(T0 - 30 * DAY).toISOString();
  for (const instrument of [swemwbs, checkIn, checkInNext]) await publishInstrumentVersion(instrument, createdAt);
  await createStudy({
    studyId,
    title: { en: 'Export study', cy: 'Astudiaeth allforio' },
    supportContacts: [],
    attributes: [
      {
        id: 'local_authority',
        label: { en: 'Local authority', cy: 'Awdurdod lleol' },
        values: ['cardiff', 'swansea', 'ceredigion'].map((value) => ({ value, label: { en: value, cy: value } })),
        quasiIdentifier: true,
      },
      {
        id: 'age_band',
        label: { en: 'Age band', cy: 'Band oedran' },
        values: ['18_20', '21_25'].map((value) => ({ value, label: { en: value, cy: value } })),
        quasiIdentifier: true,
      },
    ],
    createdAt,
  });
  await createConsentText({ studyId, version: 'v1', text: { en: 'Agree?', cy: 'Cytuno?' }, createdAt });
  // analyst-1 exports; researcher-1 works with the participants (withdrawals).
  await joinStudy(studyId, 'analyst-1', 'analyst');
  await joinStudy(studyId, 'researcher-1', 'researcher');
  const window = { kind: 'fixed' as const, opensAt: new Date(T0 - DAY).toISOString(), closesAt: new Date(T0 + 400 * DAY).toISOString() };
  const waves = [
    { waveId: 'baseline', ordinal: 0, pins: [swemwbs, checkIn] },
    { waveId: 'six-months', ordinal: 1, pins: [swemwbs, checkIn] },
    { waveId: 'twelve-months', ordinal: 2, pins: [swemwbs, checkInNext] },
  ];
  for (const wave of waves) {
    await createWave({
      studyId,
      waveId: wave.waveId,
      ordinal: wave.ordinal,
      name: { en: wave.waveId, cy: wave.waveId },
      window,
      instruments: wave.pins.map(({ id, version }) => ({ id, version })),
      consentVersion: 'v1',
    });
  }
  return waves;
}

async function enrol(studyId: string, person: Person) {
  await createParticipant({ studyId, participantCode: person.code, attributes: { local_authority: person.authority, age_band: person.ageBand }, createdAt: at(-10) });
}

async function answer(studyId: string, code: string, waveId: string, instrument: InstrumentVersion, answers: Record<string, unknown>, day: number, status: 'complete' | 'partial' = 'complete') {
  await recordConsent({ studyId, participantCode: code, waveId, consentVersion: 'v1', decision: 'agreed', language: 'en', decidedAt: at(day) }).catch(() => undefined);
  await saveResponse(
    {
      studyId,
      participantCode: code,
      waveId,
      instrumentId: instrument.id,
      instrumentVersion: instrument.version,
      contentHash: instrument.contentHash,
      answers,
      status,
      language: code === 'A' ? 'cy' : 'en',
      savedAt: at(day),
      ...(status === 'complete' ? { completedAt: at(day) } : {}),
    },
    { baseline: waveId === 'baseline' },
  );
}

async function exportStudy(studyId: string, body: Record<string, unknown> = {}) {
  const started = await callRoute('POST', `/api/studies/${studyId}/exports`, { headers: await asRole('analyst'), body });
  expect(started.status).toBe(202);
  await exportsInFlight();
  const job = await callRoute('GET', `/api/studies/${studyId}/exports/${started.json.exportId}`, { headers: await asRole('analyst') });
  expect(job.json.status).toBe('done');
  const download = await callRoute('POST', `/api/studies/${studyId}/exports/${started.json.exportId}/download`, { headers: await asRole('analyst') });
  expect(download.status).toBe(200);
  const url = new URL(download.json.url, 'http://localhost');
  const store = new LocalExportStore(exportDir, URL_SECRET);
  const opened = store.open(decodeURIComponent(url.pathname.slice('/exports/'.length)), url.searchParams, new Date());
  if (typeof opened === 'string') throw new Error(`download refused: ${opened}`);
  const files = await readZip(opened.file);
  const text = (name: string) => {
    const buffer = files.get(name);
    if (!buffer) throw new Error(`${name} is missing from the package`);
    return buffer.toString('utf8');
  };
  return { exportId: started.json.exportId as string, job: job.json, download: download.json, files, text, csv: (name: string) => parseCsv(text(name).replace(/^\uFEFF/, '')) };
}

describe('a dataset export', () => {
  const studyId = 'export-study';
  let pkg: Awaited<ReturnType<typeof exportStudy>>;

  beforeAll(async () => {
    await buildStudy(studyId);
    const people: Person[] = [
      { code: 'A', authority: 'cardiff', ageBand: '18_20' },
      ...['B', 'C', 'D', 'E'].map((code) => ({ code, authority: 'cardiff', ageBand: '18_20' })),
      ...['F', 'G', 'H', 'I', 'J'].map((code) => ({ code, authority: 'swansea', ageBand: '21_25' })),
      { code: 'K', authority: 'ceredigion', ageBand: '21_25' },
      { code: 'L', authority: 'cardiff', ageBand: '18_20' },
      { code: 'M', authority: 'cardiff', ageBand: '18_20' },
    ];
    for (const person of people) await enrol(studyId, person);

    // A: three waves, wellbeing rising; free text that a spreadsheet would run as a formula.
    await answer(studyId, 'A', 'baseline', swemwbs, allItems(3), 0);
    await answer(studyId, 'A', 'baseline', checkIn, { mood: 3, has_adviser: 'yes', adviser_contact_weeks: 2, services: ['housing'], anything_else: '=HYPERLINK("http://x")' }, 0);
    await answer(studyId, 'A', 'six-months', swemwbs, allItems(4), 180);
    await answer(studyId, 'A', 'six-months', checkIn, { mood: 4, has_adviser: 'prefer_not_to_say' }, 180);
    await answer(studyId, 'A', 'twelve-months', swemwbs, allItems(5), 365);
    await answer(studyId, 'A', 'twelve-months', checkInNext, { mood: 5, has_adviser: 'no', feels_safe: 4 }, 365);
    // B: a small rise, below the meaningful-change threshold.
    await answer(studyId, 'B', 'baseline', swemwbs, allItems(2), 1);
    await answer(studyId, 'B', 'six-months', swemwbs, { ...allItems(2), swemwbs_useful: 3 }, 190);
    for (const code of ['C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'M']) await answer(studyId, code, 'baseline', swemwbs, allItems(3), 2);
    // L stopped half way: left out by default.
    await answer(studyId, 'L', 'baseline', swemwbs, { swemwbs_optimistic: 2 }, 3, 'partial');
    // M withdrew and asked for everything to be erased.
    const erased = await callRoute('POST', `/api/studies/${studyId}/participants/M/withdraw`, { headers: await asRole('researcher'), body: { scope: 'erase-all' } });
    expect(erased.status).toBe(200);

    pkg = await exportStudy(studyId);
  });

  it('holds exactly the files the issue names', () => {
    expect([...pkg.files.keys()].sort()).toEqual(['README.txt', 'codebook.csv', 'codebook.json', 'load.R', 'load.sps', 'responses_long.csv', 'responses_wide.csv', 'scores.csv']);
    for (const name of ['responses_long.csv', 'responses_wide.csv', 'scores.csv', 'codebook.csv']) expect(pkg.files.get(name)!.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('has one long row per participant × wave × instrument, completed responses only, erased participants absent', () => {
    const { rows } = pkg.csv('responses_long.csv');
    // A: 6 responses; B: 2; C–K (9 people): 1 each. L (partial) and M (erased) are absent.
    expect(rows).toHaveLength(6 + 2 + 9);
    expect(new Set(rows.map((r) => r.pid)).size).toBe(11);
    expect(rows.every((r) => r.status === 'complete')).toBe(true);
  });

  it('links a participant across waves under one pseudonym, with days since baseline and language', () => {
    const { rows } = pkg.csv('responses_long.csv');
    const a = rows.filter((r) => r.language === 'cy');
    expect(new Set(a.map((r) => r.pid)).size).toBe(1);
    expect(a.map((r) => [r.wave, r.wave_ordinal, r.days_since_baseline, r.instrument, r.instrument_version])).toEqual([
      ['baseline', '0', '0', 'swemwbs', '1.0.0'],
      ['baseline', '0', '0', 'check-in', '1.0.0'],
      ['six-months', '1', '180', 'swemwbs', '1.0.0'],
      ['six-months', '1', '180', 'check-in', '1.0.0'],
      ['twelve-months', '2', '365', 'swemwbs', '1.0.0'],
      ['twelve-months', '2', '365', 'check-in', '1.1.0'],
    ]);
    const [baselineSwemwbs, baselineCheckIn, , sixMonthCheckIn, , twelveMonthCheckIn] = a;
    expect(baselineSwemwbs!.swemwbs_optimistic).toBe('3');
    expect(baselineCheckIn!.mood).toBe('3');
    expect(baselineCheckIn!.adviser_contact_weeks).toBe('2');
    // Items matched by name across versions: removed in 1.1.0, added in 1.1.0, nothing dropped.
    expect(twelveMonthCheckIn!.adviser_contact_weeks).toBe('');
    expect(twelveMonthCheckIn!.feels_safe).toBe('4');
    // "Prefer not to say" in a string-coded question keeps its code.
    expect(sixMonthCheckIn!.has_adviser).toBe('prefer_not_to_say');
  });

  it('scores every scale, with the change from baseline and the meaningful-change flag', () => {
    const { rows } = pkg.csv('scores.csv');
    const pidA = pkg.csv('responses_long.csv').rows.find((r) => r.language === 'cy')!.pid;
    const a = rows.filter((r) => r.pid === pidA && r.scale === 'swemwbs');
    expect(a.map((r) => [r.wave, r.raw, r.score, r.baseline_score, r.change, r.meaningful_change, r.direction])).toEqual([
      ['baseline', '21', '19.25', '', '', '', ''],
      ['six-months', '28', '25.03', '19.25', '5.78', '1', 'improved'],
      ['twelve-months', '35', '35', '19.25', '15.75', '1', 'improved'],
    ]);
    const b = rows.filter((r) => r.scale === 'swemwbs' && r.wave === 'six-months' && r.pid !== pidA);
    expect(b.map((r) => [r.raw, r.score, r.baseline_score, r.change, r.meaningful_change, r.direction])).toEqual([['15', '15.84', '15.32', '0.52', '0', 'improved']]);
  });

  it('puts every wave of a participant on one wide row with wave prefixes', () => {
    const { header, rows } = pkg.csv('responses_wide.csv');
    expect(rows).toHaveLength(11);
    for (const column of ['pid', 'b_swemwbs_optimistic', 'f1_swemwbs_optimistic', 'f2_swemwbs_optimistic', 'b_swemwbs_score', 'f1_swemwbs_score', 'f1_swemwbs_change', 'f2_swemwbs_meaningful', 'f2_feels_safe']) {
      expect(header).toContain(column);
    }
    const a = rows.find((r) => r.f2_feels_safe === '4')!;
    expect([a.b_swemwbs_score, a.f1_swemwbs_score, a.f2_swemwbs_score, a.f1_swemwbs_change, a.f1_swemwbs_meaningful]).toEqual(['19.25', '25.03', '35', '5.78', '1']);
    expect(a.b_days_since_baseline).toBe('0');
    expect(a.f2_days_since_baseline).toBe('365');
  });

  it('orders rows by pseudonym, not by participant code', () => {
    const pids = pkg.csv('responses_wide.csv').rows.map((r) => r.pid);
    expect(pids).toEqual([...pids].sort());
  });

  it('protects small cells: every local authority and age band a row shows, with the waves it answered, is shared by at least k = 5', () => {
    const { rows } = pkg.csv('responses_wide.csv');
    const authorities = rows.map((r) => r.local_authority);
    expect(authorities).not.toContain('ceredigion');
    expect(authorities).not.toContain('other');
    const answered = (r: Record<string, string>) => ['b', 'f1', 'f2'].map((p) => (r[`${p}_days_since_baseline`] !== '' ? '1' : '0')).join('');
    const check = checkKAnonymity(rows.map((r) => ({ pattern: answered(r), values: [[r.local_authority!], [r.age_band!]] })), 5);
    expect(check.violations).toBe(0);
    expect(authorities.filter((a) => a === 'suppressed').length).toBeGreaterThan(0);
    expect(pkg.text('README.txt')).toMatch(/^ {9}local_authority +11 +\d+ \(/m);
  });

  it('leaves out free text by default and says so', () => {
    const { header } = pkg.csv('responses_long.csv');
    expect(header).not.toContain('anything_else');
    expect(pkg.text('README.txt')).toContain('Free-text answers are left out: anything_else');
  });

  it('lets no identifier out: no participant code, token, contact, internal key or date', () => {
    for (const [name, content] of pkg.files) {
      const text = content.toString('utf8');
      expect(text, name).not.toMatch(/STUDY#|TOKEN#|P#|export-study#/);
      expect(text, name).not.toMatch(/2026-0[3-9]-\d\dT|2027-\d\d-\d\dT/);
      if (name.endsWith('.csv') && name.startsWith('responses')) {
        const { header } = parseCsv(text.replace(/^\uFEFF/, ''));
        expect(header).not.toContain('participantCode');
        expect(parseCsv(text.replace(/^\uFEFF/, '')).rows.map((r) => r.pid)).not.toContain('A');
      }
    }
  });

  it('documents every column of every file in the codebook', () => {
    const codebook = JSON.parse(pkg.text('codebook.json')) as { variables: { name: string }[] };
    const documented = new Set(codebook.variables.map((v) => v.name));
    for (const file of ['responses_long.csv', 'responses_wide.csv', 'scores.csv']) {
      for (const column of pkg.csv(file).header) expect(documented, `${file}: ${column}`).toContain(column);
    }
  });

  it('carries the licence notice of every instrument that requires one', () => {
    expect(pkg.text('README.txt')).toContain('Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland');
  });

  it('gives the same columns in the same order when exported again', async () => {
    const again = await exportStudy(studyId);
    for (const file of ['responses_long.csv', 'responses_wide.csv', 'scores.csv', 'codebook.csv']) expect(again.csv(file).header).toEqual(pkg.csv(file).header);
    // A fresh key per export: the two exports cannot be joined by pseudonym.
    const first = new Set(pkg.csv('responses_wide.csv').rows.map((r) => r.pid));
    expect(again.csv('responses_wide.csv').rows.some((r) => first.has(r.pid))).toBe(false);
  });

  it('includes partial responses and free text only when asked, neutralising formulas, and audits the request', async () => {
    const withAll = await exportStudy(studyId, { includePartial: true, includeFreeText: true });
    const long = withAll.csv('responses_long.csv');
    expect(long.rows.filter((r) => r.status === 'partial')).toHaveLength(1);
    const freeText = long.rows.find((r) => r.anything_else)!.anything_else;
    expect(freeText).toBe(`'=HYPERLINK("http://x")`);
    expect(withAll.text('README.txt')).toContain('WARNING: free-text answers are INCLUDED');
    const audit = await listAuditMonth(studyId, new Date());
    const requested = audit.filter((e) => e.action === 'export.requested' && e.detail.exportId === withAll.exportId);
    expect(requested).toHaveLength(1);
    expect(requested[0]!.actor).toBe('analyst-1');
    expect(requested[0]!.detail).toMatchObject({ includeFreeText: true, includePartial: true });
    expect(audit.filter((e) => e.action === 'export.downloaded' && e.detail.exportId === withAll.exportId)).toHaveLength(1);
  });

  it('gives study-stable pseudonyms only when asked', async () => {
    const first = await exportStudy(studyId, { studyStableKey: true });
    const second = await exportStudy(studyId, { studyStableKey: true });
    expect(first.csv('responses_wide.csv').rows.map((r) => r.pid)).toEqual(second.csv('responses_wide.csv').rows.map((r) => r.pid));
    expect(first.text('README.txt')).toContain("this study's stable key");
  });

  it('records in the audit log that the study-stable key was asked for, by whom and for which export', async () => {
    const stable = await exportStudy(studyId, { studyStableKey: true });
    const plain = await exportStudy(studyId);

    const audit = await listAuditMonth(studyId, new Date());
    const requested = audit.filter((e) => e.action === 'export.requested' && e.detail.exportId === stable.exportId);
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({
      scope: studyId,
      actor: 'analyst-1',
      action: 'export.requested',
      detail: { exportId: stable.exportId, studyStableKey: true, includeFreeText: false, includePartial: false, k: 5 },
    });
    // An export with a key of its own says so in its entry too.
    const other = audit.find((e) => e.action === 'export.requested' && e.detail.exportId === plain.exportId);
    expect(other?.detail.studyStableKey).toBe(false);
  });
});

/**
 * An instrument of the test's own asking an exact age (marked as an age) and
 * the date the participant left care.
 */
const aboutMe = toInstrumentVersion(testInstrumentFile({
  id: 'about-me',
  title: { en: 'About me', cy: 'Amdanaf i' },
  description: { en: 'About me', cy: 'Amdanaf i' },
  survey: {
    pages: [
      {
        name: 'one',
        elements: [
          { type: 'text', name: 'am_age', inputType: 'number', title: { en: 'How old are you?', cy: 'Beth yw eich oed?' } },
          { type: 'text', name: 'am_left_care', inputType: 'date', title: { en: 'When did you leave care?', cy: 'Pryd wnaethoch chi adael gofal?' } },
        ],
      },
    ],
  },
  privacy: { ages: ['am_age'] },
}));

describe("an export of a study asking the context questionnaire's identifying questions", () => {
  const studyId = 'export-context';
  const context = toInstrumentVersion(JSON.parse(readFileSync(join(import.meta.dirname, '../../instruments/context/1.1.0.json'), 'utf8')) as InstrumentFile);
  let pkg: Awaited<ReturnType<typeof exportStudy>>;

  beforeAll(async () => {
    const createdAt = new Date(T0 - 30 * DAY).toISOString();
    for (const instrument of [context, aboutMe]) await publishInstrumentVersion(instrument, createdAt);
    // The study declares no quasi-identifier and names no question: the context questionnaire marks its own.
    await createStudy({ studyId, title: { en: 'Context study', cy: 'Astudiaeth cyd-destun' }, supportContacts: [], attributes: [], createdAt });
    await createConsentText({ studyId, version: 'v1', text: { en: 'Agree?', cy: 'Cytuno?' }, createdAt });
    await joinStudy(studyId, 'analyst-1', 'analyst');
    await createWave({
      studyId,
      waveId: 'baseline',
      ordinal: 0,
      name: { en: 'Baseline', cy: 'Llinell sylfaen' },
      window: { kind: 'fixed', opensAt: new Date(T0 - DAY).toISOString(), closesAt: new Date(T0 + 400 * DAY).toISOString() },
      instruments: [context, aboutMe].map(({ id, version }) => ({ id, version })),
      consentVersion: 'v1',
    });
    const people = [
      ...[18, 19, 20, 18, 19, 20].map((age, i) => ({ code: `CARDIFF-${i}`, authority: 'cardiff', gender: 'woman_or_girl', band: 'age_18_20', age })),
      ...[21, 22, 23, 24, 25].map((age, i) => ({ code: `SWANSEA-${i}`, authority: 'swansea', gender: 'man_or_boy', band: 'age_21_25', age })),
      // The only participant in Ceredigion: their council alone would point at them.
      { code: 'CEREDIGION-0', authority: 'ceredigion', gender: 'woman_or_girl', band: 'age_18_20', age: 19 },
    ];
    for (const person of people) {
      await createParticipant({ studyId, participantCode: person.code, attributes: {}, createdAt: at(-10) });
      const answers = { ctx_age_band: person.band, ctx_gender: person.gender, ctx_local_authority: person.authority, ctx_living_situation: 'own_tenancy', ctx_education_employment: 'in_work' };
      await answer(studyId, person.code, 'baseline', context, answers, 0);
      await answer(studyId, person.code, 'baseline', aboutMe, { am_age: person.age, am_left_care: '2024-09-15' }, 0);
    }
    pkg = await exportStudy(studyId);
  });

  it('protects the marked questions with k = 5 in the long and wide files although the study names none', () => {
    const long = pkg.csv('responses_long.csv').rows.filter((r) => r.instrument === 'context');
    const wide = pkg.csv('responses_wide.csv').rows;
    for (const rows of [long.map((r) => r.ctx_local_authority), wide.map((r) => r.b_ctx_local_authority)]) {
      expect(rows).not.toContain('ceredigion');
      expect(rows.filter((v) => v === 'cardiff')).toHaveLength(6);
      expect(rows.filter((v) => v === 'swansea')).toHaveLength(5);
      // Alone in their council, gender and age band: suppressed.
      expect(rows.filter((v) => v === 'suppressed')).toHaveLength(1);
    }
    // Every combination of the marked questions still shown is held by at least k = 5.
    const combos = new Map<string, number>();
    for (const r of wide) {
      const combo = [r.b_ctx_local_authority, r.b_ctx_gender, r.b_ctx_age_band, r.b_am_age].join('|');
      combos.set(combo, (combos.get(combo) ?? 0) + 1);
    }
    for (const [combo, count] of combos) if (combo !== 'suppressed|suppressed|suppressed|suppressed') expect(count, combo).toBeGreaterThanOrEqual(5);
    // A question the instrument does not mark goes out as answered.
    expect(new Set(long.map((r) => r.ctx_living_situation))).toEqual(new Set(['own_tenancy']));

    const readme = pkg.text('README.txt');
    expect(readme).toContain('k-anonymity, k = 5');
    expect(readme).toContain('the questions its instruments mark (ctx_age_band, ctx_gender, ctx_local_authority, am_age)');
    expect(readme).toMatch(/^ {9}b_ctx_local_authority +12 +11 \(91\.7%\) +0 \(0\.0%\) +1 \(8\.3%\)$/m);
    const codebook = JSON.parse(pkg.text('codebook.json')) as { variables: { name: string; derivation?: string }[] };
    expect(codebook.variables.find((v) => v.name === 'ctx_local_authority')!.derivation).toMatch(/Marked as a quasi-identifier by its instrument/);
  });

  it('applies the k the analyst asks for', async () => {
    const six = await exportStudy(studyId, { k: 6 });
    const authorities = six.csv('responses_wide.csv').rows.map((r) => r.b_ctx_local_authority);
    // Five in Swansea are too few for k = 6.
    expect(authorities).not.toContain('swansea');
    expect(authorities.filter((v) => v === 'cardiff')).toHaveLength(6);
    expect(six.text('README.txt')).toMatch(/^ {9}b_ctx_local_authority +12 +6 \(50\.0%\) +0 \(0\.0%\) +6 \(50\.0%\)$/m);
  });

  it('exports a marked age only as its band', () => {
    const ages = pkg.csv('responses_wide.csv').rows.map((r) => r.b_am_age);
    expect(ages.filter((v) => v === 'age_18_20')).toHaveLength(6);
    expect(ages.filter((v) => v === 'age_21_25')).toHaveLength(5);
    expect(ages.filter((v) => v === 'suppressed')).toHaveLength(1);
    expect(ages.every((v) => !/^\d/.test(v ?? ''))).toBe(true);
    expect(pkg.text('README.txt')).toContain('Ages (am_age, marked as ages by their instrument): exported only as a band, under 16, 16–17, 18–20, 21–25, 26 or over');
  });

  it('never exports a date answer whole: left out by default, its month only with free text', async () => {
    expect(pkg.csv('responses_long.csv').header).not.toContain('am_left_care');
    expect(pkg.text('README.txt')).toContain('Date questions (am_left_care): left out');

    const withText = await exportStudy(studyId, { includeFreeText: true });
    const months = withText.csv('responses_long.csv').rows.filter((r) => r.instrument === 'about-me').map((r) => r.am_left_care);
    expect(new Set(months)).toEqual(new Set(['2024-09']));
    for (const [name, content] of withText.files) expect(content.toString('utf8'), name).not.toContain('2024-09-15');
    expect(withText.text('README.txt')).toContain('Date questions (am_left_care): exported as the month only (YYYY-MM), never the day.');
  });
});

describe('export access', () => {
  it('is for the study\'s analysts and owners only (not its researchers, nor an admin who is not a member), and a forged download link is refused', async () => {
    await buildStudy('export-access');
    await joinStudy('export-access', 'owner-1', 'owner');
    const asResearcher = await callRoute('POST', '/api/studies/export-access/exports', { headers: await asRole('researcher'), body: {} });
    expect(asResearcher.status).toBe(403);
    expect(asResearcher.json.error.code).toBe('study_role_insufficient');
    const asAdmin = await callRoute('POST', '/api/studies/export-access/exports', { headers: await asRole('admin'), body: {} });
    const noStudy = await callRoute('POST', '/api/studies/no-such-study/exports', { headers: await asRole('admin'), body: {} });
    expect(asAdmin.status).toBe(404);
    expect(asAdmin.json).toEqual(noStudy.json);
    const owner = { authorization: `Bearer ${(await signLocalResearcherToken({ userId: 'owner-1', role: 'researcher' })).token}` };
    const started = await callRoute('POST', '/api/studies/export-access/exports', { headers: owner, body: {} });
    expect(started.status).toBe(202);
    await exportsInFlight();
    const download = await callRoute('POST', `/api/studies/export-access/exports/${started.json.exportId}/download`, { headers: owner });
    expect(download.status).toBe(200);
    const url = new URL(download.json.url, 'http://localhost');
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    const store = new LocalExportStore(exportDir, URL_SECRET);
    expect(store.open(decodeURIComponent(url.pathname.slice('/exports/'.length)), url.searchParams, new Date())).toBe('forbidden');
  });

  it('refuses bad options with a clear error and writes nothing', async () => {
    const before = (await table.scanAll()).length;
    const response = await callRoute('POST', '/api/studies/export-access/exports', { headers: await asRole('analyst'), body: { k: 1 } });
    expect(response.status).toBe(400);
    expect(response.json.error.details[0].path).toBe('k');
    expect((await table.scanAll()).length).toBe(before);
  });

  it('answers 404 for a study that does not exist', async () => {
    const response = await callRoute('POST', '/api/studies/no-such-study/exports', { headers: await asRole('analyst'), body: {} });
    expect(response.status).toBe(404);
  });
});
