/**
 * Issue #6, "Done when": a study with known answers across a baseline and two
 * follow-ups, exported through the API, and every file of the package
 * compared with what it must hold, cell by cell: the long, wide and scores
 * files, the codebook (CSV and JSON), README.txt and the load scripts.
 *
 * Every expected score below is worked out by hand in a comment (the raw sum,
 * then the SWEMWBS raw-to-metric table of ../shared/reference/
 * swemwbs-conversion.csv), never by calling the scoring module.
 *
 * Pseudonyms are random per export, so each participant is found by their
 * baseline ONS4 life-satisfaction answer, which is different for everyone
 * (participant n answers n), and the pseudonym found there is then required
 * in every other row and file.
 *
 * Identifiers searched for in every file's bytes: participant codes, every
 * personal-link token and its hash, contact emails and phone numbers, the
 * audit log's participant references and keys, researcher and analyst
 * account ids, storage keys, the client address and user agent of the
 * participant who answered on their phone, and any date but the export's own
 * time. The study id is the name the team gave the study and the export id
 * names the package (it is what the audit log records): each may appear in
 * README.txt and codebook.json, nowhere else.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import { toInstrumentVersion, type InstrumentFile, type InstrumentVersion } from '../../functions/domain/instrument.js';
import { hashToken } from '../../functions/domain/tokens.js';
import { exportsInFlight } from '../../functions/exports/export-jobs.js';
import { resetExportStore } from '../../functions/exports/configured-export-store.js';
import { LocalExportStore } from '../../functions/exports/local-export-store.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { recordConsent } from '../../functions/storage/consents.js';
import { publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { keys } from '../../functions/storage/keys.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { saveResponse } from '../../functions/storage/responses.js';
import { createConsentText, createStudy, createWave } from '../../functions/storage/studies.js';
import { callRoute } from '../support/call-route.js';
import { joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';
import { parseCsv, readZip } from '../support/zip-and-csv.js';
import { testInstrumentFile } from '../support/instrument-file.js';

const table = useTestTable();
const exportDir = mkdtempSync(join(tmpdir(), 'pont-export-package-test-'));
const URL_SECRET = 'another-test-secret-that-is-long-enough-for-hmac';

beforeAll(() => {
  Object.assign(process.env, { EXPORT_DIR: exportDir, EXPORT_URL_SECRET: URL_SECRET });
  reloadConfig();
  resetExportStore();
});

const RESEARCHER = 'researcher-pkg-7q';
const ANALYST = 'analyst-pkg-3z';
const asRole = async (role: 'researcher' | 'analyst') => ({
  authorization: `Bearer ${(await signLocalResearcherToken({ userId: role === 'analyst' ? ANALYST : RESEARCHER, role })).token}`,
});

const instrumentFile = (path: string) => toInstrumentVersion(JSON.parse(readFileSync(join(import.meta.dirname, '../../instruments', path), 'utf8')) as InstrumentFile);
const ons4 = instrumentFile('ons4/1.0.0.json');
const swemwbs = instrumentFile('swemwbs/1.0.0.json');
/** The test's own short questionnaire: a coded question with string codes, and free text. */
const aboutMe = toInstrumentVersion(testInstrumentFile({
  id: 'about-me',
  title: { en: 'About me', cy: "Amdanaf i a'm tŷ" },
  description: { en: 'About me', cy: 'Amdanaf i' },
  survey: {
    pages: [
      {
        name: 'one',
        elements: [
          {
            type: 'radiogroup',
            name: 'am_support',
            title: { en: 'Do you feel supported where you live?', cy: "Ydych chi'n teimlo bod cefnogaeth yn eich tŷ?" },
            choices: [
              { value: 'yes', text: { en: 'Yes', cy: 'Ydw' } },
              { value: 'no', text: { en: 'No', cy: 'Nac ydw' } },
              { value: 'prefer_not_to_say', text: { en: 'Prefer not to say', cy: "Mae'n well gen i beidio â dweud" } },
            ],
          },
          { type: 'comment', name: 'am_note', title: { en: 'Anything else?', cy: 'Unrhyw beth arall?' } },
        ],
      },
    ],
  },
}));

const STUDY = 'pkg-study';
const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

const WAVES = [
  { waveId: 'baseline', ordinal: 0, name: { en: 'Baseline', cy: 'Llinell sylfaen' }, pins: [ons4, swemwbs, aboutMe] },
  { waveId: 'six-months', ordinal: 1, name: { en: 'Six months', cy: 'Chwe mis' }, pins: [ons4, swemwbs] },
  { waveId: 'twelve-months', ordinal: 2, name: { en: 'Twelve months', cy: 'Deuddeg mis' }, pins: [ons4, swemwbs, aboutMe] },
] as const;
type WaveId = (typeof WAVES)[number]['waveId'];

const SWEMWBS_ITEMS = ['swemwbs_optimistic', 'swemwbs_useful', 'swemwbs_relaxed', 'swemwbs_problems', 'swemwbs_thinking', 'swemwbs_close', 'swemwbs_own_mind'] as const;
const ONS4_ITEMS = ['ons4_life_satisfaction', 'ons4_worthwhile', 'ons4_happiness', 'ons4_anxiety'] as const;
/** SWEMWBS answers written as seven digits in item order; a dash is an item left unanswered. */
const sw = (digits: string) => Object.fromEntries(SWEMWBS_ITEMS.flatMap((item, i) => (digits[i] === '-' ? [] : [[item, Number(digits[i])]])));
/** ONS4 answers: life satisfaction, worthwhile, happiness, anxiety. */
const ons = (ls: number, ww: number, hp: number, ax: number) => ({ ons4_life_satisfaction: ls, ons4_worthwhile: ww, ons4_happiness: hp, ons4_anxiety: ax });

type Answers = Record<string, unknown>;
type Given = { waveId: WaveId; day: number; ons4?: Answers; swemwbs?: Answers; aboutMe?: Answers; partialAboutMe?: Answers };
type Person = { n: number; code: string; authority: 'cardiff' | 'swansea' | 'ceredigion'; home: 'own_home' | 'with_partner'; language: 'en' | 'cy'; waves: Given[] };

const FORMULA = '=HYPERLINK("http://evil.example","click")';
/** Participants 0–9 answer through storage at known times; participant 10 through their personal link, today. */
const PEOPLE: Person[] = [
  {
    n: 0,
    code: 'PONT-CL-100',
    authority: 'cardiff',
    home: 'own_home',
    language: 'cy',
    waves: [
      { waveId: 'baseline', day: 0, ons4: ons(0, 5, 7, 8), swemwbs: sw('3333333'), aboutMe: { am_support: 'yes', am_note: FORMULA } },
      // Half a day past 182 days: days_since_baseline counts whole days, 182.
      { waveId: 'six-months', day: 182.5, ons4: ons(3, 6, 9, 4), swemwbs: sw('4444333') },
      { waveId: 'twelve-months', day: 365, ons4: ons(6, 5, 6, 1), swemwbs: sw('5544444'), aboutMe: { am_support: 'prefer_not_to_say', am_note: '+1 better now' } },
    ],
  },
  {
    n: 1,
    code: 'PONT-CL-101',
    authority: 'cardiff',
    home: 'with_partner',
    language: 'en',
    waves: [
      { waveId: 'baseline', day: 1, ons4: ons(1, 4, 4, 5), swemwbs: sw('2222222'), aboutMe: { am_support: 'no', am_note: 'Mae fy nhŷ yn oer\nond mae gŵr drws nesaf yn helpu' } },
      { waveId: 'six-months', day: 191, ons4: ons(2, 4, 3, 5), swemwbs: sw('2322232') },
    ],
  },
  {
    n: 2,
    code: 'PONT-CL-102',
    authority: 'swansea',
    home: 'own_home',
    language: 'en',
    waves: [
      { waveId: 'baseline', day: 2, ons4: ons(2, 8, 8, 3), swemwbs: sw('4444444') },
      // Skipped six months.
      { waveId: 'twelve-months', day: 372, ons4: ons(1, 8, 8, 6), swemwbs: sw('3333334') },
    ],
  },
  // SWEMWBS with one item unanswered (swemwbs_close): its conversion table needs all seven, so no score.
  { n: 3, code: 'PONT-CL-103', authority: 'cardiff', home: 'own_home', language: 'en', waves: [{ waveId: 'baseline', day: 3, ons4: ons(3, 7, 7, 2), swemwbs: sw('33333-3'), aboutMe: { am_support: 'yes', am_note: '-2 worse' } }] },
  // About me saved half way and never submitted: left out by default.
  { n: 4, code: 'PONT-CL-104', authority: 'cardiff', home: 'with_partner', language: 'en', waves: [{ waveId: 'baseline', day: 3, ons4: ons(4, 7, 7, 2), swemwbs: sw('3333333'), partialAboutMe: { am_support: 'yes' } }] },
  ...[5, 6, 7, 8].map((n): Person => ({ n, code: `PONT-CL-10${n}`, authority: 'swansea', home: 'own_home', language: 'en', waves: [{ waveId: 'baseline', day: 4, ons4: ons(n, 7, 7, 2), swemwbs: sw('3333333') }] })),
  { n: 9, code: 'PONT-CL-109', authority: 'cardiff', home: 'own_home', language: 'en', waves: [{ waveId: 'baseline', day: 4, ons4: ons(9, 7, 7, 2), swemwbs: sw('3333333'), aboutMe: { am_support: 'yes', am_note: '\tTabbed' } }] },
  // The only participant in Ceredigion: their council alone would single them out.
  { n: 10, code: 'PONT-CL-110', authority: 'ceredigion', home: 'own_home', language: 'en', waves: [{ waveId: 'baseline', day: 0, ons4: ons(10, 10, 10, 0), swemwbs: sw('5555555'), aboutMe: { am_support: 'no', am_note: '@x' } }] },
];
/** The study's one coarser level for local authorities. */
const REGION = {
  id: 'region',
  label: { en: 'Region', cy: 'Rhanbarth' },
  groups: [
    { value: 'south_wales', label: { en: 'South Wales', cy: 'De Cymru' }, members: ['cardiff', 'swansea'] },
    { value: 'west_wales', label: { en: 'West Wales', cy: 'Gorllewin Cymru' }, members: ['ceredigion'] },
  ],
};
/** Answered and then erased at their request: must be nowhere. */
const ERASED: Person = { n: 99, code: 'PONT-CL-199', authority: 'cardiff', home: 'own_home', language: 'en', waves: [{ waveId: 'baseline', day: 5, ons4: ons(5, 5, 5, 5), swemwbs: sw('1111111') }] };
const VIA_LINK = PEOPLE[10]!;

const CONTACTS: Record<string, { email: string; phone?: string }> = {
  'PONT-CL-100': { email: 'sam.jones@example.org', phone: '+44 7700 900123' },
  'PONT-CL-110': { email: 'ceri.morgan@example.org', phone: '+44 7700 900456' },
  'PONT-CL-199': { email: 'gone.away@example.org', phone: '+44 7700 900789' },
};
const CLIENT_IP = '198.51.100.23';
const USER_AGENT = 'Mozilla/5.0 (PontExportTestPhone; rv:999.0) Gecko/20100101 Firefox/999.0';

const instrumentOf = { ons4, swemwbs, aboutMe } as const;

async function answerThroughStorage(person: Person) {
  for (const given of person.waves) {
    await recordConsent({ studyId: STUDY, participantCode: person.code, waveId: given.waveId, consentVersion: 'v1', decision: 'agreed', language: person.language, decidedAt: at(given.day) });
    for (const key of ['ons4', 'swemwbs', 'aboutMe', 'partialAboutMe'] as const) {
      const answers = given[key];
      if (!answers) continue;
      const instrument = instrumentOf[key === 'partialAboutMe' ? 'aboutMe' : key];
      const status = key === 'partialAboutMe' ? 'partial' : 'complete';
      await saveResponse(
        {
          studyId: STUDY,
          participantCode: person.code,
          waveId: given.waveId,
          instrumentId: instrument.id,
          instrumentVersion: instrument.version,
          contentHash: instrument.contentHash,
          answers,
          status,
          language: person.language,
          savedAt: at(given.day),
          ...(status === 'complete' ? { completedAt: at(given.day) } : {}),
        },
        { baseline: given.waveId === 'baseline' },
      );
    }
  }
}

