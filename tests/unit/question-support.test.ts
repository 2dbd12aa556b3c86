/**
 * The coverage test: one instrument per row of functions/domain/question-support.ts (every SurveyJS
 * question type, and the properties that change what is stored). A refused row is refused by instrument
 * validate at its JSON path; a supported row passes validate, a valid answer is accepted as a submission, an
 * invalid one is refused (or, for computed values, replaced), and the export lays the answers out in named
 * columns with codebook entries. The README's table is the module's, word for word.
 */
import { readFileSync } from 'node:fs';
import { ElementFactory, Serializer } from 'survey-core';
import { describe, expect, it } from 'vitest';
import { README_FILE, withSupportTable } from '../../cli/instrument-files.js';
import { checkAnswers } from '../../functions/domain/answer-validation.js';
import { codebookEntries } from '../../functions/domain/export/codebook.js';
import { encodeItemValue, planVariables, type StudyDesign } from '../../functions/domain/export/variables.js';
import { checkInstrument } from '../../functions/domain/instrument-check.js';
import { OLDER_NAMES } from '../../functions/domain/instrument-questions.js';
import type { InstrumentVersion } from '../../functions/domain/instrument.js';
import { entryOf, PRESENTATION_PROPERTIES, PROPERTIES, QUESTION_TYPES, supportProblems, type SupportEntryId, typeEntryOf } from '../../functions/domain/question-support.js';
import { testInstrumentFile } from '../support/instrument-file.js';

const t = (en: string) => ({ en, cy: `${en} (cy)` });
const choices = (...values: (string | number)[]) => values.map((value) => ({ value, text: t(String(value)) }));
const question = (type: string, name: string, more: Record<string, unknown> = {}) => ({ type, name, title: t(name), ...more });
const PICTURE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
/** Pictures are localisable texts: one per language. */
const pictures = { en: PICTURE, cy: PICTURE };

type Answers = Record<string, unknown>;
type Cell = string | number | null;

type Shape = {
  /** The page's elements. */
  elements: Record<string, unknown>[];
  /** Survey properties beside the page. */
  survey?: Record<string, unknown>;
};
type Supported = Shape & {
  valid: Answers;
  /** Answers refused as a submission, each at its path. */
  invalid: { answers: Answers; path: string }[];
  /** Computed values: what the device sends is replaced by the server's own. */
  tampered?: { answers: Answers; kept: Answers };
  /** Every item column the export makes (free text included), with the valid answer's cell. */
  columns: Record<string, Cell>;
};
type Refused = Shape & { refusedAt: string };
type Case = Supported | Refused;

const at = (index: number, rest = '') => `survey.pages[0].elements[${index}]${rest}`;
const refusedAt = (path: string, elements: Record<string, unknown>[], survey?: Record<string, unknown>): Refused => ({ elements, refusedAt: path, ...(survey && { survey }) });

