import { describe, expect, it } from 'vitest';
import { codebookCsv, codebookJson } from '../../functions/domain/export/codebook.js';
import {
  encodeItemValue,
  planVariables,
  SPECIAL_CODES,
  type DatasetVariables,
  type StudyDesign,
  type Variable,
} from '../../functions/domain/export/variables.js';
import { toInstrumentVersion, type InstrumentFile } from '../../functions/domain/instrument.js';
import { parseCsvRecords } from '../../functions/domain/participant-csv.js';
import {
  ADDED_ENGAGEMENT_ITEM,
  checkedInstrument,
  exportStudyDesign,
  layoutsInstrument,
  REMOVED_ENGAGEMENT_ITEM,
  shippedInstrument,
} from '../support/export-design.js';
import { testInstrumentFile } from '../support/instrument-file.js';

const names = (variables: readonly Variable[]) => variables.map((v) => v.name);
const find = (variables: readonly Variable[], name: string): Variable => {
  const variable = variables.find((v) => v.name === name);
  if (!variable) throw new Error(`no variable ${name}`);
  return variable;
};

const CONTEXT_ITEMS = ['ctx_age_band', 'ctx_gender', 'ctx_living_situation', 'ctx_local_authority', 'ctx_education_employment'];
const ONS4_ITEMS = ['ons4_life_satisfaction', 'ons4_worthwhile', 'ons4_happiness', 'ons4_anxiety'];
const SWEMWBS_ITEMS = ['swemwbs_optimistic', 'swemwbs_useful', 'swemwbs_relaxed', 'swemwbs_problems', 'swemwbs_thinking', 'swemwbs_close', 'swemwbs_own_mind'];
const ENGAGEMENT_ITEMS_0_1 = [
  'cle_listened_to',
  'cle_understood',
  'cle_views_count',
  'cle_pa_trust',
  'cle_sw_trust',
  'cle_workers_change',
  'cle_know_who_to_contact',
  'cle_get_replies',
  'cle_kept_informed',
  'cle_pathway_plan_say',
  'cle_treated_differently',
  'cle_rather_not_know',
  'cle_label_judged',
  'cle_lonely',
  'cle_people_to_count_on',
  'cle_mental_health_wait',
  'cle_housing_hard',
  'cle_other_services_hard',
];
const ENGAGEMENT_ITEMS_0_2 = ENGAGEMENT_ITEMS_0_1.map((item) => (item === REMOVED_ENGAGEMENT_ITEM ? ADDED_ENGAGEMENT_ITEM : item));
const ONS4_SCORES = (p: string, followUp: boolean) =>
  ['life_satisfaction', 'worthwhile', 'happiness', 'anxiety'].flatMap((scale) => [`${p}_${scale}_score`, `${p}_${scale}_band`, ...(followUp ? [`${p}_${scale}_change`] : [])]);

/** A design of one wave running the given instruments. */
function oneWave(...instruments: ReturnType<typeof shippedInstrument>[]): StudyDesign {
  return {
    studyId: 'one',
    title: { en: 'One', cy: 'Un' },
    attributes: [],
    waves: [{ waveId: 'baseline', ordinal: 0, name: { en: 'Baseline', cy: 'Llinell sylfaen' }, instruments }],
  };
}

/** A small valid instrument with the given elements and scales. */
function instrumentWith(id: string, elements: Record<string, unknown>[], scales: InstrumentFile['scales'] = undefined) {
  return checkedInstrument(testInstrumentFile({
    id,
    title: { en: id, cy: id },
    description: { en: 'Test', cy: 'Prawf' },
    survey: { pages: [{ name: 'p', elements }] },
    ...(scales && { scales }),
  }));
}

const rating = (name: string) => ({ type: 'rating', name, title: { en: `Rate ${name}`, cy: `Graddiwch ${name}` }, rateMin: 0, rateMax: 10 });