async function exportStudy(body: Record<string, unknown> = {}) {
  const started = await callRoute('POST', `/api/studies/${STUDY}/exports`, { headers: await asRole('analyst'), body });
  expect(started.status).toBe(202);
  await exportsInFlight();
  const job = await callRoute('GET', `/api/studies/${STUDY}/exports/${started.json.exportId}`, { headers: await asRole('analyst') });
  expect(job.json.status).toBe('done');
  const download = await callRoute('POST', `/api/studies/${STUDY}/exports/${started.json.exportId}/download`, { headers: await asRole('analyst') });
  expect(download.status).toBe(200);
  const url = new URL(download.json.url, 'http://localhost');
  const opened = new LocalExportStore(exportDir, URL_SECRET).open(decodeURIComponent(url.pathname.slice('/exports/'.length)), url.searchParams, new Date());
  if (typeof opened === 'string') throw new Error(`download refused: ${opened}`);
  const files = await readZip(opened.file);
  const text = (name: string) => {
    const buffer = files.get(name);
    if (!buffer) throw new Error(`${name} is missing from the package`);
    return buffer.toString('utf8');
  };
  return {
    exportId: started.json.exportId as string,
    job: job.json,
    download: download.json,
    files,
    text,
    csv: (name: string) => parseCsv(text(name).replace(/^\uFEFF/, '')),
  };
}
type Package = Awaited<ReturnType<typeof exportStudy>>;

/** What the identifiers that must never leave are, gathered while the study is built. */
const secrets = { tokens: [] as string[], auditRefs: [] as string[] };

beforeAll(async () => {
  const createdAt = new Date(T0 - 30 * DAY).toISOString();
  for (const instrument of [ons4, swemwbs, aboutMe]) await publishInstrumentVersion(instrument, createdAt);
  await createStudy({
    studyId: STUDY,
    title: { en: 'Package study', cy: 'Astudiaeth y pecyn' },
    supportContacts: [],
    attributes: [
      {
        id: 'local_authority',
        label: { en: 'Local authority', cy: 'Awdurdod lleol' },
        values: [
          { value: 'cardiff', label: { en: 'Cardiff', cy: 'Caerdydd' } },
          { value: 'swansea', label: { en: 'Swansea', cy: 'Abertawe' } },
          { value: 'ceredigion', label: { en: 'Ceredigion', cy: 'Ceredigion' } },
        ],
        quasiIdentifier: true,
      },
      {
        id: 'home',
        label: { en: 'Where they live', cy: 'Ble maen nhw’n byw' },
        values: [
          { value: 'own_home', label: { en: 'Own home', cy: 'Tŷ eu hunain' } },
          { value: 'with_partner', label: { en: 'With a partner', cy: 'Gyda gŵr, gwraig neu bartner' } },
        ],
        quasiIdentifier: false,
        notQuasiIdentifierBecause: 'it changes from month to month and nobody outside their household keeps track of it',
      },
    ],
    disclosureControl: { local_authority: { levels: [REGION] } },
    createdAt,
  });
  await createConsentText({ studyId: STUDY, version: 'v1', text: { en: 'Agree?', cy: 'Cytuno?' }, createdAt });
  // The researcher who keeps contacts, issues links and records the erasure, and the analyst who exports.
  await joinStudy(STUDY, RESEARCHER, 'researcher');
  await joinStudy(STUDY, ANALYST, 'analyst');
  for (const wave of WAVES) {
    await createWave({
      studyId: STUDY,
      waveId: wave.waveId,
      ordinal: wave.ordinal,
      name: wave.name,
      window: { kind: 'fixed', opensAt: new Date(T0 - DAY).toISOString(), closesAt: '2099-12-31T00:00:00.000Z' },
      instruments: wave.pins.map(({ id, version }) => ({ id, version })),
      consentVersion: 'v1',
    });
  }
  for (const person of [...PEOPLE, ERASED]) {
    await createParticipant({ studyId: STUDY, participantCode: person.code, attributes: { local_authority: person.authority, home: person.home }, createdAt: at(-10) });
  }
  for (const [code, contact] of Object.entries(CONTACTS)) {
    const saved = await callRoute('PUT', `/api/studies/${STUDY}/participants/${code}/contact`, { headers: await asRole('researcher'), body: contact });
    expect(saved.status).toBe(200);
  }
  // Everyone gets a personal link for every wave, so tokens exist to leak.
  const tokenOf: Record<string, string> = {};
  for (const wave of WAVES) {
    const issued = await callRoute('POST', `/api/studies/${STUDY}/waves/${wave.waveId}/links`, { headers: await asRole('researcher'), body: { reissue: false } });
    expect(issued.status).toBe(200);
    expect(issued.json.links).toHaveLength(PEOPLE.length + 1);
    for (const link of issued.json.links as { participantCode: string; path: string }[]) {
      const token = link.path.replace('/s/', '');
      secrets.tokens.push(token);
      if (wave.waveId === 'baseline') tokenOf[link.participantCode] = token;
    }
  }

  for (const person of [...PEOPLE.filter((p) => p !== VIA_LINK), ERASED]) await answerThroughStorage(person);

  // Participant 10 answers on their phone: an address and a user agent reach the API.
  const phone = { sourceIp: CLIENT_IP, headers: { 'user-agent': USER_AGENT } };
  const token = tokenOf[VIA_LINK.code]!;
  expect((await callRoute('GET', `/api/s/${token}`, phone)).status).toBe(200);
  expect((await callRoute('POST', `/api/s/${token}/consent`, { ...phone, body: { version: 'v1', decision: 'agreed', language: 'en' } })).status).toBe(200);
  const given = VIA_LINK.waves[0]!;
  for (const [instrument, answers] of [[ons4, given.ons4], [swemwbs, given.swemwbs], [aboutMe, given.aboutMe]] as const) {
    const saved = await callRoute('PUT', `/api/s/${token}/responses/${instrument.id}`, { ...phone, body: { answers, language: 'en', complete: true, baseRevision: 0 } });
    expect(saved.status, instrument.id).toBe(200);
  }

  // Participant 99 withdraws and asks for everything to be erased.
  const erased = await callRoute('POST', `/api/studies/${STUDY}/participants/${ERASED.code}/withdraw`, { headers: await asRole('researcher'), body: { scope: 'erase-all' } });
  expect(erased.status).toBe(200);

  for (const person of PEOPLE) {
    const item = await table.getItem(keys.participant(STUDY, person.code));
    if (typeof item?.auditKey === 'string') secrets.auditRefs.push(item.auditKey);
  }
  // How the audit log names participants (pref_…): as internal as an id gets.
  for (const entry of await listAuditMonth(STUDY, new Date())) secrets.auditRefs.push(...(JSON.stringify(entry).match(/pref_[A-Za-z0-9_-]{22}/g) ?? []));
  expect(secrets.auditRefs.length).toBeGreaterThan(0);
});


// ---- what the files must hold -------------------------------------------------------------------

const LONG = 'responses_long.csv';
const WIDE = 'responses_wide.csv';
const SCORES = 'scores.csv';
const ORDINAL: Record<WaveId, string> = { baseline: '0', 'six-months': '1', 'twelve-months': '2' };
const PREFIX: Record<WaveId, string> = { baseline: 'b', 'six-months': 'f1', 'twelve-months': 'f2' };

const LONG_HEADER = [
  'pid', 'wave', 'wave_ordinal', 'days_since_baseline', 'instrument', 'instrument_version', 'status', 'language', 'local_authority', 'home',
  ...ONS4_ITEMS, ...SWEMWBS_ITEMS, 'am_support',
];
const SCALES = ['life_satisfaction', 'worthwhile', 'happiness', 'anxiety'] as const;
/** The wide file's columns of one wave, in the order the design gives them. */
const wideWaveHeader = (waveId: WaveId) => {
  const p = PREFIX[waveId];
  const followUp = waveId !== 'baseline';
  return [
    `${p}_days_since_baseline`, `${p}_language`,
    `${p}_ons4_status`, `${p}_ons4_version`, ...ONS4_ITEMS.map((i) => `${p}_${i}`),
    ...SCALES.flatMap((s) => [`${p}_${s}_score`, `${p}_${s}_band`, ...(followUp ? [`${p}_${s}_change`] : [])]),
    `${p}_swemwbs_status`, `${p}_swemwbs_version`, ...SWEMWBS_ITEMS.map((i) => `${p}_${i}`),
    `${p}_swemwbs_score`, ...(followUp ? [`${p}_swemwbs_change`, `${p}_swemwbs_meaningful`] : []),
    ...(waveId === 'six-months' ? [] : [`${p}_about_me_status`, `${p}_about_me_version`, `${p}_am_support`]),
  ];
};
const WIDE_HEADER = ['pid', 'local_authority', 'home', ...wideWaveHeader('baseline'), ...wideWaveHeader('six-months'), ...wideWaveHeader('twelve-months')];
const SCORES_HEADER = ['pid', 'wave', 'wave_ordinal', 'days_since_baseline', 'instrument', 'instrument_version', 'scale', 'answered', 'raw', 'score', 'band', 'baseline_score', 'change', 'meaningful_change', 'direction'];

type Row = Record<string, string>;
/** A full row: every column of the header, empty unless given. */
const fullRow = (header: readonly string[], cells: Row): Row => {
  for (const name of Object.keys(cells)) if (!header.includes(name)) throw new Error(`expected cell ${name} is not a column`);
  return Object.fromEntries(header.map((name) => [name, cells[name] ?? '']));
};
/** Item cells exactly as answered: SWEMWBS digits in item order, ONS4 four numbers. */
const swCells = (digits: string, prefix = '') => Object.fromEntries(SWEMWBS_ITEMS.flatMap((item, i) => (digits[i] === '-' ? [] : [[`${prefix}${item}`, digits[i]!]])));
const onsCells = (values: [number, number, number, number], prefix = '') => Object.fromEntries(ONS4_ITEMS.map((item, i) => [`${prefix}${item}`, String(values[i])]));

/**
 * What each participant's rows hold. `authority` is what the export must show
 * (after small-cell protection); scores are worked out by hand:
 *
 *  - ONS4: each scale is its one item (sum of 1 item), banded by the ONS
 *    thresholds in instruments/ons4/1.0.0.json: 0–4 low, 5–6 medium, 7–8 high,
 *    9–10 very high; anxiety 0–1 very low, 2–3 low, 4–5 medium, 6–10 high
 *    (lower is better). ONS4 declares no meaningful-change threshold, so the
 *    flag is empty and only the change and its direction are given.
 *  - SWEMWBS: the raw sum of the 7 items looked up in the raw-to-metric table
 *    (../shared/reference/swemwbs-conversion.csv); all 7 items are needed.
 *    Meaningful change: |change| ≥ 3 metric points.
 */
type Expected = { n: number; authority: string; home: string; language: string; long: Row[]; wide: Row; scores: string[][] };

const longRow = (waveId: WaveId, days: string, instrument: string, items: Row): Row => ({
  wave: waveId,
  wave_ordinal: ORDINAL[waveId],
  days_since_baseline: days,
  instrument,
  instrument_version: '1.0.0',
  status: 'complete',
  ...items,
});
/** A scores.csv row after pid: wave, ordinal, days, instrument, version, scale, answered, raw, score, band, baseline score, change, meaningful, direction. */
const scoreRow = (waveId: WaveId, days: string, instrument: string, scale: string, answered: string, raw: string, score: string, band: string, baseline = '', change = '', meaningful = '', direction = '') => [
  waveId, ORDINAL[waveId], days, instrument, '1.0.0', scale, answered, raw, score, band, baseline, change, meaningful, direction,
];
const waveStatus = (p: string, instruments: string[]) => Object.fromEntries(instruments.flatMap((i) => [[`${p}_${i}_status`, 'complete'], [`${p}_${i}_version`, '1.0.0']]));

