/**
 * load.R and load.sps checked by the real interpreters: R (Debian's
 * r-base-core) and GNU PSPP (pspp) read small CSVs written as the export
 * writes them, and the tests read back the labels and missing values the
 * scripts applied. Without the interpreters these tests fail, saying what
 * to install: they are what proves the scripts work.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../functions/domain/csv.js';
import { loadR, loadSps, rString } from '../../functions/domain/export/scripts.js';
import { DATASET_FILES, planVariables, type DatasetVariables, type StudyDesign, type Variable } from '../../functions/domain/export/variables.js';
import { checkedInstrument, exportStudyDesign } from '../support/export-design.js';
import { testInstrumentFile } from '../support/instrument-file.js';

const INTERPRETERS = {
  Rscript: 'r-base-core',
  pspp: 'pspp',
} as const;

/** Runs an interpreter; a missing one fails the test with what to install. */
function run(command: keyof typeof INTERPRETERS, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8', ...env }, timeout: 60_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      `${command} is not installed. These tests run the export's load scripts in a real interpreter: apt-get install -y --no-install-recommends ${INTERPRETERS[command]}`,
    );
  }
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** A folder holding the three CSVs (UTF-8 with a byte-order mark, as the export writes them) and both scripts. */
type Rows = Record<keyof DatasetVariables, Record<string, string | number | null>[]>;

function exportFolder(vars: DatasetVariables, rows: Rows, edit: (script: string) => string = (s) => s) {
  const folder = mkdtempSync(join(tmpdir(), 'pont-load-scripts-'));
  folders.push(folder);
  for (const key of ['long', 'wide', 'scores'] as const) {
    const header = vars[key].map((v) => v.name);
    writeFileSync(join(folder, DATASET_FILES[key]), `\ufeff${toCsv(header, rows[key].map((row) => header.map((name) => row[name] ?? null)))}`);
  }
  writeFileSync(join(folder, 'load.R'), edit(loadR(vars)));
  writeFileSync(join(folder, 'load.sps'), edit(loadSps(vars)));
  return folder;
}

// ---- a small study with Welsh letters, apostrophes and quotes in its labels ---------------------

const agreement = [
  { value: 1, text: { en: 'Strongly disagree', cy: "Anghytuno'n gryf" } },
  { value: 2, text: { en: 'Disagree', cy: 'Anghytuno' } },
  { value: 3, text: { en: 'Agree', cy: 'Cytuno' } },
  { value: 4, text: { en: 'Strongly agree', cy: "Cytuno'n gryf" } },
  { value: 'prefer_not_to_say', text: { en: 'Prefer not to say', cy: "Mae'n well gen i beidio â dweud" } },
];
const LONG_TITLE = `${'A very long question title about support, '.repeat(8)}end.`;

function wellbeingDesign(): StudyDesign {
  const instrument = checkedInstrument(testInstrumentFile({
    id: 'lles',
    title: { en: 'Wellbeing', cy: 'Lles' },
    description: { en: 'Test', cy: 'Prawf' },
    survey: {
      pages: [
        {
          name: 'one',
          elements: [
            { type: 'radiogroup', name: 'lles_home', title: { en: 'I feel at home where I live', cy: "Rwy'n teimlo'n gartrefol yn fy nhŷ" }, choices: agreement },
            { type: 'radiogroup', name: 'lles_water', title: { en: 'Being called a "care leaver" is fine', cy: 'Mae dŵr yn dda' }, choices: agreement },
            {
              type: 'radiogroup',
              name: 'lles_housing',
              title: { en: 'Where do you live?', cy: 'Ble rydych chi’n byw?' },
              choices: [
                { value: 'council_house', text: { en: 'Council house', cy: 'Tŷ cyngor' } },
                { value: 'flat', text: { en: 'Flat', cy: 'Fflat' } },
                { value: 'prefer_not_to_say', text: { en: 'Prefer not to say', cy: "Mae'n well gen i beidio â dweud" } },
              ],
            },
            { type: 'rating', name: 'lles_long', title: { en: LONG_TITLE, cy: LONG_TITLE }, rateMin: 0, rateMax: 10 },
            { type: 'comment', name: 'lles_words', title: { en: 'Anything else?', cy: 'Unrhyw beth arall?' } },
          ],
        },
      ],
    },
    scales: [
      {
        id: 'lles_score',
        title: { en: 'Wellbeing', cy: 'Lles' },
        items: ['lles_home', 'lles_water'],
        itemValues: { min: 1, max: 4 },
        method: { kind: 'sum' },
        scoreRange: { min: 2, max: 8 },
        minimumAnswered: 1,
        direction: 'higher-is-better',
        bands: [
          { id: 'low', label: { en: 'Low', cy: 'Isel' }, min: 2, max: 4 },
          { id: 'high', label: { en: 'High', cy: 'Uchel' }, min: 5, max: 8 },
        ],
        meaningfulChange: { threshold: 2, source: 'test' },
      },
    ],
  }));
  return {
    studyId: 'lles',
    title: { en: 'Wellbeing', cy: 'Lles' },
    attributes: [
      {
        id: 'area',
        label: { en: 'Area', cy: 'Ardal (ŵ ŷ)' },
        quasiIdentifier: true,
        values: [
          { value: 'tower', label: { en: 'Tower', cy: 'Tŵr' } },
          { value: 'house', label: { en: 'House', cy: 'Tŷ' } },
        ],
      },
    ],
    waves: [
      { waveId: 'baseline', ordinal: 0, name: { en: 'Baseline', cy: 'Llinell sylfaen' }, instruments: [instrument] },
      { waveId: 'later', ordinal: 1, name: { en: 'Later', cy: 'Wedyn' }, instruments: [instrument] },
    ],
  };
}

/** The study's one coarser level for areas, so a group label goes through the scripts too. */
const AREA_LEVELS = { area: { levels: [{ id: 'any', label: { en: 'Any home', cy: 'Unrhyw gartref' }, groups: [{ value: 'any_home', label: { en: 'Any home', cy: 'Unrhyw gartref' }, members: ['tower', 'house'] }] }] } };
const vars = planVariables(wellbeingDesign(), { includeFreeText: true, disclosureControl: AREA_LEVELS });
const ROWS: Rows = {
  long: [
    // 1e5 would be a number were pid not read as text.
    { pid: '1e5', wave: 'baseline', wave_ordinal: 0, days_since_baseline: 0, instrument: 'lles', instrument_version: '1.0.0', status: 'complete', language: 'cy', area: 'tower', lles_home: 1, lles_water: -9, lles_housing: 'council_house', lles_long: 7, lles_words: 'Diolch, "da" iawn – ŵ' },
    { pid: '1e5', wave: 'later', wave_ordinal: 1, days_since_baseline: 183, instrument: 'lles', instrument_version: '1.0.0', status: 'partial', language: 'en', area: 'suppressed', lles_home: 4, lles_water: -7, lles_housing: 'prefer_not_to_say', lles_long: null, lles_words: '=1+1' },
  ],
  wide: [{ pid: '1e5', area: 'tower', b_lles_home: 1, b_lles_water: -9, b_lles_housing: 'council_house', b_lles_score_score: 1, f1_lles_home: 4, f1_lles_score_score: 4, f1_lles_score_band: 'low', f1_lles_score_change: 2.5, f1_lles_score_meaningful: 1 }],
  scores: [
    { pid: '1e5', wave: 'baseline', wave_ordinal: 0, days_since_baseline: 0, instrument: 'lles', instrument_version: '1.0.0', scale: 'lles_score', answered: 1, raw: 1, score: 2, band: 'low' },
    { pid: '1e5', wave: 'later', wave_ordinal: 1, days_since_baseline: 183, instrument: 'lles', instrument_version: '1.0.0', scale: 'lles_score', answered: 2, raw: 4.5, score: 4.5, band: 'low', baseline_score: 2, change: 2.5, meaningful_change: 1, direction: 'improved' },
  ],
};

const toWelsh = (script: string) => script.replace('labels_language <- "en"', 'labels_language <- "cy"').replace('DEFINE !pont_language () en !ENDDEFINE.', 'DEFINE !pont_language () cy !ENDDEFINE.');

// ---- R ------------------------------------------------------------------------------------------

/** Prints, for each column asked about: class | label | values | value labels (as name=code). useBytes keeps UTF-8 in any locale. */
const R_REPORT = `
source("load.R")
show <- function(frame, name) {
  x <- get(frame)[[name]]
  labels <- attr(x, "labels")
  writeLines(paste(paste0(frame, "$", name), class(x), attr(x, "label"),
    paste(ifelse(is.na(x), "NA", as.character(x)), collapse = ","),
    paste(names(labels), labels, sep = "=", collapse = "; "), sep = " | "), useBytes = TRUE)
}
show("responses_long", "pid")
show("responses_long", "area")
show("responses_long", "lles_home")
show("responses_long", "lles_water")
show("responses_long", "lles_housing")
show("responses_long", "lles_words")
show("responses_wide", "f1_lles_score_change")
show("scores", "direction")
writeLines(paste("factor:", paste(as.character(pont_factor(responses_long$lles_home)), collapse = ",")), useBytes = TRUE)
writeLines(paste("columns:", ncol(responses_long), ncol(responses_wide), ncol(scores)))
`;

function runR(folder: string, env: Record<string, string> = {}) {
  writeFileSync(join(folder, 'report.R'), R_REPORT);
  const result = run('Rscript', ['report.R'], folder, env);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return Object.fromEntries(
    result.stdout
      .trim()
      .split('\n')
      .map((line) => [line.split(' | ')[0]!.split(':')[0]!, line]),
  );
}

describe('load.R', () => {
  it('reads the three files with base R and applies English labels, value labels and missing values', () => {
    const out = runR(exportFolder(vars, ROWS));
    expect(out['responses_long$pid']).toBe('responses_long$pid | character | Export pseudonym | 1e5,1e5 | ');
    expect(out['responses_long$area']).toBe(
      'responses_long$area | character | Area | tower,NA | Tower=tower; House=house; Any home=any_home; Suppressed (small-cell protection)=suppressed',
    );
    expect(out['responses_long$lles_home']).toBe(
      'responses_long$lles_home | numeric | I feel at home where I live | 1,4 | Strongly disagree=1; Disagree=2; Agree=3; Strongly agree=4; Prefer not to say=-9; Suppressed (small-cell protection)=-7',
    );
    expect(out['responses_long$lles_water']).toMatch(/^responses_long\$lles_water \| numeric \| Being called a "care leaver" is fine \| NA,NA \| /);
    expect(out['responses_long$lles_housing']).toMatch(/^responses_long\$lles_housing \| character \| Where do you live\? \| council_house,NA \| Council house=council_house; Flat=flat; Prefer not to say=prefer_not_to_say/);
    expect(out['responses_long$lles_words']).toBe('responses_long$lles_words | character | Anything else? | Diolch, "da" iawn – ŵ,\'=1+1 | Suppressed (small-cell protection)=suppressed');
    expect(out['responses_wide$f1_lles_score_change']).toBe('responses_wide$f1_lles_score_change | numeric | Later: Wellbeing – Change from baseline | 2.5 | ');
    expect(out['scores$direction']).toMatch(/^scores\$direction \| character \| Direction of change \| NA,improved \| Improved=improved; Worsened=worsened; Unchanged=unchanged$/);
    expect(out.factor).toBe('factor: Strongly disagree,Strongly agree');
    expect(out.columns).toBe(`columns: ${vars.long.length} ${vars.wide.length} ${vars.scores.length}`);
  });

  it('switches to Welsh labels with one setting, keeping Welsh letters even in a C locale', () => {
    const out = runR(exportFolder(vars, ROWS, toWelsh), { LC_ALL: 'C' });
    expect(out['responses_long$area']).toBe(
      "responses_long$area | character | Ardal (ŵ ŷ) | tower,NA | Tŵr=tower; Tŷ=house; Unrhyw gartref=any_home; Wedi'i atal (diogelu celloedd bach)=suppressed",
    );
    expect(out['responses_long$lles_home']).toMatch(/^responses_long\$lles_home \| numeric \| Rwy'n teimlo'n gartrefol yn fy nhŷ \| 1,4 \| Anghytuno'n gryf=1; Anghytuno=2; /);
    expect(out['responses_long$lles_words']).toContain('Diolch, "da" iawn – ŵ');
  });

  it('keeps the special codes when asked to', () => {
    const out = runR(exportFolder(vars, ROWS, (script) => script.replace('special_codes_to_na <- TRUE', 'special_codes_to_na <- FALSE')));
    expect(out['responses_long$lles_water']).toContain(' | -9,-7 | ');
    expect(out['responses_long$lles_housing']).toContain(' | council_house,prefer_not_to_say | ');
  });

  it('refuses CSVs whose columns are not the ones it was written for', () => {
    const folder = exportFolder(vars, ROWS);
    const other = planVariables(wellbeingDesign(), { includeFreeText: false });
    writeFileSync(join(folder, 'load.R'), loadR(other));
    const result = run('Rscript', ['load.R'], folder);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('responses_long.csv does not have the columns this script expects');
  });

  it('writes strings R reads back exactly: quotes, backslashes, Welsh letters and characters beyond the BMP', () => {
    const texts = ['plain', 'with "quotes" and \\ backslash', "Anghytuno'n gryf", 'ŵ ŷ â', 'tab\there', 'emoji 🙂'];
    const folder = mkdtempSync(join(tmpdir(), 'pont-r-strings-'));
    folders.push(folder);
    writeFileSync(join(folder, 'strings.R'), `x <- c(${texts.map(rString).join(', ')})\nwriteLines(x, useBytes = TRUE)\n`);
    const result = run('Rscript', ['strings.R'], folder, { LC_ALL: 'C' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${texts.join('\n')}\n`);
    expect(texts.map(rString).join('')).toMatch(/^[\x20-\x7e]*$/);
  });
});