const CASES = {
  // ---- question types --------------------------------------------------------------------------
  radiogroup: {
    elements: [question('rg', 'rg', { type: 'radiogroup', choices: choices(1, 2, 3, 'prefer_not_to_say') })],
    valid: { rg: 2 },
    invalid: [{ answers: { rg: 4 }, path: 'rg' }],
    columns: { rg: 2 },
  },
  dropdown: {
    elements: [question('dropdown', 'dd', { choices: choices('a', 'b') })],
    valid: { dd: 'b' },
    invalid: [{ answers: { dd: 'c' }, path: 'dd' }],
    columns: { dd: 'b' },
  },
  checkbox: {
    elements: [question('checkbox', 'cb', { choices: choices('a', 'b', 'c'), showNoneItem: true })],
    valid: { cb: ['a', 'c'] },
    invalid: [
      { answers: { cb: ['none', 'a'] }, path: 'cb' },
      { answers: { cb: ['a', 'a'] }, path: 'cb' },
      { answers: { cb: ['d'] }, path: 'cb' },
    ],
    columns: { cb_a: 1, cb_b: 0, cb_c: 1, cb_none: 0 },
  },
  tagbox: {
    elements: [question('tagbox', 'tg', { choices: choices('a', 'b') })],
    valid: { tg: ['b'] },
    invalid: [{ answers: { tg: ['b', 'b'] }, path: 'tg' }],
    columns: { tg_a: 0, tg_b: 1 },
  },
  imagepicker: {
    elements: [
      question('imagepicker', 'ip', { choices: [{ value: 'cat', text: t('Cat'), imageLink: pictures }, { value: 'owl', text: t('Owl'), imageLink: pictures }] }),
      question('imagepicker', 'ipm', { multiSelect: true, choices: [{ value: 'cat', text: t('Cat'), imageLink: pictures }, { value: 'owl', text: t('Owl'), imageLink: pictures }] }),
    ],
    valid: { ip: 'cat', ipm: ['owl'] },
    invalid: [
      { answers: { ip: 'dog' }, path: 'ip' },
      { answers: { ipm: ['owl', 'dog'] }, path: 'ipm' },
    ],
    columns: { ip: 'cat', ipm_cat: 0, ipm_owl: 1 },
  },
  ranking: {
    elements: [question('ranking', 'rk', { choices: choices('a', 'b', 'c') })],
    valid: { rk: ['c', 'a', 'b'] },
    invalid: [
      { answers: { rk: ['a', 'b'] }, path: 'rk' },
      { answers: { rk: ['a', 'b', 'b'] }, path: 'rk' },
    ],
    columns: { rk_a: 2, rk_b: 3, rk_c: 1 },
  },
  rating: {
    elements: [question('rating', 'rt', { rateMin: 1, rateMax: 5 })],
    valid: { rt: 4 },
    invalid: [{ answers: { rt: 6 }, path: 'rt' }],
    columns: { rt: 4 },
  },
  slider: {
    elements: [question('slider', 'sl', { min: 0, max: 100, step: 5, customLabels: [{ value: 0, text: t('Never') }, { value: 100, text: t('Always') }] })],
    valid: { sl: 35 },
    invalid: [
      { answers: { sl: 500 }, path: 'sl' },
      { answers: { sl: 'abc' }, path: 'sl' },
      { answers: { sl: 37 }, path: 'sl' },
    ],
    columns: { sl: 35 },
  },
  boolean: {
    elements: [question('boolean', 'bl')],
    valid: { bl: true },
    invalid: [{ answers: { bl: 'maybe' }, path: 'bl' }],
    columns: { bl: 1 },
  },
  matrix: {
    elements: [question('matrix', 'mx', { rows: choices('r1', 'r2'), columns: choices(1, 2, 3) })],
    valid: { mx: { r1: 1, r2: 3 } },
    invalid: [{ answers: { mx: { r3: 1 } }, path: 'mx' }],
    columns: { mx_r1: 1, mx_r2: 3 },
  },
  multipletext: {
    elements: [
      question('multipletext', 'mt', {
        items: [
          { name: 'name', title: t('Name') },
          { name: 'age', title: t('Age'), inputType: 'number' },
          { name: 'moved', title: t('Moved'), inputType: 'date' },
        ],
      }),
    ],
    valid: { mt: { name: 'Sam', age: 19, moved: '2025-06-01' } },
    invalid: [
      { answers: { mt: { age: 'nineteen' } }, path: 'mt' },
      { answers: { mt: { moved: 'last summer' } }, path: 'mt' },
    ],
    columns: { mt_name: 'Sam', mt_age: 19, mt_moved: '2025-06' },
  },
  text: {
    elements: [question('text', 'tx', { maxLength: 20 }), question('text', 'tm', { inputType: 'email' })],
    valid: { tx: 'hello', tm: 'sam@example.org' },
    invalid: [
      { answers: { tx: 'x'.repeat(21) }, path: 'tx' },
      { answers: { tm: 'not an address' }, path: 'tm' },
    ],
    columns: { tx: 'hello', tm: 'sam@example.org' },
  },
  textNumber: {
    elements: [question('text', 'tn', { inputType: 'number', min: 0, max: 10 })],
    valid: { tn: 7 },
    invalid: [
      { answers: { tn: 'seven' }, path: 'tn' },
      { answers: { tn: 11 }, path: 'tn' },
    ],
    columns: { tn: 7 },
  },
  textDate: {
    elements: [question('text', 'td', { inputType: 'date' }), question('text', 'tw', { inputType: 'week' })],
    valid: { td: '2026-01-15', tw: '2026-W53' },
    invalid: [
      { answers: { td: '2026-13-01' }, path: 'td' },
      { answers: { td: 'soon' }, path: 'td' },
      { answers: { tw: '2025-W53' }, path: 'tw' },
    ],
    columns: { td: '2026-01', tw: '2026-12' },
  },
  textTime: {
    elements: [question('text', 'tt', { inputType: 'time' })],
    valid: { tt: '14:05' },
    invalid: [{ answers: { tt: '25:00' }, path: 'tt' }],
    columns: { tt: '14:05' },
  },
  textColor: {
    elements: [question('text', 'tc', { inputType: 'color' })],
    valid: { tc: '#1a2b3c' },
    invalid: [{ answers: { tc: 'red' }, path: 'tc' }],
    columns: { tc: '#1a2b3c' },
  },
  textPassword: refusedAt(at(0), [question('text', 'pw', { inputType: 'password' })]),
  comment: {
    elements: [question('comment', 'cm', { maxLength: 50 })],
    valid: { cm: 'fine\nthanks' },
    invalid: [{ answers: { cm: 'x'.repeat(51) }, path: 'cm' }],
    columns: { cm: 'fine thanks' },
  },
  expression: {
    elements: [question('rating', 'er', { rateMin: 1, rateMax: 5 }), question('expression', 'ex', { expression: '{er} * 2' })],
    valid: { er: 3 },
    invalid: [{ answers: { er: 7 }, path: 'er' }],
    tampered: { answers: { er: 3, ex: 999 }, kept: { er: 3, ex: 6 } },
    columns: { er: 3, ex: 6 },
  },
  html: {
    elements: [question('rating', 'hr'), { type: 'html', name: 'ht', html: t('<p>Hello</p>') }],
    valid: { hr: 2 },
    invalid: [{ answers: { hr: 2, ht: 'x' }, path: 'ht' }],
    columns: { hr: 2 },
  },
  image: {
    elements: [question('rating', 'ir'), { type: 'image', name: 'im', imageLink: pictures, altText: t('A dot') }],
    valid: { ir: 2 },
    invalid: [{ answers: { ir: 2, im: 'x' }, path: 'im' }],
    columns: { ir: 2 },
  },
  panel: {
    elements: [question('rating', 'pa'), { type: 'panel', name: 'pn', visibleIf: '{pa} > 2', elements: [question('text', 'pt')] }],
    valid: { pa: 3, pt: 'yes' },
    invalid: [{ answers: { pa: 1, pt: 'hidden' }, path: 'pt' }],
    columns: { pa: 3, pt: 'yes' },
  },
  matrixdropdown: refusedAt(at(0), [question('matrixdropdown', 'md', { rows: choices('r1', 'r2', 'r3'), columns: [{ name: 'c1', cellType: 'text' }], choices: choices(1, 2) })]),
  matrixdynamic: refusedAt(at(0), [question('matrixdynamic', 'mdy', { columns: [{ name: 'c1', cellType: 'text' }] })]),
  paneldynamic: refusedAt(at(0), [question('paneldynamic', 'pd', { panelCount: 2, templateElements: [question('text', 'who')] })]),
  file: refusedAt(at(0), [question('file', 'fl')]),
  signaturepad: refusedAt(at(0), [question('signaturepad', 'sg')]),
  unknown: refusedAt(at(0), [question('my-widget', 'mw')]),

  // ---- properties ------------------------------------------------------------------------------
  visibleIf: {
    elements: [question('rating', 'v1'), question('text', 'v2', { visibleIf: '{v1} = 1' })],
    valid: { v1: 1, v2: 'shown' },
    invalid: [{ answers: { v1: 2, v2: 'hidden' }, path: 'v2' }],
    columns: { v1: 1, v2: 'shown' },
  },
  enableIf: {
    elements: [question('rating', 'e1'), question('text', 'e2', { enableIf: '{e1} = 1' }), question('text', 'e3', { readOnly: true, defaultValue: 'set' })],
    valid: { e1: 1, e2: 'open', e3: 'set' },
    invalid: [
      { answers: { e1: 2, e2: 'closed' }, path: 'e2' },
      { answers: { e1: 1, e3: 'changed' }, path: 'e3' },
    ],
    columns: { e1: 1, e2: 'open', e3: 'set' },
  },
  requiredIf: {
    elements: [question('rating', 'r1', { isRequired: true }), question('text', 'r2', { requiredIf: '{r1} = 1' })],
    valid: { r1: 1, r2: 'given' },
    invalid: [
      { answers: { r1: 1 }, path: 'r2' },
      { answers: { r2: 'given' }, path: 'r1' },
    ],
    columns: { r1: 1, r2: 'given' },
  },
  validators: {
    elements: [question('text', 'vl', { validators: [{ type: 'regex', regex: '^[A-Z]{2}$', text: t('Two capitals') }] })],
    valid: { vl: 'AB' },
    invalid: [{ answers: { vl: 'abc' }, path: 'vl' }],
    columns: { vl: 'AB' },
  },
  choicesVisibleIf: {
    elements: [question('rating', 'cv1'), question('checkbox', 'cv2', { choices: [{ value: 'a', text: t('A') }, { value: 'b', text: t('B'), visibleIf: '{cv1} = 1' }] })],
    valid: { cv1: 1, cv2: ['b'] },
    invalid: [{ answers: { cv1: 2, cv2: ['b'] }, path: 'cv2' }],
    columns: { cv1: 1, cv2_a: 0, cv2_b: 1 },
  },
  choicesEnableIf: {
    elements: [question('radiogroup', 'ce', { choices: choices('a', 'b'), choicesEnableIf: "{item} != 'b'" })],
    valid: { ce: 'a' },
    invalid: [{ answers: { ce: 'c' }, path: 'ce' }],
    columns: { ce: 'a' },
  },
  showOtherItem: {
    elements: [question('radiogroup', 'ot', { choices: choices(1, 2), showOtherItem: true })],
    valid: { ot: 'other', 'ot-Comment': 'mine' },
    invalid: [
      { answers: { ot: 1, 'ot-Comment': 'left over' }, path: 'ot-Comment' },
      { answers: { ot: 'other', 'ot-Comment': 'x'.repeat(10_001) }, path: 'ot-Comment' },
    ],
    columns: { ot: 'other', ot_other: 'mine' },
  },
  otherWithComment: refusedAt(at(0), [question('radiogroup', 'oc', { choices: choices(1, 2), showOtherItem: true, showCommentArea: true })]),
  storeOthersAsComment: refusedAt('survey.storeOthersAsComment', [question('radiogroup', 'so', { choices: choices(1, 2), showOtherItem: true })], { storeOthersAsComment: false }),
  showNoneItem: {
    elements: [question('checkbox', 'nn', { choices: [...choices('a'), { value: 'b', text: t('b'), isExclusive: true }], showNoneItem: true, showSelectAllItem: true })],
    valid: { nn: ['none'] },
    invalid: [
      { answers: { nn: ['none', 'a'] }, path: 'nn' },
      { answers: { nn: ['b', 'a'] }, path: 'nn' },
    ],
    columns: { nn_a: 0, nn_b: 0, nn_none: 1 },
  },
  showRefuseItem: {
    elements: [question('radiogroup', 'rf', { choices: choices(1, 2, 3), showRefuseItem: true, showDontKnowItem: true })],
    valid: { rf: 'dontknow' },
    invalid: [{ answers: { rf: 'maybe' }, path: 'rf' }],
    columns: { rf: -5 },
  },
  nonAnswerKinds: refusedAt(at(0), [question('radiogroup', 'na', { choices: choices('yes', 'no', 'prefer_not_to_say'), showRefuseItem: true, showDontKnowItem: true })]),
  showCommentArea: {
    elements: [question('rating', 'ca', { showCommentArea: true })],
    valid: { ca: 2, 'ca-Comment': 'because' },
    invalid: [{ answers: { ca: 2, 'ca-Comment': 'x'.repeat(10_001) }, path: 'ca-Comment' }],
    columns: { ca: 2, ca_comment: 'because' },
  },
  choiceComment: refusedAt(at(0, '.choices[0].showCommentArea'), [question('radiogroup', 'cc', { choices: [{ value: 1, text: t('One'), showCommentArea: true }] })]),
  choicesFromQuestion: {
    elements: [question('checkbox', 'src', { choices: choices('a', 'b', 'c') }), question('radiogroup', 'best', { choicesFromQuestion: 'src', choicesFromQuestionMode: 'selected' })],
    valid: { src: ['a', 'b'], best: 'b' },
    invalid: [
      { answers: { src: ['a'], best: 'b' }, path: 'best' },
      { answers: { src: ['a'], best: 'z' }, path: 'best' },
    ],
    columns: { src_a: 1, src_b: 1, src_c: 0, best: 'b' },
  },
  choicesFromNowhere: refusedAt(at(0, '.choicesFromQuestion'), [question('radiogroup', 'cf', { choicesFromQuestion: 'nothing' })]),
  choiceValuesFromQuestion: refusedAt(at(1, '.choiceValuesFromQuestion'), [question('radiogroup', 'cs', { choices: choices('a') }), question('radiogroup', 'cvq', { choicesFromQuestion: 'cs', choiceValuesFromQuestion: 'x' })]),
  calculatedValues: {
    elements: [question('rating', 'c1'), question('rating', 'c2')],
    survey: { calculatedValues: [{ name: 'cv_sum', expression: '{c1} + {c2}', includeIntoResult: true }, { name: 'cv_kept_out', expression: '{c1} * 2' }] },
    valid: { c1: 2, c2: 3 },
    invalid: [{ answers: { c1: 2, cv_kept_out: 4 }, path: 'cv_kept_out' }],
    tampered: { answers: { c1: 2, c2: 3, cv_sum: 99 }, kept: { c1: 2, c2: 3, cv_sum: 5 } },
    columns: { c1: 2, c2: 3, cv_sum: 5 },
  },
  calculatedNamedLikeAQuestion: refusedAt('survey.calculatedValues[0].name', [question('rating', 'twice')], { calculatedValues: [{ name: 'twice', expression: '1', includeIntoResult: true }] }),
  triggers: refusedAt('survey.triggers', [question('rating', 'tr')], { triggers: [{ type: 'setvalue', expression: '{tr} = 1', setToName: 'tr', setValue: 2 }] }),
  defaultValue: {
    elements: [question('radiogroup', 'dv', { choices: choices('a', 'b'), defaultValue: 'b' })],
    valid: { dv: 'b' },
    invalid: [{ answers: { dv: 'c' }, path: 'dv' }],
    columns: { dv: 'b' },
  },
  defaultValueInvalid: refusedAt(at(0, '.defaultValue'), [question('radiogroup', 'dvi', { choices: choices('a', 'b'), defaultValue: 'z' })]),
  valueExpressions: refusedAt(at(1, '.setValueExpression'), [question('rating', 've1'), question('text', 've2', { setValueIf: '{ve1} = 1', setValueExpression: "'one'" })]),
  bindings: refusedAt(at(0, '.bindings'), [question('rating', 'bd', { bindings: { panelCount: 'x' } })]),
  choicesByUrl: refusedAt(at(0, '.choicesByUrl'), [question('dropdown', 'cu', { choicesByUrl: { url: 'https://example.org/choices.json' } })]),
  allowCustomChoices: refusedAt(at(0, '.allowCustomChoices'), [question('tagbox', 'ac', { choices: choices('a'), allowCustomChoices: true })]),
  choicesLazyLoadEnabled: refusedAt(at(0, '.choicesLazyLoadEnabled'), [question('dropdown', 'll', { choicesLazyLoadEnabled: true })]),
  valuePropertyName: refusedAt(at(0, '.valuePropertyName'), [question('checkbox', 'vp', { choices: choices('a'), valuePropertyName: 'fruit' })]),
  limits: {
    elements: [question('text', 'lm', { inputType: 'number', min: 1, max: 5, step: 0.5 }), question('text', 'lx'), question('text', 'ld', { inputType: 'date', min: '2020-01-01' })],
    survey: { maxTextLength: 10 },
    valid: { lm: 4.5, lx: 'short', ld: '2021-02-03' },
    invalid: [
      { answers: { lm: 6 }, path: 'lm' },
      { answers: { lm: 4.2 }, path: 'lm' },
      { answers: { lx: 'much too long' }, path: 'lx' },
      { answers: { ld: '2019-12-31' }, path: 'ld' },
    ],
    columns: { lm: 4.5, lx: 'short', ld: '2021-02' },
  },
  limitExpressions: refusedAt(at(0, '.maxValueExpression'), [question('text', 'le', { inputType: 'number', maxValueExpression: '10' })]),
  maskType: refusedAt(at(0, '.maskType'), [question('text', 'mk', { maskType: 'pattern', maskSettings: { pattern: '99-99' } })]),
  selectedChoices: {
    elements: [question('checkbox', 'sc', { choices: choices('a', 'b', 'c'), minSelectedChoices: 2, maxSelectedChoices: 2 })],
    valid: { sc: ['a', 'b'] },
    invalid: [
      { answers: { sc: ['a'] }, path: 'sc' },
      { answers: { sc: ['a', 'b', 'c'] }, path: 'sc' },
    ],
    columns: { sc_a: 1, sc_b: 1, sc_c: 0 },
  },
  choicesMin: {
    elements: [question('dropdown', 'cn', { choicesMin: 1, choicesMax: 5, choicesStep: 2 })],
    valid: { cn: 3 },
    invalid: [{ answers: { cn: 2 }, path: 'cn' }],
    columns: { cn: 3 },
  },
  sliderRange: refusedAt(at(0, '.sliderType'), [question('slider', 'sr', { sliderType: 'range' })]),
  selectToRank: refusedAt(at(0, '.selectToRankEnabled'), [question('ranking', 'sr', { choices: choices('a', 'b'), selectToRankEnabled: true })]),
  rankingItems: refusedAt(at(0), [question('ranking', 'ri', { choices: choices('a', 'b'), showNoneItem: true })]),
  matrixCheckboxCells: refusedAt(at(0, '.cellType'), [question('matrix', 'mc', { rows: choices('r1'), columns: choices(1, 2), cellType: 'checkbox' })]),
  remotePictures: refusedAt(at(0, '.imageLink'), [{ type: 'image', name: 'rp', imageLink: 'https://example.org/cat.png', altText: t('A cat') }]),
  navigateToUrl: refusedAt('survey.navigateToUrl', [question('rating', 'nu')], { navigateToUrl: 'https://example.org/' }),
  surveyService: refusedAt('survey.surveyPostId', [question('rating', 'ss')], { surveyPostId: '0000' }),
  displayOnly: refusedAt('survey.mode', [question('rating', 'do')], { mode: 'display' }),
  timeLimit: refusedAt('survey.timeLimit', [question('rating', 'tl')], { timeLimit: 60 }),
  clearInvisibleNone: refusedAt('survey.clearInvisibleValues', [question('rating', 'ci')], { clearInvisibleValues: 'none' }),
  structure: {
    elements: [question('rating', 'st', { valueName: 'st_stored' })],
    valid: { st_stored: 2 },
    invalid: [{ answers: { st: 2 }, path: 'st' }],
    columns: { st_stored: 2 },
  },
  presentation: {
    elements: [question('radiogroup', 'pr', { choices: choices(1, 2, 3), colCount: 3, choicesOrder: 'random', titleLocation: 'left', description: t('Pick one'), separateSpecialChoices: true })],
    survey: { showProgressBar: 'top', questionsOnPageMode: 'questionPerPage', completeText: t('Send') },
    valid: { pr: 3 },
    invalid: [{ answers: { pr: 9 }, path: 'pr' }],
    columns: { pr: 3 },
  },
} satisfies Record<SupportEntryId, Case>;