/** A participant who answered ONS4 and SWEMWBS (all 3s) at baseline only, with ONS4 (n, 7, 7, 2). */
function baselineOnly(n: number, authority: string, home: string, lifeSatisfactionBand: string): Expected {
  // ONS4: life satisfaction n (band given), worthwhile 7 high, happiness 7 high, anxiety 2 low.
  // SWEMWBS: 3 × 7 = raw 21 → metric 19.25.
  return {
    n,
    authority,
    home,
    language: 'en',
    long: [longRow('baseline', '0', 'ons4', onsCells([n, 7, 7, 2])), longRow('baseline', '0', 'swemwbs', swCells('3333333'))],
    wide: {
      b_days_since_baseline: '0', b_language: 'en', ...waveStatus('b', ['ons4', 'swemwbs']),
      ...onsCells([n, 7, 7, 2], 'b_'), ...swCells('3333333', 'b_'),
      b_life_satisfaction_score: String(n), b_life_satisfaction_band: lifeSatisfactionBand,
      b_worthwhile_score: '7', b_worthwhile_band: 'high', b_happiness_score: '7', b_happiness_band: 'high', b_anxiety_score: '2', b_anxiety_band: 'low',
      b_swemwbs_score: '19.25',
    },
    scores: [
      scoreRow('baseline', '0', 'ons4', 'life_satisfaction', '1', String(n), String(n), lifeSatisfactionBand),
      scoreRow('baseline', '0', 'ons4', 'worthwhile', '1', '7', '7', 'high'),
      scoreRow('baseline', '0', 'ons4', 'happiness', '1', '7', '7', 'high'),
      scoreRow('baseline', '0', 'ons4', 'anxiety', '1', '2', '2', 'low'),
      scoreRow('baseline', '0', 'swemwbs', 'swemwbs', '7', '21', '19.25', ''),
    ],
  };
}

/**
 * Local authorities after small-cell protection, which counts the waves each
 * answered: n = 0, 1 and 2 are each alone in theirs (all three, the first two,
 * the first and last), so their council is suppressed; the other eight
 * answered the baseline alone, Cardiff 3 and Swansea 4 (fewer than 5 each),
 * Ceredigion 1. The seven in Cardiff and Swansea share their region, South
 * Wales; the one in Ceredigion, alone in West Wales, is suppressed.
 */
const SOUTH = 'south_wales';
const EXPECTED: Expected[] = [
  {
    n: 0,
    authority: 'suppressed',
    home: 'own_home',
    language: 'cy',
    long: [
      longRow('baseline', '0', 'ons4', onsCells([0, 5, 7, 8])),
      longRow('baseline', '0', 'swemwbs', swCells('3333333')),
      longRow('baseline', '0', 'about-me', { am_support: 'yes' }),
      longRow('six-months', '182', 'ons4', onsCells([3, 6, 9, 4])),
      longRow('six-months', '182', 'swemwbs', swCells('4444333')),
      longRow('twelve-months', '365', 'ons4', onsCells([6, 5, 6, 1])),
      longRow('twelve-months', '365', 'swemwbs', swCells('5544444')),
      longRow('twelve-months', '365', 'about-me', { am_support: 'prefer_not_to_say' }),
    ],
    wide: {
      b_days_since_baseline: '0', b_language: 'cy', ...waveStatus('b', ['ons4', 'swemwbs', 'about_me']),
      ...onsCells([0, 5, 7, 8], 'b_'), ...swCells('3333333', 'b_'), b_am_support: 'yes',
      b_life_satisfaction_score: '0', b_life_satisfaction_band: 'low', b_worthwhile_score: '5', b_worthwhile_band: 'medium',
      b_happiness_score: '7', b_happiness_band: 'high', b_anxiety_score: '8', b_anxiety_band: 'high',
      b_swemwbs_score: '19.25',
      f1_days_since_baseline: '182', f1_language: 'cy', ...waveStatus('f1', ['ons4', 'swemwbs']),
      ...onsCells([3, 6, 9, 4], 'f1_'), ...swCells('4444333', 'f1_'),
      f1_life_satisfaction_score: '3', f1_life_satisfaction_band: 'low', f1_life_satisfaction_change: '3',
      f1_worthwhile_score: '6', f1_worthwhile_band: 'medium', f1_worthwhile_change: '1',
      f1_happiness_score: '9', f1_happiness_band: 'very_high', f1_happiness_change: '2',
      f1_anxiety_score: '4', f1_anxiety_band: 'medium', f1_anxiety_change: '-4',
      f1_swemwbs_score: '22.35', f1_swemwbs_change: '3.1', f1_swemwbs_meaningful: '1',
      f2_days_since_baseline: '365', f2_language: 'cy', ...waveStatus('f2', ['ons4', 'swemwbs', 'about_me']),
      ...onsCells([6, 5, 6, 1], 'f2_'), ...swCells('5544444', 'f2_'), f2_am_support: 'prefer_not_to_say',
      f2_life_satisfaction_score: '6', f2_life_satisfaction_band: 'medium', f2_life_satisfaction_change: '6',
      f2_worthwhile_score: '5', f2_worthwhile_band: 'medium', f2_worthwhile_change: '0',
      f2_happiness_score: '6', f2_happiness_band: 'medium', f2_happiness_change: '-1',
      f2_anxiety_score: '1', f2_anxiety_band: 'very_low', f2_anxiety_change: '-7',
      f2_swemwbs_score: '27.03', f2_swemwbs_change: '7.78', f2_swemwbs_meaningful: '1',
    },
    scores: [
      // Baseline: ONS4 0 low, 5 medium, 7 high, anxiety 8 high. SWEMWBS 3+3+3+3+3+3+3 = 21 → 19.25.
      scoreRow('baseline', '0', 'ons4', 'life_satisfaction', '1', '0', '0', 'low'),
      scoreRow('baseline', '0', 'ons4', 'worthwhile', '1', '5', '5', 'medium'),
      scoreRow('baseline', '0', 'ons4', 'happiness', '1', '7', '7', 'high'),
      scoreRow('baseline', '0', 'ons4', 'anxiety', '1', '8', '8', 'high'),
      scoreRow('baseline', '0', 'swemwbs', 'swemwbs', '7', '21', '19.25', ''),
      // Six months (182.5 days → 182 whole days): 3 − 0 = +3 improved; 6 − 5 = +1 improved; 9 − 7 = +2 improved;
      // anxiety 4 − 8 = −4, lower is better, so improved.
      scoreRow('six-months', '182', 'ons4', 'life_satisfaction', '1', '3', '3', 'low', '0', '3', '', 'improved'),
      scoreRow('six-months', '182', 'ons4', 'worthwhile', '1', '6', '6', 'medium', '5', '1', '', 'improved'),
      scoreRow('six-months', '182', 'ons4', 'happiness', '1', '9', '9', 'very_high', '7', '2', '', 'improved'),
      scoreRow('six-months', '182', 'ons4', 'anxiety', '1', '4', '4', 'medium', '8', '-4', '', 'improved'),
      // SWEMWBS 4+4+4+4+3+3+3 = 25 → 22.35; 22.35 − 19.25 = 3.10 ≥ 3: meaningful, improved.
      scoreRow('six-months', '182', 'swemwbs', 'swemwbs', '7', '25', '22.35', '', '19.25', '3.1', '1', 'improved'),
      // Twelve months: 6 − 0 = +6 improved; 5 − 5 = 0 unchanged; 6 − 7 = −1 worsened; anxiety 1 − 8 = −7 improved.
      scoreRow('twelve-months', '365', 'ons4', 'life_satisfaction', '1', '6', '6', 'medium', '0', '6', '', 'improved'),
      scoreRow('twelve-months', '365', 'ons4', 'worthwhile', '1', '5', '5', 'medium', '5', '0', '', 'unchanged'),
      scoreRow('twelve-months', '365', 'ons4', 'happiness', '1', '6', '6', 'medium', '7', '-1', '', 'worsened'),
      scoreRow('twelve-months', '365', 'ons4', 'anxiety', '1', '1', '1', 'very_low', '8', '-7', '', 'improved'),
      // SWEMWBS 5+5+4+4+4+4+4 = 30 → 27.03; 27.03 − 19.25 = 7.78 ≥ 3: meaningful, improved.
      scoreRow('twelve-months', '365', 'swemwbs', 'swemwbs', '7', '30', '27.03', '', '19.25', '7.78', '1', 'improved'),
    ],
  },
  {
    n: 1,
    authority: 'suppressed',
    home: 'with_partner',
    language: 'en',
    long: [
      longRow('baseline', '0', 'ons4', onsCells([1, 4, 4, 5])),
      longRow('baseline', '0', 'swemwbs', swCells('2222222')),
      longRow('baseline', '0', 'about-me', { am_support: 'no' }),
      // Day 191 less a baseline on day 1: 190 days.
      longRow('six-months', '190', 'ons4', onsCells([2, 4, 3, 5])),
      longRow('six-months', '190', 'swemwbs', swCells('2322232')),
    ],
    wide: {
      b_days_since_baseline: '0', b_language: 'en', ...waveStatus('b', ['ons4', 'swemwbs', 'about_me']),
      ...onsCells([1, 4, 4, 5], 'b_'), ...swCells('2222222', 'b_'), b_am_support: 'no',
      b_life_satisfaction_score: '1', b_life_satisfaction_band: 'low', b_worthwhile_score: '4', b_worthwhile_band: 'low',
      b_happiness_score: '4', b_happiness_band: 'low', b_anxiety_score: '5', b_anxiety_band: 'medium',
      b_swemwbs_score: '15.32',
      f1_days_since_baseline: '190', f1_language: 'en', ...waveStatus('f1', ['ons4', 'swemwbs']),
      ...onsCells([2, 4, 3, 5], 'f1_'), ...swCells('2322232', 'f1_'),
      f1_life_satisfaction_score: '2', f1_life_satisfaction_band: 'low', f1_life_satisfaction_change: '1',
      f1_worthwhile_score: '4', f1_worthwhile_band: 'low', f1_worthwhile_change: '0',
      f1_happiness_score: '3', f1_happiness_band: 'low', f1_happiness_change: '-1',
      f1_anxiety_score: '5', f1_anxiety_band: 'medium', f1_anxiety_change: '0',
      f1_swemwbs_score: '16.36', f1_swemwbs_change: '1.04', f1_swemwbs_meaningful: '0',
    },
    scores: [
      // Baseline: ONS4 1 low, 4 low, 4 low, anxiety 5 medium. SWEMWBS 2 × 7 = 14 → 15.32.
      scoreRow('baseline', '0', 'ons4', 'life_satisfaction', '1', '1', '1', 'low'),
      scoreRow('baseline', '0', 'ons4', 'worthwhile', '1', '4', '4', 'low'),
      scoreRow('baseline', '0', 'ons4', 'happiness', '1', '4', '4', 'low'),
      scoreRow('baseline', '0', 'ons4', 'anxiety', '1', '5', '5', 'medium'),
      scoreRow('baseline', '0', 'swemwbs', 'swemwbs', '7', '14', '15.32', ''),
      // Six months: 2 − 1 = +1 improved; 4 − 4 = 0 unchanged; 3 − 4 = −1 worsened; anxiety 5 − 5 = 0 unchanged.
      scoreRow('six-months', '190', 'ons4', 'life_satisfaction', '1', '2', '2', 'low', '1', '1', '', 'improved'),
      scoreRow('six-months', '190', 'ons4', 'worthwhile', '1', '4', '4', 'low', '4', '0', '', 'unchanged'),
      scoreRow('six-months', '190', 'ons4', 'happiness', '1', '3', '3', 'low', '4', '-1', '', 'worsened'),
      scoreRow('six-months', '190', 'ons4', 'anxiety', '1', '5', '5', 'medium', '5', '0', '', 'unchanged'),
      // SWEMWBS 2+3+2+2+2+3+2 = 16 → 16.36; 16.36 − 15.32 = 1.04 < 3: not meaningful, improved.
      scoreRow('six-months', '190', 'swemwbs', 'swemwbs', '7', '16', '16.36', '', '15.32', '1.04', '0', 'improved'),
    ],
  },
  {
    n: 2,
    authority: 'suppressed',
    home: 'own_home',
    language: 'en',
    long: [
      longRow('baseline', '0', 'ons4', onsCells([2, 8, 8, 3])),
      longRow('baseline', '0', 'swemwbs', swCells('4444444')),
      // Day 372 less a baseline on day 2: 370 days.
      longRow('twelve-months', '370', 'ons4', onsCells([1, 8, 8, 6])),
      longRow('twelve-months', '370', 'swemwbs', swCells('3333334')),
    ],
    wide: {
      b_days_since_baseline: '0', b_language: 'en', ...waveStatus('b', ['ons4', 'swemwbs']),
      ...onsCells([2, 8, 8, 3], 'b_'), ...swCells('4444444', 'b_'),
      b_life_satisfaction_score: '2', b_life_satisfaction_band: 'low', b_worthwhile_score: '8', b_worthwhile_band: 'high',
      b_happiness_score: '8', b_happiness_band: 'high', b_anxiety_score: '3', b_anxiety_band: 'low',
      b_swemwbs_score: '25.03',
      f2_days_since_baseline: '370', f2_language: 'en', ...waveStatus('f2', ['ons4', 'swemwbs']),
      ...onsCells([1, 8, 8, 6], 'f2_'), ...swCells('3333334', 'f2_'),
      f2_life_satisfaction_score: '1', f2_life_satisfaction_band: 'low', f2_life_satisfaction_change: '-1',
      f2_worthwhile_score: '8', f2_worthwhile_band: 'high', f2_worthwhile_change: '0',
      f2_happiness_score: '8', f2_happiness_band: 'high', f2_happiness_change: '0',
      f2_anxiety_score: '6', f2_anxiety_band: 'high', f2_anxiety_change: '3',
      f2_swemwbs_score: '19.98', f2_swemwbs_change: '-5.05', f2_swemwbs_meaningful: '1',
    },
    scores: [
      // Baseline: ONS4 2 low, 8 high, 8 high, anxiety 3 low. SWEMWBS 4 × 7 = 28 → 25.03.
      scoreRow('baseline', '0', 'ons4', 'life_satisfaction', '1', '2', '2', 'low'),
      scoreRow('baseline', '0', 'ons4', 'worthwhile', '1', '8', '8', 'high'),
      scoreRow('baseline', '0', 'ons4', 'happiness', '1', '8', '8', 'high'),
      scoreRow('baseline', '0', 'ons4', 'anxiety', '1', '3', '3', 'low'),
      scoreRow('baseline', '0', 'swemwbs', 'swemwbs', '7', '28', '25.03', ''),
      // Twelve months (no six-month wave): 1 − 2 = −1 worsened; 0 unchanged; 0 unchanged; anxiety 6 − 3 = +3, worsened.
      scoreRow('twelve-months', '370', 'ons4', 'life_satisfaction', '1', '1', '1', 'low', '2', '-1', '', 'worsened'),
      scoreRow('twelve-months', '370', 'ons4', 'worthwhile', '1', '8', '8', 'high', '8', '0', '', 'unchanged'),
      scoreRow('twelve-months', '370', 'ons4', 'happiness', '1', '8', '8', 'high', '8', '0', '', 'unchanged'),
      scoreRow('twelve-months', '370', 'ons4', 'anxiety', '1', '6', '6', 'high', '3', '3', '', 'worsened'),
      // SWEMWBS 3+3+3+3+3+3+4 = 22 → 19.98; 19.98 − 25.03 = −5.05, |−5.05| ≥ 3: meaningful, worsened.
      scoreRow('twelve-months', '370', 'swemwbs', 'swemwbs', '7', '22', '19.98', '', '25.03', '-5.05', '1', 'worsened'),
    ],
  },
  {
    n: 3,
    authority: SOUTH,
    home: 'own_home',
    language: 'en',
    long: [longRow('baseline', '0', 'ons4', onsCells([3, 7, 7, 2])), longRow('baseline', '0', 'swemwbs', swCells('33333-3')), longRow('baseline', '0', 'about-me', { am_support: 'yes' })],
    wide: {
      b_days_since_baseline: '0', b_language: 'en', ...waveStatus('b', ['ons4', 'swemwbs', 'about_me']),
      ...onsCells([3, 7, 7, 2], 'b_'), ...swCells('33333-3', 'b_'), b_am_support: 'yes',
      b_life_satisfaction_score: '3', b_life_satisfaction_band: 'low', b_worthwhile_score: '7', b_worthwhile_band: 'high',
      b_happiness_score: '7', b_happiness_band: 'high', b_anxiety_score: '2', b_anxiety_band: 'low',
    },
    scores: [
      scoreRow('baseline', '0', 'ons4', 'life_satisfaction', '1', '3', '3', 'low'),
      scoreRow('baseline', '0', 'ons4', 'worthwhile', '1', '7', '7', 'high'),
      scoreRow('baseline', '0', 'ons4', 'happiness', '1', '7', '7', 'high'),
      scoreRow('baseline', '0', 'ons4', 'anxiety', '1', '2', '2', 'low'),
      // 6 of 7 items: the conversion table needs all 7, so no raw score and no metric score.
      scoreRow('baseline', '0', 'swemwbs', 'swemwbs', '6', '', '', ''),
    ],
  },
  baselineOnly(4, SOUTH, 'with_partner', 'low'),
  baselineOnly(5, SOUTH, 'own_home', 'medium'),
  baselineOnly(6, SOUTH, 'own_home', 'medium'),
  baselineOnly(7, SOUTH, 'own_home', 'high'),
  baselineOnly(8, SOUTH, 'own_home', 'high'),
  (() => {
    const nine = baselineOnly(9, SOUTH, 'own_home', 'very_high');
    nine.long.push(longRow('baseline', '0', 'about-me', { am_support: 'yes' }));
    Object.assign(nine.wide, waveStatus('b', ['about_me']), { b_am_support: 'yes' });
    return nine;
  })(),
  {
    n: 10,
    authority: 'suppressed',
    home: 'own_home',
    language: 'en',
    long: [longRow('baseline', '0', 'ons4', onsCells([10, 10, 10, 0])), longRow('baseline', '0', 'swemwbs', swCells('5555555')), longRow('baseline', '0', 'about-me', { am_support: 'no' })],
    wide: {
      b_days_since_baseline: '0', b_language: 'en', ...waveStatus('b', ['ons4', 'swemwbs', 'about_me']),
      ...onsCells([10, 10, 10, 0], 'b_'), ...swCells('5555555', 'b_'), b_am_support: 'no',
      b_life_satisfaction_score: '10', b_life_satisfaction_band: 'very_high', b_worthwhile_score: '10', b_worthwhile_band: 'very_high',
      b_happiness_score: '10', b_happiness_band: 'very_high', b_anxiety_score: '0', b_anxiety_band: 'very_low',
      b_swemwbs_score: '35',
    },
    scores: [
      scoreRow('baseline', '0', 'ons4', 'life_satisfaction', '1', '10', '10', 'very_high'),
      scoreRow('baseline', '0', 'ons4', 'worthwhile', '1', '10', '10', 'very_high'),
      scoreRow('baseline', '0', 'ons4', 'happiness', '1', '10', '10', 'very_high'),
      scoreRow('baseline', '0', 'ons4', 'anxiety', '1', '0', '0', 'very_low'),
      // SWEMWBS 5 × 7 = 35 → 35.00, written 35.
      scoreRow('baseline', '0', 'swemwbs', 'swemwbs', '7', '35', '35', ''),
    ],
  },
];