// ---- SPSS syntax, run by PSPP -------------------------------------------------------------------

/**
 * Runs load.sps, then a report: each asked-for variable's dictionary entry
 * after an ECHO marker. PSPP writes its output as CSV, one table after another.
 */
function runPspp(folder: string, report: { dataset: string; variables: string[] }[]) {
  const lines = report.flatMap(({ dataset, variables }) => [
    `DATASET ACTIVATE ${dataset}.`,
    ...variables.flatMap((name) => [`ECHO '### ${dataset}.${name}'.`, `DISPLAY DICTIONARY /VARIABLES=${name}.`]),
    `ECHO '### ${dataset} cases'.`,
    'LIST.',
  ]);
  writeFileSync(join(folder, 'report.sps'), `${lines.join('\n')}\n`);
  const result = run('pspp', ['load.sps', 'report.sps', '-o', 'report.csv'], folder);
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
  const sections: Record<string, string> = {};
  let current = '';
  for (const line of readFileSync(join(folder, 'report.csv'), 'utf8').split('\n')) {
    if (line.startsWith('### ')) current = line.slice(4);
    else if (current) sections[current] = `${sections[current] ?? ''}${line}\n`;
  }
  return sections;
}

describe('load.sps', () => {
  const report = [
    { dataset: 'responses_long', variables: ['pid', 'area', 'lles_home', 'lles_housing', 'lles_long', 'lles_words'] },
    { dataset: 'responses_wide', variables: ['f1_lles_score_change', 'f1_lles_score_meaningful'] },
    { dataset: 'scores', variables: ['band'] },
  ];

  it('reads the three files into datasets and applies English labels, value labels and missing values', () => {
    const out = runPspp(exportFolder(vars, ROWS), report);

    expect(out['responses_long.pid']).toContain('pid,1,Export pseudonym,Nominal,Input,');
    expect(out['responses_long.area']).toContain('area,9,Area,Nominal,Input,');
    // SPSS takes text missing values of 8 bytes at most: suppressed is recoded to '-7'.
    expect(out['responses_long.area']).toMatch(/\narea,9,Area,.*,"""-7 *"""\n/);
    expect(out['responses_long.area']).toContain('Area,-7[a],Suppressed (small-cell protection)\n');
    expect(out['responses_long.area']).toContain(',tower,Tower\n');
    expect(out['responses_long.area']).toContain(',any_home,Any home\n');

    expect(out['responses_long.lles_home']).toMatch(/lles_home,\d+,I feel at home where I live,Scale,Input,8,Right,F8\.0,F8\.0,-9; -7\n/);
    expect(out['responses_long.lles_home']).toContain('I feel at home where I live,-9[a],Prefer not to say\n');
    expect(out['responses_long.lles_home']).toContain(',1,Strongly disagree\n');

    expect(out['responses_long.lles_housing']).toMatch(/,"""-9 *""; ""-7 *"""\n/);
    expect(out['responses_long.lles_housing']).toContain(',-9[a],Prefer not to say\n');
    expect(out['responses_long.lles_housing']).toContain(',council_house,Council house\n');

    // A label longer than SPSS's 255 bytes is cut, not refused.
    expect(out['responses_long.lles_long']).toContain(`lles_long,`);
    expect(out['responses_long.lles_long']).toContain(LONG_TITLE.slice(0, 200));
    expect(out['responses_long.lles_long']).not.toContain('end.');

    expect(out['responses_wide.f1_lles_score_change']).toContain('Later: Wellbeing – Change from baseline,Scale,Input,8,Right,F8.2,F8.2');
    expect(out['responses_wide.f1_lles_score_meaningful']).toContain(',1,Yes\n');
    // One band id can cover different ranges on different scales: the ranges are in the wide file's labels.
    expect(out['scores.band']).toContain('Band,high,High\n');

    // The cases, special codes recoded in text columns.
    expect(out['responses_long cases']).toContain('1e5,baseline,0,0,lles,1.0.0,complete,cy,tower,1,-9,council_house,7.00,"Diolch, ""da"" iawn – ŵ"');
    expect(out['responses_long cases']).toContain("1e5,later,1,183,lles,1.0.0,partial,en,-7,4,-7,-9,.  ,'=1+1");
    expect(out['scores cases']).toContain('4.50,4.50,low,2.00,2.50,1,improved');
  });

  it('switches to Welsh labels with one setting, apostrophes and Welsh letters intact', () => {
    const out = runPspp(exportFolder(vars, ROWS, toWelsh), report);
    expect(out['responses_long.area']).toContain('area,9,Ardal (ŵ ŷ),');
    expect(out['responses_long.area']).toContain(',tower,Tŵr\n');
    expect(out['responses_long.lles_home']).toContain("lles_home,10,Rwy'n teimlo'n gartrefol yn fy nhŷ,");
    expect(out['responses_long.lles_home']).toContain(",1,Anghytuno'n gryf\n");
    expect(out['responses_long.lles_home']).toContain(",-9[a],Mae'n well gen i beidio â dweud\n");
  });
});