function fileOf(id: string, shape: Shape) {
  return testInstrumentFile({ id: `row-${id.toLowerCase()}`, survey: { ...shape.survey, pages: [{ name: 'only', elements: shape.elements }] } });
}

function oneWave(instrument: InstrumentVersion): StudyDesign {
  return { studyId: 'coverage', title: t('Coverage'), attributes: [], waves: [{ waveId: 'baseline', ordinal: 0, name: t('Baseline'), instruments: [instrument] }] };
}

/** Each row's instrument, checked once: several tests read it. */
const checkedRows = new Map<string, ReturnType<typeof checkInstrument>>();
function checkedRow(id: SupportEntryId, shape: Shape) {
  if (!checkedRows.has(id)) checkedRows.set(id, checkInstrument(fileOf(id, shape)));
  return checkedRows.get(id)!;
}

const rows = Object.entries(CASES) as [SupportEntryId, Case][];
const supportedRows = rows.filter((row): row is [SupportEntryId, Supported] => 'valid' in row[1]);
const refusedRows = rows.filter((row): row is [SupportEntryId, Refused] => 'refusedAt' in row[1]);

describe('every row of the coverage table', () => {
  it('has its instrument here, with the verdict the table gives', () => {
    for (const [id, shape] of rows) expect('valid' in shape ? 'supported' : 'refused', id).toBe(entryOf(id).verdict);
  });

  it.each(refusedRows)('%s: refused by instrument validate at its JSON path, with the reason', (id, shape) => {
    const check = checkedRow(id, shape);

    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems).toContainEqual({ path: shape.refusedAt, message: expect.stringContaining(`Pont cannot run ${entryOf(id).name}`) });
  });

  it.each(supportedRows)('%s: passes validate; a valid answer is kept, an invalid one refused; the export lays it out with a codebook', (id, shape) => {
    const check = checkedRow(id, shape);
    expect(check.ok ? [] : check.problems).toEqual([]);
    const instrument = (check as { instrument: InstrumentVersion }).instrument;
    const submit = (answers: Answers) => checkAnswers(instrument, answers, { complete: true, language: 'cy' });

    const accepted = submit(shape.valid);
    expect(accepted.problems).toEqual([]);
    for (const invalid of shape.invalid) expect(submit(invalid.answers).problems.map((p) => p.path), JSON.stringify(invalid.answers)).toContain(invalid.path);
    if (shape.tampered) {
      const tampered = submit(shape.tampered.answers);
      expect(tampered).toEqual({ problems: [], answers: shape.tampered.kept });
    }

    const plan = planVariables(oneWave(instrument), { includeFreeText: true });
    const items = plan.long.filter((v) => v.kind === 'item');
    expect(items.map((v) => v.name)).toEqual(Object.keys(shape.columns));
    const cells = Object.fromEntries(items.map((v) => [v.name, encodeItemValue(v, accepted.answers[v.value.from === 'item' ? v.value.itemName : ''])]));
    expect(cells).toEqual(shape.columns);
    const codebook = codebookEntries(plan);
    for (const variable of items) {
      const entry = codebook.find((e) => e.variable.name === variable.name)?.variable;
      expect(entry?.label.en, variable.name).toBeTruthy();
      expect(entry?.label.cy, variable.name).toBeTruthy();
    }
  });
});