/** Each participant's pseudonym in a package: found by their baseline life-satisfaction answer (participant n answered n). */
function pseudonymsOf(pkg: Package): Map<number, string> {
  const byAnswer = new Map<number, string>();
  for (const row of pkg.csv(LONG).rows) {
    if (row.wave === 'baseline' && row.instrument === 'ons4') {
      const n = Number(row.ons4_life_satisfaction);
      expect(byAnswer.has(n), `two baseline ONS4 rows answer ${n}`).toBe(false);
      byAnswer.set(n, row.pid!);
    }
  }
  expect([...byAnswer.keys()].sort((a, b) => a - b)).toEqual(EXPECTED.map((e) => e.n));
  return byAnswer;
}

/** The expected participants in the order the files list them: by pseudonym. */
const inPseudonymOrder = (pids: Map<number, string>) => [...EXPECTED].sort((a, b) => pids.get(a.n)!.localeCompare(pids.get(b.n)!));

const expectedLong = (pids: Map<number, string>) =>
  inPseudonymOrder(pids).flatMap((e) =>
    e.long.map((row) => fullRow(LONG_HEADER, { pid: pids.get(e.n)!, language: e.language, local_authority: e.authority, home: e.home, ...row })),
  );
const expectedWide = (pids: Map<number, string>) =>
  inPseudonymOrder(pids).map((e) => fullRow(WIDE_HEADER, { pid: pids.get(e.n)!, local_authority: e.authority, home: e.home, ...e.wide }));
const expectedScores = (pids: Map<number, string>) => inPseudonymOrder(pids).flatMap((e) => e.scores.map((cells) => [pids.get(e.n)!, ...cells]));

// ---- the codebook: every variable, written out ----------------------------------------------

type LabelText = { en: string; cy: string };
type ValueLabel = { value: string | number; label: LabelText };
type CodebookVariable = {
  files: string[];
  name: string;
  kind: string;
  type: 'numeric' | 'string';
  label: LabelText;
  itemText?: LabelText;
  valueLabels: ValueLabel[];
  missingValues: (string | number)[];
  width?: number;
  source?: Record<string, unknown>;
  derivation?: string;
};

const SUPPRESSED_LABEL = { en: 'Suppressed (small-cell protection)', cy: "Wedi'i atal (diogelu celloedd bach)" };
/**
 * codebook.json's account of small-cell protection (see EXPECTED): 11 local
 * authority values, 7 released as South Wales, 4 suppressed; groups by
 * answered waves and value: South Wales 7, and four of one who reveal nothing.
 * Region for everyone, then suppression, loses exactly as much as releasing
 * by priority here (7 regions and 4 withheld either way): the first tried,
 * global recoding, is kept.
 */
