import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileOfReference } from '../../cli/instrument-files.js';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import { diffInstruments } from '../../functions/domain/instrument-diff.js';
import { versionChangeWarnings } from '../../functions/domain/wave-instruments.js';
import type { InstrumentFile } from '../../functions/domain/instrument.js';

const ons4 = loadInstrumentText(readFileSync(fileOfReference('ons4@1.0.0'), 'utf8'), 'ons4');

/** A next version of ONS4 with `edit` applied to a copy. */
function nextVersion(edit: (file: any) => void): InstrumentFile {
  const next = structuredClone(ons4) as any;
  next.version = '1.1.0';
  edit(next);
  return next;
}

const elements = (file: any) => file.survey.pages[0].elements;

describe('diffing two instrument versions', () => {
  it('finds nothing between identical content', () => {
    const diff = diffInstruments(ons4, nextVersion(() => {}));

    expect(diff.items).toEqual([]);
    expect(diff.scales.every((s) => s.verdict === 'comparable')).toBe(true);
  });

  it('reports questions newly marked, or no longer marked, as identifying', () => {
    const marked = nextVersion((f) => (f.privacy = { quasiIdentifiers: ['ons4_happiness'], ages: ['ons4_worthwhile'] }));
    expect(diffInstruments(ons4, marked).privacy).toEqual([
      'ons4_happiness is now marked as a quasi-identifier (small-cell protection in exports)',
      'ons4_worthwhile is now marked as an age (exported only as a band)',
    ]);
    expect(diffInstruments(marked, ons4).privacy).toEqual([
      'ons4_happiness is no longer marked as a quasi-identifier (small-cell protection in exports)',
      'ons4_worthwhile is no longer marked as an age (exported only as a band)',
    ]);
    expect(diffInstruments(ons4, nextVersion(() => {})).privacy).toEqual([]);
  });

  it('reports questions made skippable or required, and keeps their scales comparable (the shipped ONS4 1.1.0 lets every item be skipped)', () => {
    const shipped = loadInstrumentText(readFileSync(fileOfReference('ons4@1.1.0'), 'utf8'), 'ons4');
    const diff = diffInstruments(ons4, shipped);
    const conditional = nextVersion((f) => {
      delete elements(f)[0].isRequired;
      elements(f)[1].isRequired = false;
      elements(f)[1].requiredIf = '{ons4_life_satisfaction} notempty';
    });

    expect(diff.answerRules).toEqual(
      ['ons4_life_satisfaction', 'ons4_worthwhile', 'ons4_happiness', 'ons4_anxiety'].map((name) => `${name} may now be skipped (it was required): more of its answers may be missing`),
    );
    expect(diff.scales.filter((s) => s.verdict === 'not-comparable')).toEqual([]);
    expect(diffInstruments(conditional, ons4).answerRules).toEqual([
      'ons4_life_satisfaction is now required (it was optional)',
      'ons4_worthwhile is now required (it was required when {ons4_life_satisfaction} notempty)',
    ]);
    expect(diffInstruments(ons4, nextVersion(() => {})).answerRules).toEqual([]);
  });

  it('reports a reworded item and keeps its scale comparable, with a prompt to check', () => {
    const diff = diffInstruments(ons4, nextVersion((f) => (elements(f)[2].title.en = 'How happy were you yesterday?')));

    expect(diff.items).toEqual([{ name: 'ons4_happiness', kind: 'reworded', what: ['title'] }]);
    expect(diff.scales.find((s) => s.scaleId === 'happiness')).toMatchObject({ verdict: 'comparable-but-reworded' });
    expect(diff.scales.find((s) => s.scaleId === 'anxiety')).toMatchObject({ verdict: 'comparable' });
  });

  it('reports a rescored item and makes its scale not comparable', () => {
    const diff = diffInstruments(
      ons4,
      nextVersion((f) => {
        elements(f)[0].rateMax = 5;
        f.scales[0].itemValues.max = 5;
        f.scales[0].scoreRange.max = 5;
        f.scales[0].bands = [];
      }),
    );

    expect(diff.items).toContainEqual({ name: 'ons4_life_satisfaction', kind: 'rescored', what: ['answer values'] });
    expect(diff.scales.find((s) => s.scaleId === 'life_satisfaction')).toMatchObject({
      verdict: 'not-comparable',
      reasons: expect.arrayContaining(['its item values changed', 'items rescored: ons4_life_satisfaction']),
    });
  });

  it('reports added and removed items and scales', () => {
    const diff = diffInstruments(
      ons4,
      nextVersion((f) => {
        f.survey.pages[0].elements = elements(f).filter((e: { name: string }) => e.name !== 'ons4_anxiety');
        f.scales.pop();
        elements(f).push({ type: 'comment', name: 'ons4_note', title: { en: 'Anything else?', cy: 'Unrhyw beth arall?' } });
      }),
    );

    expect(diff.items).toEqual(
      expect.arrayContaining([
        { name: 'ons4_anxiety', kind: 'removed' },
        { name: 'ons4_note', kind: 'added' },
      ]),
    );
    expect(diff.scales.find((s) => s.scaleId === 'anxiety')).toMatchObject({ verdict: 'removed' });
  });

  it('makes a scale not comparable when its conversion or reverse items change', () => {
    const diff = diffInstruments(ons4, nextVersion((f) => (f.scales[1].minimumAnswered = 2)));

    expect(diff.scales.find((s) => s.scaleId === 'worthwhile')).toMatchObject({ verdict: 'not-comparable', reasons: ['its minimum answered items changed'] });
  });
});

describe('a follow-up wave pinning another version than baseline', () => {
  it('is warned which scales can no longer be compared', () => {
    const rescored = nextVersion((f) => {
      elements(f)[0].rateMax = 5;
      f.scales[0].itemValues.max = 5;
      f.scales[0].scoreRange.max = 5;
      f.scales[0].bands = [];
    });

    const warnings = versionChangeWarnings([ons4], { waveId: 'follow-up-1', instruments: [rescored] });

    expect(warnings).toEqual([
      expect.objectContaining({ instrumentId: 'ons4', baselineVersion: '1.0.0', waveVersion: '1.1.0', notComparable: [expect.objectContaining({ scaleId: 'life_satisfaction' })] }),
    ]);
  });

  it('gets no warning when it pins the baseline version', () => {
    expect(versionChangeWarnings([ons4], { waveId: 'follow-up-1', instruments: [ons4] })).toEqual([]);
  });
});

describe('the SurveyJS packages', () => {
  it('are pinned to one exact version together (survey-react-ui requires its survey-core exactly)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

    expect(pkg.dependencies['survey-core']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies['survey-react-ui']).toBe(pkg.dependencies['survey-core']);
  });
});
