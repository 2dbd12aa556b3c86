/**
 * survey-core's Welsh UI strings with our overrides (web/src/respondent/welsh-survey-strings.ts):
 * every `{placeholder}` must be the English string's own, or SurveyJS shows the raw template.
 */
import { englishStrings, surveyLocalization } from 'survey-core';
import 'survey-core/i18n/welsh';
import { describe, expect, it } from 'vitest';
import { applyWelshSurveyStrings, welshSurveyStringOverrides } from '../../web/src/respondent/welsh-survey-strings.js';

const placeholders = (text: string) => (text.match(/\{[^{}]*\}/g) ?? []).sort();

/** survey-core's own Welsh, as registered by survey-core/i18n/welsh. */
const upstream = { ...surveyLocalization.locales['cy'] } as Record<string, string>;
applyWelshSurveyStrings();
const welsh = surveyLocalization.locales['cy'] as Record<string, string>;
const english = englishStrings as Record<string, string>;

function placeholderMismatches(strings: Record<string, string>): string[] {
  return Object.keys(english)
    .filter((key) => key in strings && placeholders(strings[key]!).join() !== placeholders(english[key]!).join())
    .map((key) => `${key}: "${strings[key]}" vs "${english[key]}"`);
}

describe('Welsh SurveyJS strings', () => {
  it('keep every placeholder of the English string, and add none', () => {
    expect(placeholderMismatches(welsh)).toEqual([]);
  });

  it('catch a translated placeholder (survey-core 3.0.0 has one: {rhesTeitl})', () => {
    expect(placeholderMismatches(upstream)).toEqual([
      'rowNameTemplateTitle: "{rhesTeitl}" vs "{rowTitle}"',
    ]);
  });

  it('cover every English string', () => {
    expect(Object.keys(english).filter((key) => typeof welsh[key] !== 'string' || welsh[key]!.trim() === '')).toEqual([]);
  });

  it('override only strings that exist, each with its own placeholders', () => {
    for (const [key, text] of Object.entries(welshSurveyStringOverrides)) {
      expect(english, key).toHaveProperty(key);
      expect(placeholders(text), key).toEqual(placeholders(english[key]!));
    }
  });

  it('are applied over the machine translations', () => {
    expect(welsh.rowNameTemplateTitle).toBe('{rowTitle}');
    expect(welsh.noRowsText).not.toMatch(/ffraeau/);
    expect(welsh.modalApplyButtonText).not.toBe('Cynnig');
    expect(upstream.rowNameTemplateTitle).toBe('{rhesTeitl}');
  });
});