const EXPECTED_DISCLOSURE_CONTROL = {
  k: 5,
  participants: 11,
  method: 'global',
  quasiIdentifiers: [{ id: 'attribute:local_authority', columns: ['local_authority'], priority: null, hierarchy: ['exact', 'region', 'withheld'] }],
  answeredWavePatterns: 4,
  columns: [{ column: 'local_authority', quasiIdentifier: 'attribute:local_authority', values: 11, exact: 0, generalised: { region: 7 }, withheld: 0, suppressed: 4 }],
  cells: { values: 11, exact: 0, generalised: 7, withheld: 0, suppressed: 4 },
  revealingNone: 4,
  revealingNoneBelowK: 4,
  classes: 5,
  smallestClass: 7,
};
const YES_NO = [{ value: 1, label: { en: 'Yes', cy: 'Ie' } }, { value: 0, label: { en: 'No', cy: 'Na' } }];
const STATUS_LABELS = [
  { value: 'complete', label: { en: 'Complete (submitted)', cy: "Cyflawn (wedi'i gyflwyno)" } },
  { value: 'partial', label: { en: 'Partial (saved, not submitted)', cy: "Rhannol (wedi'i gadw, heb ei gyflwyno)" } },
];
const LANGUAGE_LABELS = [{ value: 'en', label: { en: 'English', cy: 'Saesneg' } }, { value: 'cy', label: { en: 'Welsh', cy: 'Cymraeg' } }];
const INSTRUMENT_TITLE: Record<string, LabelText> = {
  ons4: { en: 'Personal well-being (ONS4)', cy: 'Llesiant personol (ONS4)' },
  swemwbs: { en: 'Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)', cy: 'Graddfa Fer Llesiant Meddyliol Warwick-Caeredin (SWEMWBS)' },
  'about-me': { en: 'About me', cy: "Amdanaf i a'm tŷ" },
};
const SCALE_TITLE: Record<string, LabelText> = {
  life_satisfaction: { en: 'Life satisfaction', cy: 'Bodlonrwydd â bywyd' },
  worthwhile: { en: 'Worthwhile', cy: 'Gwerth chweil' },
  happiness: { en: 'Happiness', cy: 'Hapusrwydd' },
  anxiety: { en: 'Anxiety', cy: 'Gorbryder' },
  swemwbs: { en: 'Mental wellbeing (SWEMWBS metric score)', cy: 'Llesiant meddyliol (sgôr fetrig SWEMWBS)' },
};
const BANDS: Record<string, [string, LabelText, string][]> = {
  usual: [['low', { en: 'Low', cy: 'Isel' }, '0–4'], ['medium', { en: 'Medium', cy: 'Canolig' }, '5–6'], ['high', { en: 'High', cy: 'Uchel' }, '7–8'], ['very_high', { en: 'Very high', cy: 'Uchel iawn' }, '9–10']],
  anxiety: [['very_low', { en: 'Very low', cy: 'Isel iawn' }, '0–1'], ['low', { en: 'Low', cy: 'Isel' }, '2–3'], ['medium', { en: 'Medium', cy: 'Canolig' }, '4–5'], ['high', { en: 'High', cy: 'Uchel' }, '6–10']],
};
const bandsOf = (scale: string) => BANDS[scale === 'anxiety' ? 'anxiety' : 'usual']!;
const bandRanges = (scale: string) => bandsOf(scale).map(([id, , range]) => `${id} ${range}`).join(', ');
const SWEMWBS_CHOICES = [
  { value: 1, label: { en: 'None of the time', cy: "Dim o'r amser" } },
  { value: 2, label: { en: 'Rarely', cy: 'Anaml' } },
  { value: 3, label: { en: 'Some of the time', cy: "Peth o'r amser" } },
  { value: 4, label: { en: 'Often', cy: 'Yn aml' } },
  { value: 5, label: { en: 'All of the time', cy: "Drwy'r amser" } },
];
const ONS4_ENDS: Record<string, ValueLabel[]> = {
  usual: [{ value: 0, label: { en: 'Not at all', cy: 'Ddim o gwbl' } }, { value: 10, label: { en: 'Completely', cy: 'Yn llwyr' } }],
  anxiety: [{ value: 0, label: { en: 'Not at all anxious', cy: 'Ddim yn bryderus o gwbl' } }, { value: 10, label: { en: 'Completely anxious', cy: 'Yn gwbl bryderus' } }],
};
const AM_SUPPORT_LABELS = [
  { value: 'yes', label: { en: 'Yes', cy: 'Ydw' } },
  { value: 'no', label: { en: 'No', cy: 'Nac ydw' } },
  { value: 'prefer_not_to_say', label: { en: 'Prefer not to say', cy: "Mae'n well gen i beidio â dweud" } },
];
/** Question texts are the instruments' own. */
const questionTitle = (instrument: InstrumentVersion, name: string): LabelText =>
  ((instrument.survey.pages as { elements: { name: string; title: LabelText }[] }[]).flatMap((p) => p.elements).find((e) => e.name === name)!).title;

const DAYS_DERIVATION = "Whole days between this participant's baseline completion and their completion of this wave (0 at baseline). Calendar dates are not exported.";
const STATUS_DERIVATION = 'complete: the participant submitted it; partial: saved but not submitted (exported only when partial responses are asked for).';
const SHAH =
  'Shah et al. 2018, Health and Quality of Life Outcomes 16:239: a change of 1 to 3 metric points meets thresholds for important change (1 SEM = 1.03, 2.77 SEM = 2.87); the upper end is used so as not to over-claim change';
const ONS4_RULE = (scale: string) =>
  `${SCALE_TITLE[scale]!.en}: sum of the 1 items, prorated (mean of the answered items × 1) when some are missing; scored when at least 1 of 1 are answered. Items: ons4_${scale} (ons4 1.0.0); "prefer not to say" and "not applicable" count as unanswered. Range 0–10, ${scale === 'anxiety' ? 'lower' : 'higher'} is better.`;
const SWEMWBS_RULE =
  'Mental wellbeing (SWEMWBS metric score): raw sum of the 7 items converted with the table published in: Raw-to-metric conversion table published by Warwick Medical School for SWEMWBS (Rasch); scored only when all 7 items are answered. Items: swemwbs_optimistic, swemwbs_useful, swemwbs_relaxed, swemwbs_problems, swemwbs_thinking, swemwbs_close, swemwbs_own_mind (swemwbs 1.0.0); "prefer not to say" and "not applicable" count as unanswered. Range 7–35, higher is better.';

const inWave = (waveId: WaveId | undefined, label: LabelText): LabelText => {
  if (!waveId) return label;
  const name = WAVES.find((w) => w.waveId === waveId)!.name;
  return { en: `${name.en}: ${label.en}`, cy: `${name.cy}: ${label.cy}` };
};
const dash = (a: LabelText, b: LabelText): LabelText => ({ en: `${a.en} – ${b.en}`, cy: `${a.cy} – ${b.cy}` });

function itemVariables(waveId: WaveId | undefined, instrumentId: 'ons4' | 'swemwbs' | 'about-me', file: string): CodebookVariable[] {
  const prefix = waveId ? `${PREFIX[waveId]}_` : '';
  const source = (itemName: string) => ({ instrumentId, versions: ['1.0.0'], itemName, ...(waveId && { waveId }) });
  if (instrumentId === 'about-me') {
    const itemText = questionTitle(aboutMe, 'am_support');
    return [
      {
        files: [file], name: `${prefix}am_support`, kind: 'item', type: 'string', label: inWave(waveId, itemText), itemText,
        valueLabels: [...AM_SUPPORT_LABELS, { value: 'suppressed', label: SUPPRESSED_LABEL }], missingValues: ['prefer_not_to_say', 'suppressed'], width: 17, source: source('am_support'),
      },
    ];
  }
  const items = instrumentId === 'ons4' ? ONS4_ITEMS : SWEMWBS_ITEMS;
  return items.map((item) => {
    const itemText = questionTitle(instrumentId === 'ons4' ? ons4 : swemwbs, item);
    const choices = instrumentId === 'swemwbs' ? SWEMWBS_CHOICES : ONS4_ENDS[item === 'ons4_anxiety' ? 'anxiety' : 'usual']!;
    return {
      files: [file], name: `${prefix}${item}`, kind: 'item', type: 'numeric', label: inWave(waveId, itemText), itemText,
      valueLabels: [...choices, { value: -7, label: SUPPRESSED_LABEL }], missingValues: [-7], source: source(item),
    };
  });
}

function wideWaveVariables(waveId: WaveId): CodebookVariable[] {
  const p = PREFIX[waveId];
  const wave = WAVES.find((w) => w.waveId === waveId)!;
  const followUp = waveId !== 'baseline';
  const variables: CodebookVariable[] = [
    { files: [WIDE], name: `${p}_days_since_baseline`, kind: 'design', type: 'numeric', label: inWave(waveId, { en: 'Days since baseline', cy: 'Dyddiau ers y llinell sylfaen' }), valueLabels: [], missingValues: [], source: { waveId }, derivation: DAYS_DERIVATION },
    { files: [WIDE], name: `${p}_language`, kind: 'design', type: 'string', label: inWave(waveId, { en: 'Language answered in', cy: 'Iaith yr atebion' }), valueLabels: LANGUAGE_LABELS, missingValues: [], width: 2, source: { waveId } },
  ];
  for (const instrument of wave.pins) {
    const id = instrument.id as 'ons4' | 'swemwbs' | 'about-me';
    const stem = id.replace('-', '_');
    const title = INSTRUMENT_TITLE[id]!;
    variables.push(
      { files: [WIDE], name: `${p}_${stem}_status`, kind: 'design', type: 'string', label: inWave(waveId, dash(title, { en: 'Response status', cy: 'Statws yr ymateb' })), valueLabels: STATUS_LABELS, missingValues: [], width: 8, source: { instrumentId: id, waveId }, derivation: STATUS_DERIVATION },
      { files: [WIDE], name: `${p}_${stem}_version`, kind: 'design', type: 'string', label: inWave(waveId, dash(title, { en: 'Instrument version', cy: 'Fersiwn yr offeryn' })), valueLabels: [], missingValues: [], width: 5, source: { instrumentId: id, versions: ['1.0.0'], waveId } },
      ...itemVariables(waveId, id, WIDE),
    );
    const scales = id === 'ons4' ? [...SCALES] : id === 'swemwbs' ? ['swemwbs'] : [];
    for (const scale of scales) {
      const source = { instrumentId: id, versions: ['1.0.0'], scaleId: scale, waveId };
      const title = SCALE_TITLE[scale]!;
      variables.push({ files: [WIDE], name: `${p}_${scale}_score`, kind: 'score', type: 'numeric', label: inWave(waveId, title), valueLabels: [], missingValues: [], source, derivation: id === 'ons4' ? ONS4_RULE(scale) : SWEMWBS_RULE });
      if (id === 'ons4') {
        variables.push({
          files: [WIDE], name: `${p}_${scale}_band`, kind: 'score', type: 'string', label: inWave(waveId, dash(title, { en: 'Band', cy: 'Band' })),
          valueLabels: bandsOf(scale).map(([value, label, range]) => ({ value, label: { en: `${label.en} (${range})`, cy: `${label.cy} (${range})` } })),
          missingValues: [], width: scale === 'anxiety' ? 'very_low'.length : 'very_high'.length, source,
          derivation: `The band the score falls in (inclusive ranges): ${bandRanges(scale)}.`,
        });
      }
      if (followUp) {
        variables.push({ files: [WIDE], name: `${p}_${scale}_change`, kind: 'score', type: 'numeric', label: inWave(waveId, dash(title, { en: 'Change from baseline', cy: 'Newid ers y llinell sylfaen' })), valueLabels: [], missingValues: [], source, derivation: `${wave.name.en} score minus baseline score; empty when either is missing.` });
        if (id === 'swemwbs') {
          variables.push({ files: [WIDE], name: `${p}_${scale}_meaningful`, kind: 'score', type: 'numeric', label: inWave(waveId, dash(title, { en: 'Meaningful change', cy: 'Newid ystyrlon' })), valueLabels: YES_NO, missingValues: [], source, derivation: `1 when the change from baseline is at least 3 points either way (${SHAH}), 0 when it is smaller; empty when there is no change to judge.` });
        }
      }
    }
  }
  return variables;
}

