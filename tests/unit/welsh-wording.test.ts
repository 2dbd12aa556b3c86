/**
 * The Welsh a respondent reads, all of it: the page's own strings,
 * survey-core's (with Pont's overrides), the demo consent and support
 * contacts, and every shipped instrument at its latest version. One register,
 * one first-person form, one kind of apostrophe, and the corrections the
 * Welsh review asked for (issue #23) stay made.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { surveyLocalization } from 'survey-core';
import 'survey-core/i18n/welsh';
import { describe, expect, it } from 'vitest';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import { DEMO_CONSENT_TEXT, DEMO_SUPPORT_CONTACTS, latestShippedPins } from '../../infra/local/seed.js';
import { firstScreenStrings } from '../../web/src/i18n.js';
import { laterStrings } from '../../web/src/respondent/strings-after-first-screen.js';
import { applyWelshSurveyStrings } from '../../web/src/respondent/welsh-survey-strings.js';

const INSTRUMENTS_DIR = join(import.meta.dirname, '../../instruments');

/** Every { en, cy } text in a JSON value: its Welsh, with where it is. */
function welshIn(value: unknown, where: string): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => welshIn(item, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record['cy'] === 'string' && typeof record['en'] === 'string') return [[where, record['cy']]];
  return Object.entries(record).flatMap(([key, item]) => welshIn(item, `${where}.${key}`));
}

function latestShippedWelsh(): [string, string][] {
  return latestShippedPins(INSTRUMENTS_DIR).flatMap(({ id, version }) => {
    const file = join(INSTRUMENTS_DIR, id, `${version}.json`);
    const instrument = loadInstrumentText(readFileSync(file, 'utf8'), file);
    return welshIn({ title: instrument.respondentTitle ?? instrument.title, survey: instrument.survey }, `${id}@${version}`);
  });
}

applyWelshSurveyStrings();
const surveyCoreWelsh = Object.entries(surveyLocalization.locales['cy'] as Record<string, unknown>)
  .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  .map(([key, text]): [string, string] => [`survey-core ${key}`, text]);

const everyWelshText: [string, string][] = [
  ...Object.entries(firstScreenStrings.cy).map(([key, text]): [string, string] => [`page ${key}`, text]),
  ...Object.entries(laterStrings.cy).map(([key, text]): [string, string] => [`page ${key}`, text]),
  ...surveyCoreWelsh,
  ['demo consent', DEMO_CONSENT_TEXT.cy],
  ...welshIn(DEMO_SUPPORT_CONTACTS, 'demo support contacts'),
  ...latestShippedWelsh(),
];

const wherever = (pattern: RegExp) => everyWelshText.filter(([, text]) => pattern.test(text)).map(([where, text]) => `${where}: ${text}`);

describe('the Welsh a respondent reads', () => {
  it('is all gathered here (the page, survey-core, the demo study and every shipped instrument)', () => {
    expect(everyWelshText.length).toBeGreaterThan(300);
    expect(everyWelshText.some(([where]) => where.startsWith('ons4@'))).toBe(true);
  });

  it('uses one kind of apostrophe (the straight one)', () => {
    expect(wherever(/’/)).toEqual([]);
  });

  it('uses one first-person form: "Rydw i" / "Dydw i", never "Dw i", "Dwi" or "Rwy"', () => {
    expect(wherever(/\b(Dw i|Dwi|Rwy|Rwyf|Wi'n)\b/i)).toEqual([]);
    expect(wherever(/\bRydw i\b/).length).toBeGreaterThan(0);
  });

  it('keeps the "chi" register: no "ti" forms', () => {
    expect(wherever(/\b(ti|dy|wyt|gen ti|arnat)\b/i)).toEqual([]);
  });

  it('keeps the corrections of the Welsh review', () => {
    expect(wherever(/hepgor/)).toEqual([]);
    expect(wherever(/lle mae dim yn golygu/)).toEqual([]);
    expect(wherever(/treulio'r mwyaf/)).toEqual([]);
    expect(wherever(/gofyn i bobl ifanc/)).toEqual([]);
    expect(wherever(/Llinell gymorth am ddim a chyfrinachol/)).toEqual([]);
    expect((surveyLocalization.locales['cy'] as Record<string, string>)['ratingOptionsCaption']).toBe('Dewiswch...');
  });
});