describe('free text in every row', () => {
  it('is left out of the export unless asked for: text, dates, boxes of text, "other" words and comments', () => {
    for (const [id, shape] of supportedRows) {
      const check = checkedRow(id, shape);
      const instrument = (check as { instrument: InstrumentVersion }).instrument;
      const items = (includeFreeText: boolean) => planVariables(oneWave(instrument), { includeFreeText }).long.filter((v) => v.kind === 'item');
      const all = items(true);
      const words = all.filter((v) => v.value.from === 'item' && ['text', 'month'].includes(v.value.coding?.kind ?? 'value'));

      expect(items(false).map((v) => v.name), id).toEqual(all.filter((v) => !words.includes(v)).map((v) => v.name));
    }
  });
});

describe('the refusals', () => {
  it('name only their own row: each refused instrument has no other problem than its row\'s', () => {
    for (const [id, shape] of refusedRows) {
      const problems = supportProblems(fileOf(id, shape).survey);
      expect(new Set(problems.map((p) => p.entry)), id).toEqual(new Set([id === 'defaultValueInvalid' ? undefined : id].filter(Boolean)));
    }
  });

  it('leave matrices and panels with several rows without a duplicate-name problem', () => {
    for (const id of ['matrixdropdown', 'matrixdynamic', 'paneldynamic'] as const) {
      const check = checkedRow(id, CASES[id]);
      expect(!check.ok && check.problems.map((p) => p.message).join('\n'), id).not.toMatch(/two questions store their answer/);
    }
  });

  it('let a checkbox offer every kind of non-answer, each a 1/0 column of its own', () => {
    const survey = { pages: [{ elements: [question('checkbox', 'all', { choices: choices('yes', 'prefer_not_to_say', 'not_applicable'), showRefuseItem: true, showDontKnowItem: true })] }] };

    expect(supportProblems(survey)).toEqual([]);
  });

  it('find pictures from other sites in every language, on choices, and at the survey', () => {
    const problems = supportProblems({
      logo: { en: PICTURE, cy: 'https://example.org/logo.png' },
      pages: [{ elements: [question('imagepicker', 'ip', { choices: [{ value: 'a', imageLink: 'http://example.org/a.png' }] })] }],
    });

    expect(problems.map((p) => p.path)).toEqual(['survey.logo', 'survey.pages[0].elements[0].choices[0].imageLink']);
  });
});