const waveLabels = (key: 'waveId' | 'ordinal') => WAVES.map((w) => ({ value: w[key], label: w.name }));
const EXPECTED_CODEBOOK: CodebookVariable[] = [
  {
    files: [LONG, WIDE, SCORES], name: 'pid', kind: 'pseudonym', type: 'string', label: { en: 'Export pseudonym', cy: 'Ffugenw allforio' }, valueLabels: [], missingValues: [], width: 64,
    derivation: 'Export pseudonym: HMAC-SHA-256 of the participant code under a key made for this export and then discarded, so this export cannot be joined with any other. Participant codes never leave the platform.',
  },
  { files: [LONG, SCORES], name: 'wave', kind: 'design', type: 'string', label: { en: 'Wave', cy: 'Ton' }, valueLabels: waveLabels('waveId'), missingValues: [], width: 'twelve-months'.length },
  { files: [LONG, SCORES], name: 'wave_ordinal', kind: 'design', type: 'numeric', label: { en: 'Wave number (0 = baseline)', cy: 'Rhif y don (0 = llinell sylfaen)' }, valueLabels: waveLabels('ordinal'), missingValues: [], derivation: "The wave's place in the study: 0 for the baseline, 1, 2 … for the follow-ups in order." },
  { files: [LONG, SCORES], name: 'days_since_baseline', kind: 'design', type: 'numeric', label: { en: 'Days since baseline', cy: 'Dyddiau ers y llinell sylfaen' }, valueLabels: [], missingValues: [], derivation: DAYS_DERIVATION },
  { files: [LONG, SCORES], name: 'instrument', kind: 'design', type: 'string', label: { en: 'Instrument', cy: 'Offeryn' }, valueLabels: Object.entries(INSTRUMENT_TITLE).map(([value, label]) => ({ value, label })), missingValues: [], width: 'about-me'.length },
  { files: [LONG, SCORES], name: 'instrument_version', kind: 'design', type: 'string', label: { en: 'Instrument version', cy: 'Fersiwn yr offeryn' }, valueLabels: [], missingValues: [], width: 5 },
  { files: [LONG], name: 'status', kind: 'design', type: 'string', label: { en: 'Response status', cy: 'Statws yr ymateb' }, valueLabels: STATUS_LABELS, missingValues: [], width: 8, derivation: STATUS_DERIVATION },
  { files: [LONG], name: 'language', kind: 'design', type: 'string', label: { en: 'Language answered in', cy: 'Iaith yr atebion' }, valueLabels: LANGUAGE_LABELS, missingValues: [], width: 2 },
  {
    files: [LONG, WIDE], name: 'local_authority', kind: 'attribute', type: 'string', label: { en: 'Local authority', cy: 'Awdurdod lleol' },
    valueLabels: [
      { value: 'cardiff', label: { en: 'Cardiff', cy: 'Caerdydd' } }, { value: 'swansea', label: { en: 'Swansea', cy: 'Abertawe' } }, { value: 'ceredigion', label: { en: 'Ceredigion', cy: 'Ceredigion' } },
      ...REGION.groups.map(({ value, label }) => ({ value, label })), { value: 'suppressed', label: SUPPRESSED_LABEL },
    ],
    missingValues: ['suppressed'], width: 'south_wales'.length, source: { attributeId: 'local_authority' },
    derivation:
      'Declared by the study for each participant. A quasi-identifier: exact where at least 5 participants share what each row shows (these values, the other quasi-identifiers and the waves answered), ' +
      'otherwise released as a coarser group along exact → region (2 groups) → withheld, or "suppressed" (-7 in numbers) where no group keeps 5. README.txt counts, column by column, the values released exactly, as groups and suppressed.',
  },
  {
    files: [LONG, WIDE], name: 'home', kind: 'attribute', type: 'string', label: { en: 'Where they live', cy: 'Ble maen nhw’n byw' },
    valueLabels: [
      { value: 'own_home', label: { en: 'Own home', cy: 'Tŷ eu hunain' } }, { value: 'with_partner', label: { en: 'With a partner', cy: 'Gyda gŵr, gwraig neu bartner' } },
      { value: 'suppressed', label: SUPPRESSED_LABEL },
    ],
    missingValues: ['suppressed'], width: 'with_partner'.length, source: { attributeId: 'home' },
    derivation: 'Declared by the study for each participant. Not a quasi-identifier (the study says: it changes from month to month and nobody outside their household keeps track of it): exported as declared.',
  },
  ...itemVariables(undefined, 'ons4', LONG),
  ...itemVariables(undefined, 'swemwbs', LONG),
  ...itemVariables(undefined, 'about-me', LONG),
  ...wideWaveVariables('baseline'),
  ...wideWaveVariables('six-months'),
  ...wideWaveVariables('twelve-months'),
  { files: [SCORES], name: 'scale', kind: 'design', type: 'string', label: { en: 'Scale', cy: 'Graddfa' }, valueLabels: Object.entries(SCALE_TITLE).map(([value, label]) => ({ value, label })), missingValues: [], width: 'life_satisfaction'.length },
  { files: [SCORES], name: 'answered', kind: 'score', type: 'numeric', label: { en: 'Items answered', cy: 'Eitemau a atebwyd' }, valueLabels: [], missingValues: [], derivation: 'Items of the scale answered with a value the scale can score; "prefer not to say", "not applicable" and unanswered items do not count.' },
  { files: [SCORES], name: 'raw', kind: 'score', type: 'numeric', label: { en: 'Raw score', cy: 'Sgôr crai' }, valueLabels: [], missingValues: [], derivation: 'The sum (prorated as mean × item count when some items are missing) or the mean of the items before any conversion table, reverse items reversed; empty when too few items were answered.' },
  {
    files: [SCORES], name: 'score', kind: 'score', type: 'numeric', label: { en: 'Score', cy: 'Sgôr' }, valueLabels: [], missingValues: [],
    derivation: `The scale's score by its instrument's rules. ${[...SCALES.map((s) => `ons4@1.0.0 ${s}: ${ONS4_RULE(s)}`), `swemwbs@1.0.0 swemwbs: ${SWEMWBS_RULE}`].join(' ')}`,
  },
  {
    files: [SCORES], name: 'band', kind: 'score', type: 'string', label: { en: 'Band', cy: 'Band' },
    valueLabels: [...BANDS.usual!, BANDS.anxiety![0]!].map(([value, label]) => ({ value, label })), missingValues: [], width: 'very_high'.length,
    derivation: `The band the score falls in (inclusive ranges): ${SCALES.map((s) => `${s}: ${bandRanges(s)}`).join('; ')}.`,
  },
  { files: [SCORES], name: 'baseline_score', kind: 'score', type: 'numeric', label: { en: 'Baseline score', cy: 'Sgôr y llinell sylfaen' }, valueLabels: [], missingValues: [], derivation: "The same scale's score at this participant's baseline, where the baseline's version of the instrument defines the scale identically; empty at baseline and otherwise." },
  { files: [SCORES], name: 'change', kind: 'score', type: 'numeric', label: { en: 'Change from baseline', cy: 'Newid ers y llinell sylfaen' }, valueLabels: [], missingValues: [], derivation: 'score minus baseline_score; empty when either is missing.' },
  {
    files: [SCORES], name: 'meaningful_change', kind: 'score', type: 'numeric', label: { en: 'Meaningful change', cy: 'Newid ystyrlon' }, valueLabels: YES_NO, missingValues: [],
    derivation: `1 when the change reaches the scale's meaningful-change threshold either way, 0 when it does not; empty when the scale has no threshold or there is no change. swemwbs: 3 (${SHAH})`,
  },
  {
    files: [SCORES], name: 'direction', kind: 'score', type: 'string', label: { en: 'Direction of change', cy: 'Cyfeiriad y newid' },
    valueLabels: [
      { value: 'improved', label: { en: 'Improved', cy: 'Wedi gwella' } }, { value: 'worsened', label: { en: 'Worsened', cy: 'Wedi gwaethygu' } }, { value: 'unchanged', label: { en: 'Unchanged', cy: 'Heb newid' } },
    ],
    missingValues: [], width: 'unchanged'.length, derivation: 'Which way the score moved from baseline, given whether higher or lower is better on the scale; empty when there is no change to judge.',
  },
];

/** A cell as the issue requires it in a spreadsheet: text starting with = + - @, tab or CR gets a leading apostrophe. */
const spreadsheetSafe = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
/** codebook.csv's row for a variable: value labels read `1 = Often | 2 = Rarely`. */
const codebookCsvRow = (v: CodebookVariable): Row => {
  const labels = (language: 'en' | 'cy') => v.valueLabels.map((l) => `${l.value} = ${l.label[language]}`).join(' | ');
  const source = (v.source ?? {}) as { instrumentId?: string; versions?: string[]; scaleId?: string; itemName?: string; attributeId?: string; waveId?: string };
  const cells: Row = {
    files: v.files.join('; '), name: v.name, label_en: v.label.en, label_cy: v.label.cy, kind: v.kind, type: v.type,
    value_labels_en: labels('en'), value_labels_cy: labels('cy'), missing_values: v.missingValues.join(' | '),
    instrument: source.instrumentId ?? '', versions: source.versions?.join('; ') ?? '', scale: source.scaleId ?? '', item: source.itemName ?? '', attribute: source.attributeId ?? '', wave: source.waveId ?? '',
    item_text_en: v.itemText?.en ?? '', item_text_cy: v.itemText?.cy ?? '', derivation: v.derivation ?? '',
  };
  return Object.fromEntries(Object.entries(cells).map(([k, text]) => [k, spreadsheetSafe(text)]));
};
const CODEBOOK_CSV_HEADER = ['files', 'name', 'label_en', 'label_cy', 'kind', 'type', 'value_labels_en', 'value_labels_cy', 'missing_values', 'instrument', 'versions', 'scale', 'item', 'attribute', 'wave', 'item_text_en', 'item_text_cy', 'derivation'];

// ---- the tests ----------------------------------------------------------------------------------

const CSV_FILES = [LONG, WIDE, SCORES, 'codebook.csv'];
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** README.txt as the issue asks for it: study, waves and versions, export time, filters, and each anonymisation step with what it removed. */
function expectedReadme(exportId: string, exportedAt: string, options: { freeText: boolean }): string {
  const hash = (i: InstrumentVersion) => i.contentHash.slice(0, 12);
  return [
    'Pont dataset export: Package study / Astudiaeth y pecyn',
    `Study: ${STUDY}`,
    `Export: ${exportId}`,
    `Exported at: ${exportedAt}`,
    '',
    'FILES',
    '  responses_long.csv',
    '  responses_wide.csv',
    '  scores.csv',
    '  codebook.csv',
    '  codebook.json',
    '  load.R',
    '  load.sps',
    '  README.txt',
    '  All CSV files are UTF-8 with a byte-order mark, comma-separated, one header row.',
    '',
    'WAVES AND INSTRUMENTS',
    '  b_  baseline (ordinal 0): Baseline',
    `      ons4 1.0.0 (content hash ${hash(ons4)}): Personal well-being (ONS4)`,
    `      swemwbs 1.0.0 (content hash ${hash(swemwbs)}): Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)`,
    `      about-me 1.0.0 (content hash ${hash(aboutMe)}): About me`,
    '  f1_  six-months (ordinal 1): Six months',
    `      ons4 1.0.0 (content hash ${hash(ons4)}): Personal well-being (ONS4)`,
    `      swemwbs 1.0.0 (content hash ${hash(swemwbs)}): Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)`,
    '  f2_  twelve-months (ordinal 2): Twelve months',
    `      ons4 1.0.0 (content hash ${hash(ons4)}): Personal well-being (ONS4)`,
    `      swemwbs 1.0.0 (content hash ${hash(swemwbs)}): Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)`,
    `      about-me 1.0.0 (content hash ${hash(aboutMe)}): About me`,
    '',
    'WHAT IS INCLUDED',
    // 11 participants; responses: 8 + 5 + 4 + 3 (n = 3) + 2 × 5 (n = 4 … 8) + 3 (n = 9) + 3 (n = 10) = 36.
    '  Participants: 11; responses: 36.',
    // Participant 4's unsubmitted About me.
    '  Completed responses only: 1 partial response(s) were left out.',
    '  Participants who withdrew and asked for their data to be erased are not in the platform any more, so not in this export.',
    '',
    'ANONYMISATION APPLIED (by default; none of these steps can be switched off)',
    '  1. Identifiers never leave the platform: no personal-link token, contact detail, participant code, internal id, IP address or user agent is in any file.',
    '  2. Participant codes are replaced by pseudonyms (pid): HMAC-SHA-256 of the code under a key made for this export and then discarded. Nobody can turn a pid back into a code, and two exports cannot be joined by pid.',
    "  3. Dates and ages: no date the platform records (invitation, answer, completion) is exported. Each wave carries days_since_baseline instead (whole days from the participant's baseline completion to this wave's completion).",
    '       Date questions: these instruments ask none.',
    '       Ages: no question in these instruments is marked as an age, so none is banded by the export; number answers are exported as given.',
    options.freeText
      ? "  4. WARNING: free-text answers are INCLUDED (am_note). Free text can name people and places: read it before sharing, and keep this package under the study's strictest access. Asking for it was recorded in the audit log."
      : '  4. Free-text answers are left out: am_note.',
    '  5. Small-cell protection (k-anonymity, k = 5) over the quasi-identifiers local_authority:',
    '       that is, the attributes the study marks as quasi-identifiers (every declared attribute unless the study says why not), and the questions its instruments mark (none) and the questions the study names (none).',
    '       Not a quasi-identifier, as the study declared: home (because: it changes from month to month and nobody outside their household keeps track of it); exported as declared.',
    '       What an intruder is assumed to see in responses_wide.csv: each quasi-identifier once (a question asked at several waves is one value where the answers agree, a blank or "prefer not to say" at some wave not counting against it, and the sequence of answers where they changed),',
    // All three waves (n = 0), the first two (n = 1), the first and last (n = 2), the baseline alone (the other eight); the erased participant is not counted.
    '       and which waves the participant answered (4 different pattern(s) here). Not counted: which instruments of a wave were completed, which questions were skipped, days since baseline.',
    '       Every combination of these that a row shows is shared by at least 5 participants: the smallest group showing any value has 7 (5 group(s) in all).',
    '       4 participant(s) show no quasi-identifier value at all (4 of them in a group of answered waves smaller than k): they reveal none, so they are left as they are.',
    '       How: one level of its hierarchy per quasi-identifier for everyone (global recoding), then values still singling out fewer than k suppressed one at a time, the least important first.',
    // Exact, region and withheld for the one quasi-identifier.
    '       Chosen as the release losing least information (a value of one priority weighing ten of the next) among 3 combinations of levels and the release by priority.',
    '       Hierarchies (exact → coarser levels → withheld) and priorities:',
    '         local_authority: exact → region → withheld',
    '       Information loss, column by column (cells holding an answer; a blank means not answered and is never counted):',
    '         column                      values     exact         generalised  suppressed',
    '         local_authority                 11  0 (0.0%)  7 (63.6%) region 7   4 (36.4%)',
    '         all quasi-identifier cells      11  0 (0.0%)           7 (63.6%)   4 (36.4%)',
    '       "suppressed" cells are coded suppressed (-7 in numbers): 0 left at the top of their hierarchy because no group of at least k would show a value, 4 suppressed one participant at a time after recoding.',
    '       local_authority is exact for 0.0% of the 11 participants.',
    '  6. Every cell is safe to open in a spreadsheet: text starting with = + - @, tab or carriage return is prefixed with an apostrophe.',
    '',
    'CODES',
    '  -9 / prefer_not_to_say: the respondent chose not to say. -8 / not_applicable: not applicable to them. -7 / suppressed: removed by small-cell protection. -6 / refused: they refused to answer. -5 / dontknow: they did not know.',
    '  A quasi-identifier may also hold a coarser group (e.g. a region for a local authority): codebook.csv / codebook.json label every group value.',
    '  codebook.csv / codebook.json describe every variable; load.R and load.sps apply labels and missing values.',
    '',
    'LICENCE NOTICES',
    '  Contains public sector information licensed under the Open Government Licence v3.0 (Office for National Statistics).',
    '  Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, University of Warwick and University of Edinburgh, 2008, all rights reserved.',
    '',
    "This package is pseudonymised research data. It is still personal data under UK GDPR (ICO, Anonymisation and pseudonymisation, 2025): keep it where the study's data management plan says, and delete it when the plan says.",
    '',
  ].join('\r\n');
}