// ---- the full study -----------------------------------------------------------------------------

describe('both scripts for the shipped instruments across three waves', () => {
  it('run without a warning in R and PSPP, every column read', () => {
    const full = planVariables(exportStudyDesign(), { includeFreeText: true });
    const sample = (v: Variable) => v.valueLabels[0]?.value ?? (v.type === 'numeric' ? 1 : 'x');
    const rowsOf = (variables: Variable[]) => [Object.fromEntries(variables.map((v) => [v.name, sample(v)])), {}];
    const folder = exportFolder(full, { long: rowsOf(full.long), wide: rowsOf(full.wide), scores: rowsOf(full.scores) });

    const r = run('Rscript', ['-e', 'source("load.R"); cat(ncol(responses_long), ncol(responses_wide), ncol(scores), nrow(responses_wide))'], folder);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${full.long.length} ${full.wide.length} ${full.scores.length} 2`);

    writeFileSync(join(folder, 'sizes.sps'), ['responses_long', 'responses_wide', 'scores'].map((d) => `DATASET ACTIVATE ${d}.\nDISPLAY DICTIONARY.`).join('\n'));
    const pspp = run('pspp', ['load.sps', 'sizes.sps', '-o', 'sizes.csv'], folder);
    expect(pspp.stderr).toBe('');
    expect(pspp.stdout).toBe('');
    expect(pspp.status).toBe(0);
    const dictionary = readFileSync(join(folder, 'sizes.csv'), 'utf8');
    for (const variable of [...full.long, ...full.wide, ...full.scores]) expect(dictionary).toContain(`\n${variable.name},`);
  });
});

// ---- every kind of column ----------------------------------------------------------------------

describe('both scripts for every kind of column Pont exports', () => {
  const t = (en: string) => ({ en, cy: `${en} (cy)` });
  const options = (...values: (string | number)[]) => values.map((value) => ({ value, text: t(String(value)) }));
  const kinds = checkedInstrument(testInstrumentFile({
    id: 'kinds',
    survey: {
      calculatedValues: [{ name: 'kind_total', expression: '{kind_slide} + 1', includeIntoResult: true }],
      pages: [
        {
          name: 'one',
          elements: [
            { type: 'radiogroup', name: 'kind_often', title: t('How often?'), choices: options(1, 2, 3, 'prefer_not_to_say', 'not_applicable'), showRefuseItem: true, showDontKnowItem: true },
            { type: 'ranking', name: 'kind_rank', title: t('Rank'), choices: options('a', 'b') },
            { type: 'multipletext', name: 'kind_box', title: t('Boxes'), items: [{ name: 'n', inputType: 'number' }, { name: 'words' }, { name: 'd', inputType: 'date' }] },
            { type: 'slider', name: 'kind_slide', title: t('Slide') },
            { type: 'expression', name: 'kind_double', title: t('Double'), expression: '{kind_slide} * 2' },
            { type: 'radiogroup', name: 'kind_where', title: t('Where?'), choices: options('home', 'away'), showOtherItem: true },
            { type: 'rating', name: 'kind_mood', title: t('Mood'), showCommentArea: true },
          ],
        },
      ],
    },
  }));
  const design: StudyDesign = { studyId: 'kinds', title: t('Kinds'), attributes: [], waves: [{ waveId: 'baseline', ordinal: 0, name: t('Baseline'), instruments: [kinds] }] };
  const planned = planVariables(design, { includeFreeText: true });
  const often = planned.long.find((v) => v.name === 'kind_often')!;

  it('keep a column with five kinds of non-answer numeric, declared missing in SPSS as their range', () => {
    expect(often.missingValues).toEqual([-9, -8, -6, -5, -7]);
    const row = Object.fromEntries(planned.long.map((v) => [v.name, v.type === 'numeric' ? 1 : 'x']));
    const folder = exportFolder(planned, { long: [{ ...row, kind_often: -6 }, { ...row, kind_often: 2 }], wide: [], scores: [] });

    const r = run('Rscript', ['-e', 'source("load.R"); cat(class(responses_long$kind_often), responses_long$kind_often, sep = ",")'], folder);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('numeric,NA,2');

    const out = runPspp(folder, [{ dataset: 'responses_long', variables: ['kind_often', 'kind_rank_a', 'kind_box_words', 'kind_double', 'kind_total', 'kind_where_other', 'kind_mood_comment'] }]);
    expect(out['responses_long.kind_often']).toMatch(/kind_often,\d+,How often\?,.*-9 THRU -5\n/);
    expect(out['responses_long.kind_often']).toContain(',-6[a],Refuse to answer\n');
    for (const name of ['kind_rank_a', 'kind_box_words', 'kind_double', 'kind_total', 'kind_where_other', 'kind_mood_comment']) expect(out[`responses_long.${name}`]).toContain(`${name},`);
  });
});