describe('what the table covers', () => {
  it('every question type survey-core has', () => {
    for (const type of ElementFactory.Instance.getAllTypes()) {
      const entry = typeEntryOf({ type });
      expect(entry === 'unknown' ? `${type} has no row` : entry, type).not.toMatch(/has no row/);
    }
  });

  it('every property survey-core declares for what Pont runs: each is presentation or decided by a row', () => {
    const decided = new Set([...PRESENTATION_PROPERTIES, ...Object.values({ ...QUESTION_TYPES, ...PROPERTIES }).flatMap((entry) => entry.covers ?? [])]);
    const runs = Object.keys(QUESTION_TYPES).filter((type) => entryOf(type as SupportEntryId).verdict === 'supported' && Serializer.findClass(type));
    const classes = [...runs, 'survey', 'page', 'panel', 'choiceitem', 'checkboxitem', 'imageitemvalue', 'ratingitem', 'matrixcolumn', 'multipletextitem', 'calculatedvalue', 'sliderlabel', 'htmlconditionitem'];
    const validators = ['numericvalidator', 'textvalidator', 'answercountvalidator', 'regexvalidator', 'emailvalidator', 'expressionvalidator'];
    const undecided = [...classes, ...validators].flatMap((className) => Serializer.getProperties(className).map((p) => p.name).filter((name) => !decided.has(name)).map((name) => `${className}.${name}`));

    expect(undecided).toEqual([]);
  });

  it('reads the older property names survey-core still accepts', () => {
    for (const [name, older] of Object.entries(OLDER_NAMES)) {
      const holders = ['checkbox', 'question', 'survey', 'page', 'panel'].map((className) => Serializer.findProperty(className, name)).filter(Boolean);
      expect(holders.map((p) => (p as unknown as { alternativeName?: string }).alternativeName), name).toContain(older);
    }
  });
});

describe('the README', () => {
  it('shows the table this module makes (npm run pont -- instrument support-table)', () => {
    const readme = readFileSync(README_FILE, 'utf8');

    expect(withSupportTable(readme)).toBe(readme);
  });
});