/** Every file's bytes must hold none of the identifiers gathered while the study was built. */
function expectNoIdentifier(pkg: Package) {
  const exportedAt = JSON.parse(pkg.text('codebook.json')).exportedAt as string;
  const forbidden: [string, string][] = [
    ...[...PEOPLE, ERASED].map((p) => [p.code, 'participant code'] as [string, string]),
    ['PONT-CL', 'participant code prefix'],
    ...secrets.tokens.flatMap((t) => [[t, 'token'], [hashToken(t), 'token hash']] as [string, string][]),
    ...secrets.auditRefs.map((r) => [r, 'audit reference or key'] as [string, string]),
    ...Object.values(CONTACTS).flatMap((c) => [[c.email, 'email'], [c.email.split('@')[0]!, 'email local part'], [c.phone!, 'phone'], [c.phone!.replace(/\D/g, ''), 'phone digits'], [c.phone!.replace('+44 ', '0'), 'phone, national form']] as [string, string][]),
    ['example.org', 'email domain'],
    [CLIENT_IP, 'IP address'],
    [USER_AGENT, 'user agent'],
    ['PontExportTestPhone', 'user agent'],
    [RESEARCHER, 'researcher account id'],
    [ANALYST, 'analyst account id'],
  ];
  expect(secrets.tokens).toHaveLength(3 * 12);
  for (const [name, content] of pkg.files) {
    const text = content.toString('utf8');
    for (const [value, what] of forbidden) expect(text.includes(value), `${name} holds a ${what}: ${value}`).toBe(false);
    // Storage keys and item types: internal to the platform.
    expect(text, name).not.toMatch(/STUDY#|TOKEN#|INSTR#|WAVE#|EXPORT#|AUDIT#|USER#|CONSENT#|CHECKIN#|\bP#|\bR#|PSEUDONYM_KEY|auditKey|tokenHash|managedBy/);
    // No date at all but the export's own time, stated once in README.txt and once in codebook.json.
    let rest = text;
    if (name === 'README.txt') rest = rest.replace(`Exported at: ${exportedAt}\r\n`, '');
    if (name === 'codebook.json') rest = rest.replace(`"exportedAt": "${exportedAt}"`, '');
    expect(rest.split(pkg.exportId).length - 1, `${name}: the export id`).toBe(name === 'README.txt' || name === 'codebook.json' ? 1 : 0);
    rest = rest.replaceAll(pkg.exportId, '');
    expect(rest, name).not.toMatch(/\d{4}-\d{2}-\d{2}|\d{8}T\d{4}|\b20\d\d-(0[1-9]|1[0-2])\b/);
    // The study's id is the name the team gave it, stated once in README.txt and codebook.json; nothing else about where data is kept.
    expect(rest.split(STUDY).length - 1, `${name}: the study id`).toBe(name === 'README.txt' || name === 'codebook.json' ? 1 : 0);
  }
}

describe('the package of a study with known answers, exported with the defaults', () => {
  let pkg: Package;
  let pids: Map<number, string>;
  beforeAll(async () => {
    pkg = await exportStudy();
    pids = pseudonymsOf(pkg);
  });

  it('holds exactly the files the issue names; the CSVs are UTF-8 with a byte-order mark and CRLF lines', () => {
    expect([...pkg.files.keys()].sort()).toEqual(['README.txt', 'codebook.csv', 'codebook.json', 'load.R', 'load.sps', 'responses_long.csv', 'responses_wide.csv', 'scores.csv']);
    for (const name of CSV_FILES) {
      const bytes = pkg.files.get(name)!;
      expect(bytes.subarray(0, 3), name).toEqual(BOM);
      expect(bytes.subarray(3, 6).equals(BOM), `${name} has one byte-order mark`).toBe(false);
      expect(bytes.toString('utf8').endsWith('\r\n'), name).toBe(true);
      expect(bytes.toString('utf8').replace(/\r\n/g, ''), `${name}: a bare line feed`).not.toMatch(/\n/);
    }
  });

  it('gives each participant one pseudonym, the same in every file, never a participant code', () => {
    const all = [...pids.values()];
    expect(new Set(all).size).toBe(11);
    for (const pid of all) expect(pid).toMatch(/^p[0-9a-f]{16}$/);
    for (const file of [LONG, WIDE, SCORES]) expect(new Set(pkg.csv(file).rows.map((r) => r.pid)), file).toEqual(new Set(all));
  });

  it('responses_long.csv: every cell of every row', () => {
    const { header, rows } = pkg.csv(LONG);
    expect(header).toEqual(LONG_HEADER);
    expect(rows).toEqual(expectedLong(pids));
  });

  it('responses_wide.csv: every cell of every row', () => {
    const { header, rows } = pkg.csv(WIDE);
    expect(header).toEqual(WIDE_HEADER);
    expect(rows).toEqual(expectedWide(pids));
  });

  it('scores.csv: every cell of every row, with change from baseline and the meaningful-change flag', () => {
    const { header, rows } = pkg.csv(SCORES);
    expect(header).toEqual(SCORES_HEADER);
    expect(rows.map((r) => SCORES_HEADER.map((c) => r[c]))).toEqual(expectedScores(pids));
  });

  it('protects small cells with k = 5 counting the waves each answered: a region for the seven who share one, the rest suppressed', () => {
    const authorities = pkg.csv(WIDE).rows.map((r) => r.local_authority);
    expect(authorities.filter((a) => a === SOUTH)).toHaveLength(7);
    expect(authorities.filter((a) => a === 'suppressed')).toHaveLength(4);
    expect(authorities).not.toContain('ceredigion');
    expect(authorities).not.toContain('other');
    // Not a quasi-identifier: kept as declared even for the suppressed participant.
    expect(pkg.csv(WIDE).rows.find((r) => r.pid === pids.get(10))!.home).toBe('own_home');
  });

  it('codebook.json: the export facts, every file\'s columns, the special codes and every variable written out', () => {
    const codebook = JSON.parse(pkg.text('codebook.json'));
    const readmeTime = /^Exported at: (.+)$/m.exec(pkg.text('README.txt'))![1]!.trim();
    expect(codebook.exportedAt).toBe(readmeTime);
    expect(Date.parse(codebook.exportedAt)).toBeGreaterThan(Date.now() - 10 * 60_000);
    const pin = (i: InstrumentVersion) => ({ id: i.id, version: i.version, contentHash: i.contentHash });
    expect({ ...codebook, variables: undefined }).toEqual({
      studyId: STUDY,
      synthetic: false,
      exportId: pkg.exportId,
      exportedAt: readmeTime,
      options: { includePartial: false, includeFreeText: false, studyStableKey: false, k: 5 },
      waves: WAVES.map((w) => ({ waveId: w.waveId, ordinal: w.ordinal, prefix: PREFIX[w.waveId], instruments: w.pins.map(pin) })),
      files: { [LONG]: LONG_HEADER, [WIDE]: WIDE_HEADER, [SCORES]: SCORES_HEADER },
      specialCodes: {
        preferNotToSay: { numeric: -9, string: 'prefer_not_to_say' },
        notApplicable: { numeric: -8, string: 'not_applicable' },
        suppressed: { numeric: -7, string: 'suppressed' },
        refused: { numeric: -6, string: 'refused' },
        dontKnow: { numeric: -5, string: 'dontknow' },
      },
      disclosureControl: EXPECTED_DISCLOSURE_CONTROL,
      variables: undefined,
    });
    expect(codebook.variables.map((v: CodebookVariable) => v.name)).toEqual(EXPECTED_CODEBOOK.map((v) => v.name));
    for (const [i, expected] of EXPECTED_CODEBOOK.entries()) expect(codebook.variables[i], expected.name).toEqual(expected);
    // Every column of every data file is documented, and documented as being in that file.
    for (const [file, header] of [[LONG, LONG_HEADER], [WIDE, WIDE_HEADER], [SCORES, SCORES_HEADER]] as const) {
      for (const column of header) expect(EXPECTED_CODEBOOK.find((v) => v.name === column)?.files, `${file}: ${column}`).toContain(file);
    }
  });

  it('codebook.csv: one row per variable, every cell', () => {
    const { header, rows } = pkg.csv('codebook.csv');
    expect(header).toEqual(CODEBOOK_CSV_HEADER);
    expect(rows.map((r) => r.name)).toEqual(EXPECTED_CODEBOOK.map((v) => v.name));
    for (const [i, expected] of EXPECTED_CODEBOOK.entries()) expect(rows[i], expected.name).toEqual(codebookCsvRow(expected));
    // A numeric code starting with a minus is text in this file, so it gets the apostrophe too.
    expect(rows.find((r) => r.name === 'ons4_anxiety')!.missing_values).toBe("'-7");
  });

  it('keeps Welsh letters (ŵ, ŷ) intact in UTF-8', () => {
    const codebookCsv = pkg.files.get('codebook.csv')!;
    for (const word of ['Tŷ eu hunain', 'Gyda gŵr, gwraig neu bartner', "Amdanaf i a'm tŷ", 'Ble maen nhw’n byw']) {
      expect(codebookCsv.includes(Buffer.from(word, 'utf8')), word).toBe(true);
    }
    expect(Buffer.from('ŵŷ', 'utf8')).toEqual(Buffer.from([0xc5, 0xb5, 0xc5, 0xb7]));
    expect(pkg.text('codebook.json')).toContain('Gyda gŵr, gwraig neu bartner');
    expect(pkg.text('load.sps')).toContain('"own_home" "Tŷ eu hunain"');
  });

  it('README.txt: study, waves, versions, filters and every anonymisation step with what it removed', () => {
    const readme = pkg.text('README.txt');
    const exportedAt = /^Exported at: (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\r$/m.exec(readme)?.[1];
    expect(exportedAt).toBeDefined();
    expect(readme).toBe(expectedReadme(pkg.exportId, exportedAt!, { freeText: false }));
  });

  it('load.R and load.sps read every column of every file with its type, and label each', () => {
    const codebook = new Map(EXPECTED_CODEBOOK.map((v) => [v.name, v]));
    const loadR = pkg.text('load.R');
    const loadSps = pkg.text('load.sps');
    for (const [file, frame, header] of [[LONG, 'responses_long', LONG_HEADER], [WIDE, 'responses_wide', WIDE_HEADER], [SCORES, 'scores', SCORES_HEADER]] as const) {
      const read = new RegExp(`^${frame} <- pont_read\\("${file.replace('.', '\\.')}", c\\(\\n([\\s\\S]*?)\\n\\)\\)$`, 'm').exec(loadR);
      expect(read, `load.R reads ${file}`).not.toBeNull();
      const columns = read![1]!.split(',\n').map((line) => /^ {2}"([a-z0-9_]+)" = "(numeric|character)"$/.exec(line)!.slice(1));
      expect(columns, `load.R: ${file}`).toEqual(header.map((name) => [name, codebook.get(name)!.type === 'numeric' ? 'numeric' : 'character']));
      for (const name of header) expect(loadR, `load.R labels ${frame}$${name}`).toContain(`${frame} <- pont_label(${frame}, "${name}",`);

      const section = loadSps.split(`* ---- ${file} ----.`)[1]!.split('* ---- ')[0]!;
      const variables = /\/VARIABLES=\n([\s\S]*?)\n\.\n/.exec(section);
      expect(variables, `load.sps reads ${file}`).not.toBeNull();
      expect(section).toContain(`/FILE="${file}"`);
      const spss = variables![1]!.split('\n').map((line) => /^ {4}([a-z0-9_]+) (A\d+|F\d+\.\d+)$/.exec(line)!.slice(1));
      expect(spss.map(([name]) => name), `load.sps: ${file}`).toEqual([...header]);
      for (const [name, format] of spss) {
        const variable = codebook.get(name!)!;
        expect(format, name).toBe(variable.type === 'numeric' ? format : `A${variable.width}`);
        expect(format!.startsWith(variable.type === 'numeric' ? 'F' : 'A'), name).toBe(true);
        // Once in Welsh and once in English (SPSS caps a label's length, so only its start is compared).
        expect(section.split(`\nVARIABLE LABELS ${name} "`).length - 1, `load.sps labels ${name} in both languages`).toBe(2);
        expect(section, name).toContain(`\nVARIABLE LABELS ${name} "${variable.label.cy.slice(0, 40)}`);
        expect(section, name).toContain(`\nVARIABLE LABELS ${name} "${variable.label.en.slice(0, 40)}`);
      }
    }
  });

  it('lets no identifier out: codes, tokens, contacts, audit references, account ids, addresses, user agents or dates', () => {
    expectNoIdentifier(pkg);
  });
});

describe('the same study exported with free text', () => {
  let plain: Package;
  let withText: Package;
  beforeAll(async () => {
    plain = await exportStudy();
    withText = await exportStudy({ includeFreeText: true });
  });

  /** Free text as given, by participant, wave: neutralised where it starts like a formula; line breaks become spaces. */
  const NOTES: [number, WaveId, string][] = [
    [0, 'baseline', `'${FORMULA}`],
    [0, 'twelve-months', "'+1 better now"],
    [1, 'baseline', 'Mae fy nhŷ yn oer ond mae gŵr drws nesaf yn helpu'],
    [3, 'baseline', "'-2 worse"],
    [9, 'baseline', "'\tTabbed"],
    [10, 'baseline', "'@x"],
  ];

  it('adds the free-text column to the long and wide files and changes no other cell', () => {
    const pids = pseudonymsOf(withText);
    const plainPids = pseudonymsOf(plain);
    const note = (n: number, waveId: WaveId) => NOTES.find(([m, w]) => m === n && w === waveId)?.[2] ?? '';

    const long = withText.csv(LONG);
    expect(long.header).toEqual([...LONG_HEADER, 'am_note']);
    expect(long.rows).toEqual(
      inPseudonymOrder(pids).flatMap((e) =>
        e.long.map((row) =>
          fullRow(long.header, {
            pid: pids.get(e.n)!, language: e.language, local_authority: e.authority, home: e.home, ...row,
            ...(row.instrument === 'about-me' ? { am_note: note(e.n, row.wave as WaveId) } : {}),
          }),
        ),
      ),
    );

    const wide = withText.csv(WIDE);
    const insertAfter = (header: string[], after: string, name: string) => [...header.slice(0, header.indexOf(after) + 1), name, ...header.slice(header.indexOf(after) + 1)];
    expect(wide.header).toEqual(insertAfter(insertAfter(WIDE_HEADER, 'b_am_support', 'b_am_note'), 'f2_am_support', 'f2_am_note'));
    expect(wide.rows).toEqual(
      inPseudonymOrder(pids).map((e) =>
        fullRow(wide.header, {
          pid: pids.get(e.n)!, local_authority: e.authority, home: e.home, ...e.wide,
          ...(e.wide.b_am_support ? { b_am_note: note(e.n, 'baseline') } : {}),
          ...(e.wide.f2_am_support ? { f2_am_note: note(e.n, 'twelve-months') } : {}),
        }),
      ),
    );
    // Scores do not depend on free text: the same rows under this export's pseudonyms.
    const normalise = (p: Package, map: Map<number, string>) => {
      const byPid = new Map([...map].map(([n, pid]) => [pid, `participant-${n}`]));
      return p.csv(SCORES).rows.map((r) => ({ ...r, pid: byPid.get(r.pid!) })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    };
    expect(normalise(withText, pids)).toEqual(normalise(plain, plainPids));
  });

  it('writes formula-like text so that no spreadsheet runs it, quoted per RFC 4180', () => {
    const raw = withText.text(LONG);
    expect(raw).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(raw).toContain(",'+1 better now\r\n");
    expect(raw).toContain(",'-2 worse\r\n");
    expect(raw).toContain(",'\tTabbed\r\n");
    expect(raw).toContain(",'@x\r\n");
    // No cell of any CSV starts like a formula, in either export.
    for (const pkg of [plain, withText]) {
      for (const file of CSV_FILES) {
        const { header, rows } = pkg.csv(file);
        for (const row of rows) for (const column of header) expect(/^[=+@\t\r]/.test(row[column]!), `${file} ${column}: ${row[column]}`).toBe(false);
        // A leading minus is left only on numbers, which a spreadsheet reads as numbers.
        for (const row of rows) for (const column of header) if (row[column]!.startsWith('-')) expect(row[column], `${file} ${column}`).toMatch(/^-\d+(\.\d+)?$/);
      }
    }
  });

  it('keeps Welsh letters in free text', () => {
    expect(withText.files.get(LONG)!.includes(Buffer.from('Mae fy nhŷ yn oer ond mae gŵr drws nesaf yn helpu', 'utf8'))).toBe(true);
  });

  it('warns in README.txt, which otherwise reads as before', () => {
    const readme = withText.text('README.txt');
    const exportedAt = /^Exported at: (\S+)\r$/m.exec(readme)![1]!;
    expect(readme).toBe(expectedReadme(withText.exportId, exportedAt, { freeText: true }));
  });

  it('lets no identifier out either', () => {
    expectNoIdentifier(withText);
  });
});

/** Unpacks a package into a folder of its own, as an analyst would. */
function unpack(pkg: Package): string {
  const folder = mkdtempSync(join(tmpdir(), 'pont-export-package-unpacked-'));
  for (const [name, content] of pkg.files) writeFileSync(join(folder, name), content);
  return folder;
}
const run = (command: string, args: string[], cwd: string) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' }, timeout: 60_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(`${command} is not installed (apt-get install r-base-core pspp)`);
  return result;
};

describe('the load scripts run on the packages themselves', () => {
  let plain: Package;
  let withText: Package;
  beforeAll(async () => {
    plain = await exportStudy();
    withText = await exportStudy({ includeFreeText: true });
  });

  it('load.R reads every file of both packages and applies the labels, Welsh included', () => {
    for (const pkg of [plain, withText]) {
      const pids = pseudonymsOf(pkg);
      const folder = unpack(pkg);
      writeFileSync(
        join(folder, 'report.R'),
        [
          'source("load.R")',
          'writeLines(paste("columns:", ncol(responses_long), ncol(responses_wide), ncol(scores)))',
          'writeLines(paste("rows:", nrow(responses_long), nrow(responses_wide), nrow(scores)))',
          'writeLines(paste("home:", attr(responses_wide$home, "label"), paste(names(attr(responses_wide$home, "labels")), collapse = "; ")), useBytes = TRUE)',
          `writeLines(paste("suppressed:", responses_wide$local_authority[responses_wide$pid == "${pids.get(10)}"]))`,
          'writeLines(paste("swemwbs:", paste(scores$change[scores$scale == "swemwbs" & !is.na(scores$change)], collapse = ",")))',
          'if ("am_note" %in% names(responses_long)) writeLines(paste("notes:", paste(sort(responses_long$am_note[!is.na(responses_long$am_note)]), collapse = " | ")), useBytes = TRUE)',
        ].join('\n'),
      );
      // Welsh labels: the one setting at the top of load.R, flipped as an analyst would.
      writeFileSync(join(folder, 'load.R'), readFileSync(join(folder, 'load.R'), 'utf8').replace('labels_language <- "en"', 'labels_language <- "cy"'));
      const result = run('Rscript', ['report.R'], folder);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const freeText = pkg === withText;
      const lines = [
        `columns: ${LONG_HEADER.length + (freeText ? 1 : 0)} ${WIDE_HEADER.length + (freeText ? 2 : 0)} ${SCORES_HEADER.length}`,
        'rows: 36 11 75',
        'home: Ble maen nhw’n byw Tŷ eu hunain; Gyda gŵr, gwraig neu bartner; Wedi\'i atal (diogelu celloedd bach)',
        // "suppressed" is a special code: NA in R, its label kept.
        'suppressed: NA',
      ];
      expect(result.stdout.split('\n').slice(0, 4)).toEqual(lines);
      // The SWEMWBS changes worked out above: 3.1 and 7.78 (n = 0), 1.04 (n = 1), −5.05 (n = 2), read as numbers.
      expect(new Set(/^swemwbs: (.*)$/m.exec(result.stdout)![1]!.split(','))).toEqual(new Set(['3.1', '7.78', '1.04', '-5.05']));
      if (freeText) {
        expect(result.stdout).toContain(`notes: '\tTabbed | '-2 worse | '@x | '+1 better now | '=HYPERLINK("http://evil.example","click") | Mae fy nhŷ yn oer ond mae gŵr drws nesaf yn helpu`);
      }
    }
  });

  it('load.sps runs in PSPP on both packages without an error or a warning', () => {
    for (const pkg of [plain, withText]) {
      const folder = unpack(pkg);
      writeFileSync(join(folder, 'report.sps'), ['DATASET ACTIVATE responses_long.', 'DESCRIPTIVES /VARIABLES=ons4_life_satisfaction.', 'DATASET ACTIVATE responses_wide.', 'FREQUENCIES /VARIABLES=local_authority.', ''].join('\n'));
      const result = run('pspp', ['load.sps', 'report.sps', '-o', 'report.csv'], folder);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('');
      expect(result.status).toBe(0);
      const report = readFileSync(join(folder, 'report.csv'), 'utf8');
      expect(report).not.toMatch(/error|warning/i);
      // 15 ONS4 responses: baseline answers 0…10 and the follow-ups 3, 6 (n = 0), 2 (n = 1), 1 (n = 2): 67 / 15 = 4.47.
      expect(report).toContain('"Overall, how satisfied are you with your life nowadays?",15,4.47,');
      // The four suppressed are missing values; the seven others share their region, labelled.
      expect(report).toContain('Valid,South Wales,7,63.6%,100.0%,100.0%\nMissing,Suppressed (small-cell protection),4,36.4%,,\n');
    }
  });
});