describe('the long file', () => {
  const plan = planVariables(exportStudyDesign(), { includeFreeText: false });

  it('starts with the design columns, then the attributes, then every item of every version in order of first appearance', () => {
    expect(names(plan.long)).toEqual([
      'pid',
      'wave',
      'wave_ordinal',
      'days_since_baseline',
      'instrument',
      'instrument_version',
      'status',
      'language',
      'local_authority',
      'placement_type',
      'cohort',
      ...CONTEXT_ITEMS,
      ...ONS4_ITEMS,
      ...SWEMWBS_ITEMS,
      ...ENGAGEMENT_ITEMS_0_1,
      // First asked at the second follow-up, so last.
      ADDED_ENGAGEMENT_ITEM,
    ]);
  });

  it('keeps the item a later version removed and the one it added, each recording the versions that have it', () => {
    expect(find(plan.long, REMOVED_ENGAGEMENT_ITEM).source).toEqual({ instrumentId: 'care-leaver-engagement', versions: ['0.1.0'], itemName: REMOVED_ENGAGEMENT_ITEM });
    expect(find(plan.long, ADDED_ENGAGEMENT_ITEM).source).toEqual({ instrumentId: 'care-leaver-engagement', versions: ['0.2.0'], itemName: ADDED_ENGAGEMENT_ITEM });
    expect(find(plan.long, 'cle_lonely').source?.versions).toEqual(['0.1.0', '0.2.0']);
    expect(find(plan.long, 'ons4_happiness').source?.versions).toEqual(['1.0.0']);
  });

  it('labels design columns in both languages and lists the waves, instruments and statuses they take', () => {
    expect(find(plan.long, 'wave').valueLabels).toEqual([
      { value: 'baseline', label: { en: 'Baseline', cy: 'Llinell sylfaen' } },
      { value: 'six-months', label: { en: 'Six months', cy: 'Chwe mis' } },
      { value: 'twelve-months', label: { en: 'Twelve months', cy: 'Deuddeg mis' } },
    ]);
    expect(find(plan.long, 'wave_ordinal')).toMatchObject({ type: 'numeric', valueLabels: [{ value: 0 }, { value: 1 }, { value: 2 }] });
    expect(find(plan.long, 'instrument').valueLabels.map((l) => l.value)).toEqual(['context', 'ons4', 'swemwbs', 'care-leaver-engagement']);
    expect(find(plan.long, 'status').valueLabels.map((l) => l.value)).toEqual(['complete', 'partial']);
    expect(find(plan.long, 'language').valueLabels).toEqual([
      { value: 'en', label: { en: 'English', cy: 'Saesneg' } },
      { value: 'cy', label: { en: 'Welsh', cy: 'Cymraeg' } },
    ]);
    for (const variable of plan.long) expect(variable.label.en && variable.label.cy, variable.name).toBeTruthy();
  });

  it('says how the pseudonym and the days since baseline are made', () => {
    expect(find(plan.long, 'pid').derivation).toMatch(/HMAC-SHA-256 of the participant code under a key made for this export and then discarded/);
    expect(planVariables(exportStudyDesign(), { includeFreeText: false, studyStableKey: true }).long[0]!.derivation).toMatch(/study's stable key/);
    expect(find(plan.long, 'days_since_baseline').derivation).toMatch(/days between this participant's baseline completion and their completion of this wave/);
  });
});

describe('item coding', () => {
  const plan = planVariables(exportStudyDesign(), { includeFreeText: false });

  it('codes numeric choices as numbers, with "prefer not to say" and "not applicable" as special codes that are missing values', () => {
    const paTrust = find(plan.long, 'cle_pa_trust');
    expect(paTrust).toMatchObject({
      kind: 'item',
      type: 'numeric',
      label: { en: 'I trust my personal adviser.', cy: "Rydw i'n ymddiried yn fy nghynghorydd personol." },
      itemText: { en: 'I trust my personal adviser.' },
    });
    expect(paTrust.valueLabels).toEqual([
      { value: 1, label: { en: 'Strongly disagree', cy: "Anghytuno'n gryf" } },
      { value: 2, label: { en: 'Disagree', cy: 'Anghytuno' } },
      { value: 3, label: { en: 'Neither agree nor disagree', cy: 'Ddim yn cytuno nac yn anghytuno' } },
      { value: 4, label: { en: 'Agree', cy: 'Cytuno' } },
      { value: 5, label: { en: 'Strongly agree', cy: "Cytuno'n gryf" } },
      { value: -8, label: { en: "I don't have a personal adviser", cy: 'Does gen i ddim cynghorydd personol' } },
      { value: -9, label: { en: 'Prefer not to say', cy: "Mae'n well gen i beidio â dweud" } },
      { value: -7, label: { en: 'Suppressed (small-cell protection)', cy: "Wedi'i atal (diogelu celloedd bach)" } },
    ]);
    expect(paTrust.missingValues).toEqual([-8, -9, -7]);
  });

  it('codes ratings as their numbers, labelling the described ends', () => {
    const anxiety = find(plan.long, 'ons4_anxiety');
    expect(anxiety.type).toBe('numeric');
    expect(anxiety.valueLabels.map((l) => [l.value, l.label.en])).toEqual([
      [0, 'Not at all anxious'],
      [10, 'Completely anxious'],
      [-7, 'Suppressed (small-cell protection)'],
    ]);
    expect(anxiety.missingValues).toEqual([-7]);
    expect(find(plan.long, 'swemwbs_optimistic').valueLabels.map((l) => l.value)).toEqual([1, 2, 3, 4, 5, -7]);
  });

  it('keeps string codes for choices that are not numbers, with their special and suppressed codes as missing values', () => {
    const living = find(plan.long, 'ctx_living_situation');
    expect(living.type).toBe('string');
    expect(living.valueLabels.map((l) => l.value)).toEqual([
      'foster_carers',
      'childrens_home',
      'supported_accommodation',
      'own_tenancy',
      'family_or_friends',
      'no_fixed_address',
      'somewhere_else',
      'prefer_not_to_say',
      'suppressed',
    ]);
    expect(living.missingValues).toEqual(['prefer_not_to_say', 'suppressed']);
    expect(living.width).toBe('supported_accommodation'.length);
  });

  it("labels a quasi-identifying question's coarser groups only when the export treats it as one, from the study's hierarchy", () => {
    const housing = {
      id: 'housing',
      label: { en: 'Housing', cy: 'Tai' },
      groups: [
        { value: 'with_carers', label: { en: 'With carers', cy: 'Gyda gofalwyr' }, members: ['foster_carers', 'childrens_home', 'supported_accommodation'] },
        { value: 'independent', label: { en: 'Independent', cy: 'Annibynnol' }, members: ['own_tenancy', 'family_or_friends', 'no_fixed_address', 'somewhere_else'] },
      ],
    };
    const declared = { disclosureControl: { ctx_living_situation: { instrument: 'context', levels: [housing] } } };
    expect(find(planVariables(exportStudyDesign(), { includeFreeText: false, ...declared }).long, 'ctx_living_situation').valueLabels.map((l) => l.value)).not.toContain('with_carers');

    const withQuasi = planVariables(exportStudyDesign(), { includeFreeText: false, quasiIdentifierItems: ['ctx_living_situation'], ...declared });

    const living = find(withQuasi.long, 'ctx_living_situation');
    expect(living.valueLabels.slice(-3)).toEqual([...housing.groups.map(({ value, label }) => ({ value, label })), { value: 'suppressed', label: { en: 'Suppressed (small-cell protection)', cy: "Wedi'i atal (diogelu celloedd bach)" } }]);
    expect(living.valueLabels.map((l) => l.value)).not.toContain('other');
    expect(living.derivation).toMatch(/Named as a quasi-identifier by the study/);
    expect(living.derivation).toMatch(/exact → housing \(2 groups\) → withheld/);
  });

  it('treats the questions the context questionnaire identifies people by as quasi-identifiers without the study naming them, never merging into "other"', () => {
    // The design pins context 1.0.0, published before marks: the export holds its marks (privacy.ts).
    for (const name of ['ctx_age_band', 'ctx_gender', 'ctx_local_authority']) {
      const variable = find(plan.long, name);
      expect(variable.valueLabels.map((l) => l.value), name).not.toContain('other');
      expect(variable.valueLabels.map((l) => l.value), name).toContain('prefer_not_to_say');
      expect(variable.derivation, name).toMatch(/Marked as a quasi-identifier by its instrument/);
    }
    // Age bands are ordered: by default neighbours merge (16–17 with 18–20); unordered categories are exact or withheld.
    expect(find(plan.long, 'ctx_age_band').valueLabels.map((l) => l.value)).toEqual(['age_16_17', 'age_18_20', 'age_21_25', 'prefer_not_to_say', 'age_16_20', 'suppressed']);
    expect(find(plan.long, 'ctx_gender').derivation).toMatch(/exact → withheld/);
  });

  it("gives attributes their study labels, its hierarchy's groups and the suppressed code, and says why one is not a quasi-identifier", () => {
    expect(find(plan.long, 'placement_type')).toMatchObject({
      kind: 'attribute',
      type: 'string',
      label: { en: 'Placement type', cy: 'Math o leoliad' },
      missingValues: ['suppressed'],
      source: { attributeId: 'placement_type' },
      value: { from: 'attribute', attributeId: 'placement_type' },
    });
    expect(find(plan.long, 'placement_type').valueLabels.map((l) => [l.value, l.label.cy])).toEqual([
      ['foster_care', 'Gofal maeth'],
      ['supported_housing', 'Tŷ â chymorth'],
      ['own_tenancy', 'Tenantiaeth eich hun'],
      ['suppressed', "Wedi'i atal (diogelu celloedd bach)"],
    ]);
    const level = { id: 'area', label: { en: 'Area', cy: 'Ardal' }, groups: [{ value: 'gogledd', label: { en: 'North', cy: 'Gogledd' }, members: ['conwy', 'gwynedd', 'isle_of_anglesey'] }] };
    const declared = planVariables(exportStudyDesign(), { includeFreeText: false, disclosureControl: { local_authority: { priority: 1, levels: [level] } } });
    expect(find(declared.long, 'local_authority').valueLabels.map((l) => l.value)).toEqual(['conwy', 'gwynedd', 'isle_of_anglesey', 'gogledd', 'suppressed']);
    expect(find(declared.long, 'local_authority').width).toBe('isle_of_anglesey'.length);
    expect(find(plan.long, 'placement_type').derivation).toMatch(/quasi-identifier/);
    expect(find(plan.long, 'cohort').derivation).toMatch(/Not a quasi-identifier \(the study says: .+\)/);
  });

  it('lays out a matrix row by row, a checkbox choice by choice, and codes booleans, numbers and string choices', () => {
    const layouts = planVariables(oneWave(layoutsInstrument()), { includeFreeText: false });
    const items = layouts.long.filter((v) => v.kind === 'item');
    expect(items.map((v) => [v.name, v.type, v.value.from === 'item' ? v.value.coding : undefined])).toEqual([
      ['lc_has_adviser', 'string', { kind: 'value' }],
      ['lc_weeks', 'numeric', { kind: 'value' }],
      ['lc_support_housing', 'numeric', { kind: 'matrixRow', row: 'housing' }],
      ['lc_support_money', 'numeric', { kind: 'matrixRow', row: 'money' }],
      ['lc_services_housing', 'numeric', { kind: 'checkboxChoice', choice: 'housing' }],
      ['lc_services_health', 'numeric', { kind: 'checkboxChoice', choice: 'health' }],
      ['lc_services_education', 'numeric', { kind: 'checkboxChoice', choice: 'education' }],
      ['lc_in_work', 'numeric', { kind: 'boolean', valueTrue: true, valueFalse: false }],
      ['lc_mood', 'numeric', { kind: 'value' }],
    ]);
    expect(find(items, 'lc_support_money').label.en).toBe('How much support do you get?: Money');
    expect(find(items, 'lc_support_money').valueLabels.map((l) => l.value)).toEqual([1, 2, 3, -8, -7]);
    expect(find(items, 'lc_services_health').valueLabels.map((l) => [l.value, l.label.en])).toEqual([
      [1, 'Selected'],
      [0, 'Not selected'],
      [-7, 'Suppressed (small-cell protection)'],
    ]);
    expect(find(items, 'lc_in_work').valueLabels.map((l) => l.value)).toEqual([1, 0, -7]);
  });

  it('turns stored answers into cells', () => {
    const layouts = planVariables(oneWave(layoutsInstrument()), { includeFreeText: true }).long;
    const studyPlan = planVariables(exportStudyDesign(), { includeFreeText: false }).long;
    const cell = (variables: Variable[], name: string, raw: unknown) => encodeItemValue(find(variables, name), raw);

    expect(cell(studyPlan, 'cle_pa_trust', 4)).toBe(4);
    expect(cell(studyPlan, 'cle_pa_trust', 'prefer_not_to_say')).toBe(SPECIAL_CODES.preferNotToSay.numeric);
    expect(cell(studyPlan, 'cle_pa_trust', 'not_applicable')).toBe(SPECIAL_CODES.notApplicable.numeric);
    expect(cell(studyPlan, 'cle_pa_trust', undefined)).toBeNull();
    expect(cell(studyPlan, 'ons4_anxiety', 0)).toBe(0);
    expect(cell(studyPlan, 'ctx_gender', 'man_or_boy')).toBe('man_or_boy');
    expect(cell(studyPlan, 'ctx_gender', 'prefer_not_to_say')).toBe('prefer_not_to_say');
    expect(cell(studyPlan, 'ctx_gender', 'not one of the choices')).toBeNull();

    expect(cell(layouts, 'lc_services_housing', ['housing', 'education'])).toBe(1);
    expect(cell(layouts, 'lc_services_health', ['housing', 'education'])).toBe(0);
    expect(cell(layouts, 'lc_services_health', [])).toBe(0);
    expect(cell(layouts, 'lc_services_health', undefined)).toBeNull();
    expect(cell(layouts, 'lc_support_housing', { housing: 2, money: 'not_applicable' })).toBe(2);
    expect(cell(layouts, 'lc_support_money', { housing: 2, money: 'not_applicable' })).toBe(-8);
    expect(cell(layouts, 'lc_support_money', { housing: 2 })).toBeNull();
    expect(cell(layouts, 'lc_in_work', true)).toBe(1);
    expect(cell(layouts, 'lc_in_work', false)).toBe(0);
    expect(cell(layouts, 'lc_weeks', 3.5)).toBe(3.5);
    expect(cell(layouts, 'lc_has_adviser', 'yes')).toBe('yes');
    expect(cell(layouts, 'lc_anything_else', '=HYPERLINK("x")')).toBe('=HYPERLINK("x")');
    expect(() => encodeItemValue(find(layouts, 'pid'), 'x')).toThrow(/not an item variable/);
  });
});

describe('free text', () => {
  it('is left out unless asked for, and then is a string column as wide as its longest answer can be', () => {
    const without = planVariables(exportStudyDesign(), { includeFreeText: false });
    const withText = planVariables(exportStudyDesign(), { includeFreeText: true });
    const all = (plan: DatasetVariables) => [...names(plan.long), ...names(plan.wide)];
    expect(all(without).filter((name) => name.includes('anything_else'))).toEqual([]);
    expect(all(withText).filter((name) => name.includes('anything_else'))).toEqual(['cle_anything_else', 'b_cle_anything_else', 'f1_cle_anything_else', 'f2_cle_anything_else']);
    // care-leaver-engagement caps the comment at 1,000 characters: up to 4 bytes each, and a leading ' on formula-like text.
    expect(find(withText.long, 'cle_anything_else')).toMatchObject({ type: 'string', width: 4001, valueLabels: [{ value: 'suppressed' }], missingValues: ['suppressed'] });

    const layouts = planVariables(oneWave(layoutsInstrument()), { includeFreeText: false });
    expect(names(layouts.long)).not.toContain('lc_town');
    expect(names(layouts.long)).not.toContain('lc_anything_else');
  });
});

describe('the wide file', () => {
  const plan = planVariables(exportStudyDesign(), { includeFreeText: false });

  it('holds the pseudonym, the attributes, then each wave under its prefix', () => {
    // care-leaver-engagement 0.2.0 changed the enablers scale: no change against the baseline's 0.1.0; barriers is unchanged.
    const engagementScores = (p: string, followUp: boolean, enablersCompared: boolean) =>
      followUp
        ? [`${p}_enablers_score`, ...(enablersCompared ? [`${p}_enablers_change`] : []), `${p}_barriers_score`, `${p}_barriers_change`]
        : [`${p}_enablers_score`, `${p}_barriers_score`];
    const wave = (p: string, followUp: boolean, engagementItems: string[], enablersCompared = true) => [
      `${p}_days_since_baseline`,
      `${p}_language`,
      ...(p === 'b' ? ['b_context_status', 'b_context_version', ...CONTEXT_ITEMS.map((i) => `b_${i}`)] : []),
      `${p}_ons4_status`,
      `${p}_ons4_version`,
      ...ONS4_ITEMS.map((i) => `${p}_${i}`),
      ...ONS4_SCORES(p, followUp),
      `${p}_swemwbs_status`,
      `${p}_swemwbs_version`,
      ...SWEMWBS_ITEMS.map((i) => `${p}_${i}`),
      `${p}_swemwbs_score`,
      ...(followUp ? [`${p}_swemwbs_change`, `${p}_swemwbs_meaningful`] : []),
      `${p}_care_leaver_engagement_status`,
      `${p}_care_leaver_engagement_version`,
      ...engagementItems.map((i) => `${p}_${i}`),
      ...engagementScores(p, followUp, enablersCompared),
    ];
    expect(names(plan.wide)).toEqual([
      'pid',
      'local_authority',
      'placement_type',
      'cohort',
      ...wave('b', false, ENGAGEMENT_ITEMS_0_1),
      ...wave('f1', true, ENGAGEMENT_ITEMS_0_1),
      ...wave('f2', true, ENGAGEMENT_ITEMS_0_2, false),
    ]);
  });

  it('names every cell source by wave and instrument', () => {
    expect(find(plan.wide, 'f1_ons4_happiness').value).toEqual({ from: 'item', itemName: 'ons4_happiness', instrumentId: 'ons4', waveId: 'six-months', coding: { kind: 'value' } });
    expect(find(plan.wide, 'f2_care_leaver_engagement_version')).toMatchObject({
      value: { from: 'instrumentVersion', waveId: 'twelve-months', instrumentId: 'care-leaver-engagement' },
      source: { versions: ['0.2.0'] },
    });
    expect(find(plan.wide, 'b_days_since_baseline').value).toEqual({ from: 'daysSinceBaseline', waveId: 'baseline' });
    expect(find(plan.wide, 'f1_swemwbs_meaningful').value).toEqual({ from: 'score', field: 'meaningfulChange', waveId: 'six-months', instrumentId: 'swemwbs', scaleId: 'swemwbs' });
    expect(find(plan.wide, 'f2_cle_peer_support').source).toEqual({ instrumentId: 'care-leaver-engagement', versions: ['0.2.0'], itemName: 'cle_peer_support', waveId: 'twelve-months' });
  });

  it('labels wave columns with the wave, and explains scores, bands and change', () => {
    expect(find(plan.wide, 'f1_ons4_happiness').label).toEqual({
      en: 'Six months: Overall, how happy did you feel yesterday?',
      cy: "Chwe mis: At ei gilydd, pa mor hapus oeddech chi'n teimlo ddoe?",
    });
    const swemwbs = find(plan.wide, 'b_swemwbs_score');
    expect(swemwbs.derivation).toMatch(/^Mental wellbeing \(SWEMWBS metric score\): raw sum of the 7 items converted with the table published in: Raw-to-metric conversion table published by Warwick Medical School/);
    expect(swemwbs.derivation).toMatch(/scored only when all 7 items are answered/);
    expect(find(plan.wide, 'b_enablers_score').derivation).toMatch(/mean of the answered items, with cle_workers_change reversed \(1 \+ 5 − value\); scored when at least 7 of 10 are answered/);
    expect(find(plan.wide, 'f2_enablers_score').derivation).toMatch(/No change from baseline: the baseline used care-leaver-engagement 0.1.0/);
    expect(find(plan.wide, 'b_anxiety_band').valueLabels).toEqual([
      { value: 'very_low', label: { en: 'Very low (0–1)', cy: 'Isel iawn (0–1)' } },
      { value: 'low', label: { en: 'Low (2–3)', cy: 'Isel (2–3)' } },
      { value: 'medium', label: { en: 'Medium (4–5)', cy: 'Canolig (4–5)' } },
      { value: 'high', label: { en: 'High (6–10)', cy: 'Uchel (6–10)' } },
    ]);
    expect(find(plan.wide, 'f1_swemwbs_meaningful')).toMatchObject({ valueLabels: [{ value: 1 }, { value: 0 }], derivation: expect.stringMatching(/at least 3 points either way/) });
    expect(find(plan.wide, 'f2_barriers_change').derivation).toMatch(/baseline used care-leaver-engagement 0.1.0 and this wave 0.2.0, which define the scale identically/);
  });

  it('prefixes score columns with their instrument when two instruments share a scale id', () => {
    const ons4 = shippedInstrument('ons4@1.0.0');
    const other = instrumentWith('mood-check', [rating('mc_anxiety')], [
      { ...ons4.scales!.find((s) => s.id === 'anxiety')!, items: ['mc_anxiety'] },
    ]);
    const plan = planVariables(oneWave(ons4, other), { includeFreeText: false });
    expect(names(plan.wide)).toEqual(expect.arrayContaining(['b_ons4_anxiety_score', 'b_mood_check_anxiety_score', 'b_life_satisfaction_score']));
    expect(names(plan.wide)).not.toContain('b_anxiety_score');
  });
});

describe('the scores file', () => {
  it('has one column per fact of a score, and lists the scales and bands it holds', () => {
    const plan = planVariables(exportStudyDesign(), { includeFreeText: false });
    expect(names(plan.scores)).toEqual([
      'pid',
      'wave',
      'wave_ordinal',
      'days_since_baseline',
      'instrument',
      'instrument_version',
      'scale',
      'answered',
      'raw',
      'score',
      'band',
      'baseline_score',
      'change',
      'meaningful_change',
      'direction',
    ]);
    expect(find(plan.scores, 'scale').valueLabels.map((l) => l.value)).toEqual(['life_satisfaction', 'worthwhile', 'happiness', 'anxiety', 'swemwbs', 'enablers', 'barriers']);
    expect(find(plan.scores, 'band').valueLabels.map((l) => l.value)).toEqual(['low', 'medium', 'high', 'very_high', 'very_low']);
    expect(find(plan.scores, 'direction').valueLabels.map((l) => l.value)).toEqual(['improved', 'worsened', 'unchanged']);
    expect(find(plan.scores, 'score').derivation).toMatch(/care-leaver-engagement@0.2.0 enablers: .*cle_peer_support/);
    expect(find(plan.scores, 'meaningful_change').value).toEqual({ from: 'score', field: 'meaningfulChange' });
  });
});

describe('column names', () => {
  it('are the same, in the same order, every time the same design is planned', () => {
    const first = planVariables(exportStudyDesign(), { includeFreeText: false });
    const shuffled = exportStudyDesign();
    shuffled.waves.reverse();
    expect(planVariables(exportStudyDesign(), { includeFreeText: false })).toEqual(first);
    expect(planVariables(shuffled, { includeFreeText: false })).toEqual(first);
  });

  it('are valid SPSS names, unique within each file', () => {
    const plan = planVariables(exportStudyDesign(), { includeFreeText: true });
    for (const file of [plan.long, plan.wide, plan.scores]) {
      for (const name of names(file)) {
        expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(name.length).toBeLessThanOrEqual(64);
      }
      expect(new Set(names(file)).size).toBe(file.length);
    }
  });

  it('refuse a question name that grows past 64 characters with its wave prefix, naming it', () => {
    const longName = `q_${'x'.repeat(60)}`; // 62 characters: b_ makes 64, f1_ 65
    const instrument = instrumentWith('long-names', [rating(longName)]);
    const design = oneWave(instrument);
    expect(() => planVariables(design, { includeFreeText: false })).not.toThrow();
    design.waves.push({ waveId: 'later', ordinal: 1, name: { en: 'Later', cy: 'Wedyn' }, instruments: [instrument] });
    expect(() => planVariables(design, { includeFreeText: false })).toThrow(
      `responses_wide.csv: "f1_${longName}" (question ${longName} of long-names) is 65 characters long; SPSS allows 64`,
    );
  });

  it('refuse an attribute that takes a design column\'s name, or an SPSS reserved word', () => {
    const design = exportStudyDesign();
    design.attributes = [
      { id: 'wave', label: { en: 'Wave', cy: 'Ton' }, quasiIdentifier: false, values: [{ value: 'a', label: { en: 'A', cy: 'A' } }] },
      { id: 'by', label: { en: 'By', cy: 'Gan' }, quasiIdentifier: false, values: [{ value: 'a', label: { en: 'A', cy: 'A' } }] },
    ];
    const error = captureError(() => planVariables(design, { includeFreeText: false }));
    expect(error).toMatch(/responses_long\.csv: "wave" is both a design column and attribute wave/);
    expect(error).toMatch(/responses_long\.csv: "by" \(attribute by\) is a reserved word in SPSS/);
  });

  it('give one question name in two instruments two columns, the second named after its instrument', () => {
    const a = instrumentWith('first-one', [rating('shared_name')]);
    const b = instrumentWith('second-one', [rating('shared_name')]);

    const { long, wide } = planVariables(oneWave(a, b), { includeFreeText: false });

    const fromItems = (variables: { name: string; value: { from: string; instrumentId?: string } }[]) => variables.filter((v) => v.value.from === 'item').map((v) => [v.name, v.value.instrumentId]);
    expect(fromItems(long)).toEqual([
      ['shared_name', 'first-one'],
      ['second_one_shared_name', 'second-one'],
    ]);
    expect(fromItems(wide)).toEqual([
      ['b_shared_name', 'first-one'],
      ['b_second_one_shared_name', 'second-one'],
    ]);
  });

  it('refuse a question the export cannot lay out', () => {

    // instrument validate refuses a dynamic panel now (question-support.ts); a version published before it did still reaches the export.
    const panels = toInstrumentVersion(testInstrumentFile({
      id: 'panels-one',
      survey: { pages: [{ name: 'p', elements: [{ type: 'paneldynamic', name: 'pd_people', title: { en: 'People', cy: 'Pobl' }, templateElements: [rating('pd_age')] }] }] },
    }));
    expect(() => planVariables(oneWave(panels), { includeFreeText: false })).toThrow(/panels-one@1.0.0: question "pd_people" is a paneldynamic, which the export cannot lay out/);
  });
});

describe('the codebook', () => {
  const plan = planVariables(exportStudyDesign(), { includeFreeText: false });

  it('lists every variable once with the files it is in, its labels, codes, versions and derivation', () => {
    const [header, ...rows] = parseCsvRecords(codebookCsv(plan)).map((r) => r.fields);
    const byName = (name: string, file?: string) => {
      const row = rows.find((r) => r[1] === name && (!file || r[0]!.includes(file)));
      if (!row) throw new Error(`no codebook row ${name}`);
      return Object.fromEntries(header!.map((column, i) => [column, row[i]]));
    };
    expect(header).toEqual([
      'files',
      'name',
      'label_en',
      'label_cy',
      'kind',
      'type',
      'value_labels_en',
      'value_labels_cy',
      'missing_values',
      'instrument',
      'versions',
      'scale',
      'item',
      'attribute',
      'wave',
      'item_text_en',
      'item_text_cy',
      'derivation',
    ]);
    expect(byName('pid').files).toBe('responses_long.csv; responses_wide.csv; scores.csv');
    expect(byName('wave').files).toBe('responses_long.csv; scores.csv');
    expect(byName('cle_get_replies')).toMatchObject({
      files: 'responses_long.csv',
      type: 'numeric',
      instrument: 'care-leaver-engagement',
      versions: '0.1.0',
      item: 'cle_get_replies',
      item_text_en: 'When I contact services, they get back to me.',
      value_labels_en: expect.stringMatching(/^1 = Strongly disagree \| 2 = Disagree \| .* \| -9 = Prefer not to say \| -7 = Suppressed \(small-cell protection\)$/),
      value_labels_cy: expect.stringContaining("1 = Anghytuno'n gryf"),
      missing_values: "'-9 | -7", // csv.ts keeps a leading - from being read as a formula
    });
    expect(byName('cle_lonely').versions).toBe('0.1.0; 0.2.0');
    expect(byName('f1_swemwbs_change')).toMatchObject({ kind: 'score', scale: 'swemwbs', wave: 'six-months', derivation: 'Six months score minus baseline score; empty when either is missing.' });
    expect(byName('placement_type').value_labels_cy).toContain('supported_housing = Tŷ â chymorth');
    expect(rows).toHaveLength(new Set([...plan.long, ...plan.wide, ...plan.scores].map((v) => JSON.stringify(v))).size);
  });

  it('in JSON carries the caller\'s facts, each file\'s columns and every variable', () => {
    const json = codebookJson(plan, { studyId: 'pathways', exportedAt: '2026-05-01T10:00:00Z' });
    expect(json.studyId).toBe('pathways');
    expect(json.files['responses_wide.csv']).toEqual(names(plan.wide));
    expect(json.specialCodes.preferNotToSay).toEqual({ numeric: -9, string: 'prefer_not_to_say' });
    const pid = json.variables.find((v) => v.name === 'pid')!;
    expect(pid.files).toEqual(['responses_long.csv', 'responses_wide.csv', 'scores.csv']);
    const added = json.variables.find((v) => v.name === 'f2_cle_peer_support')!;
    expect(added).toMatchObject({ type: 'numeric', source: { instrumentId: 'care-leaver-engagement', versions: ['0.2.0'], waveId: 'twelve-months' } });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

function captureError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}
