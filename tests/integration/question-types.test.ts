/**
 * The question types beyond the basics through the real routes (issue #21): a care leaver's answers saved and
 * submitted, the server keeping its own computed values, and the study exported with a column for each part;
 * a version published before instrument validate refused what Pont cannot run is not run in a new wave.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { reloadConfig } from '../../functions/config.js';
import { checkInstrument } from '../../functions/domain/instrument-check.js';
import { toInstrumentVersion, type InstrumentVersion } from '../../functions/domain/instrument.js';
import { exportsInFlight } from '../../functions/exports/export-jobs.js';
import { resetExportStore } from '../../functions/exports/configured-export-store.js';
import { LocalExportStore } from '../../functions/exports/local-export-store.js';
import { publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy } from '../support/fixtures.js';
import { testInstrumentFile } from '../support/instrument-file.js';
import { useTestTable } from '../support/test-table.js';
import { parseCsv, readZip } from '../support/zip-and-csv.js';

useTestTable();
const exportDir = mkdtempSync(join(tmpdir(), 'pont-question-types-'));
const URL_SECRET = 'a-test-secret-that-is-long-enough-for-hmac';

beforeAll(() => {
  Object.assign(process.env, { EXPORT_DIR: exportDir, EXPORT_URL_SECRET: URL_SECRET });
  reloadConfig();
  resetExportStore();
});

const t = (en: string) => ({ en, cy: `${en} (cy)` });
const choices = (...values: (string | number)[]) => values.map((value) => ({ value, text: t(String(value)) }));
const as = async (role: 'researcher' | 'analyst') => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId: `${role}-1`, role })).token}` });

function checked(file: Parameters<typeof checkInstrument>[0]): InstrumentVersion {
  const check = checkInstrument(file);
  if (!check.ok) throw new Error(check.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return check.instrument;
}

const kinds = checked(testInstrumentFile({
  id: 'kinds',
  survey: {
    calculatedValues: [{ name: 'kd_total', expression: '{kd_slide} + {kd_box.count}', includeIntoResult: true }],
    pages: [
      {
        name: 'one',
        elements: [
          { type: 'ranking', name: 'kd_rank', title: t('Put in order'), choices: choices('home', 'work', 'friends') },
          { type: 'multipletext', name: 'kd_box', title: t('About you'), items: [{ name: 'count', title: t('How many'), inputType: 'number' }, { name: 'words', title: t('In a word') }] },
          { type: 'slider', name: 'kd_slide', title: t('How much'), min: 0, max: 10 },
          { type: 'expression', name: 'kd_double', title: t('Doubled'), expression: '{kd_slide} * 2' },
          { type: 'radiogroup', name: 'kd_where', title: t('Where'), choices: choices('home', 'away'), showOtherItem: true },
          { type: 'rating', name: 'kd_mood', title: t('Mood'), rateMin: 1, rateMax: 5, showCommentArea: true },
          { type: 'radiogroup', name: 'kd_often', title: t('How often'), choices: choices(1, 2, 3), showRefuseItem: true, showDontKnowItem: true },
        ],
      },
    ],
  },
}));

const answers = {
  kd_rank: ['friends', 'home', 'work'],
  kd_box: { count: 3, words: 'tired' },
  kd_slide: 4,
  kd_where: 'other',
  'kd_where-Comment': 'a friend’s sofa',
  kd_mood: 2,
  'kd_mood-Comment': 'long week',
  kd_often: 'refused',
};

const save = (token: string, body: Record<string, unknown>) => callRoute('PUT', `/api/s/${token}/responses/kinds`, { body: { language: 'en', ...body } });

async function exportAsAnalyst(studyId: string) {
  const headers = await as('analyst');
  const started = await callRoute('POST', `/api/studies/${studyId}/exports`, { headers, body: { includeFreeText: true } });
  expect(started.status).toBe(202);
  await exportsInFlight();
  const download = await callRoute('POST', `/api/studies/${studyId}/exports/${started.json.exportId}/download`, { headers });
  const url = new URL(download.json.url, 'http://localhost');
  const opened = new LocalExportStore(exportDir, URL_SECRET).open(decodeURIComponent(url.pathname.slice('/exports/'.length)), url.searchParams, new Date());
  if (typeof opened === 'string') throw new Error(`download refused: ${opened}`);
  const files = await readZip(opened.file);
  return (name: string) => files.get(name)!.toString('utf8').replace(/^\uFEFF/, '');
}

describe('a study running every kind of question Pont supports', () => {
  it('keeps the server\'s computed values, refuses a submission out of range, and exports a column per part', async () => {
    const link = await createLink({ instrument: kinds });

    const draft = await save(link.token, { answers: { ...answers, kd_double: 999, kd_total: -1 }, complete: false, baseRevision: 0 });
    expect(draft.status).toBe(200);
    const opened = await callRoute('GET', `/api/s/${link.token}`);
    expect(opened.json.instruments[0].response.answers).toMatchObject({ kd_double: 8, kd_total: 7 });

    const outOfRange = await save(link.token, { answers: { ...answers, kd_slide: 500 }, complete: true, baseRevision: 1 });
    expect(outOfRange.status).toBe(422);
    expect(outOfRange.json.error.details).toEqual([{ path: 'kd_slide', message: 'must be at most 10' }]);

    const submitted = await save(link.token, { answers: { ...answers, kd_double: 1 }, complete: true, baseRevision: 1 });
    expect(submitted.status).toBe(200);

    await joinStudy(link.studyId, 'analyst-1', 'analyst');
    const file = await exportAsAnalyst(link.studyId);
    const [row] = parseCsv(file('responses_long.csv')).rows;
    expect(row).toMatchObject({
      kd_rank_home: '2',
      kd_rank_work: '3',
      kd_rank_friends: '1',
      kd_box_count: '3',
      kd_box_words: 'tired',
      kd_slide: '4',
      kd_double: '8',
      kd_where: 'other',
      kd_where_other: 'a friend’s sofa',
      kd_mood: '2',
      kd_mood_comment: 'long week',
      kd_often: '-6',
      kd_total: '7',
    });
    const codebook = JSON.parse(file('codebook.json')) as { variables: { name: string; type: string; missingValues: unknown[]; derivation?: string }[] };
    const entry = (name: string) => codebook.variables.find((v) => v.name === name)!;
    expect(entry('kd_often')).toMatchObject({ type: 'numeric', missingValues: [-6, -5, -7] });
    expect(entry('kd_total').derivation).toMatch(/Computed by the server from the answers/);
    expect(entry('kd_where_other').derivation).toMatch(/Typed beside the answer to kd_where/);
  });
});

describe('a wave pinning a version published before instrument validate refused what it uses', () => {
  it('is refused, naming the instrument, the JSON path and the reason', async () => {
    // Published straight to storage, as a version published before the check was.
    const panels = toInstrumentVersion(testInstrumentFile({
      id: 'old-panels',
      survey: { pages: [{ name: 'p', elements: [{ type: 'paneldynamic', name: 'op_people', title: t('People'), templateElements: [{ type: 'text', name: 'op_who', title: t('Who') }] }] }] },
    }));
    await publishInstrumentVersion(panels, new Date().toISOString());
    const headers = await as('researcher');
    const study = await callRoute('POST', '/api/studies', { headers, body: { studyId: 'old-panels-study', title: t('Old panels'), supportContacts: [], attributes: [], consent: { version: 'v1', text: t('Agree?') } } });
    expect(study.status).toBe(201);

    const wave = await callRoute('POST', '/api/studies/old-panels-study/waves', {
      headers,
      body: {
        waveId: 'baseline',
        name: t('Baseline'),
        ordinal: 0,
        window: { kind: 'fixed', opensAt: new Date(Date.now() - 86_400_000).toISOString(), closesAt: new Date(Date.now() + 86_400_000).toISOString() },
        instruments: [{ id: 'old-panels', version: '1.0.0' }],
        consentVersion: 'v1',
      },
    });

    expect(wave.status).toBe(422);
    expect(wave.json.error.code).toBe('instrument_not_supported');
    expect(wave.json.error.details).toEqual([{ path: 'instruments[0].survey.pages[0].elements[0]', message: expect.stringMatching(/^old-panels@1\.0\.0: Pont cannot run `paneldynamic`: The respondent adds panels/) }]);
  });
});
