/** Generalisation hierarchies of quasi-identifiers, and what a study may declare of them. */
import { describe, expect, it } from 'vitest';
import { DisclosureControl, ParticipantAttribute, type HierarchyLevel } from '../../functions/contracts/studies.js';
import { disclosureControlProblems, quasiIdentifierSettings } from '../../functions/domain/export/disclosure-control.js';
import { studyPrivacy } from '../../functions/domain/export/variables.js';
import { buildHierarchy, groupLabels, hierarchyProblems, informationLoss, recode, topLevel, WITHHELD } from '../../functions/domain/export/hierarchies.js';
import { exportStudyDesign, shippedInstrument } from '../support/export-design.js';

const t = (en: string) => ({ en, cy: en });
const AUTHORITIES = ['cardiff', 'swansea', 'newport', 'powys'];
const REGION: HierarchyLevel = {
  id: 'region',
  label: t('Region'),
  groups: [
    { value: 'south', label: t('South'), members: ['cardiff', 'swansea', 'newport'] },
    { value: 'powys', label: t('Powys'), members: ['powys'] },
  ],
};
const WALES: HierarchyLevel = { id: 'wales', label: t('Wales'), groups: [{ value: 'wales', label: t('Wales'), members: AUTHORITIES }] };

describe('generalisation hierarchies', () => {
  it('recode a value level by level up to withheld, "prefer not to say" staying itself below the top', () => {
    const hierarchy = buildHierarchy([...AUTHORITIES, 'prefer_not_to_say'], [REGION, WALES]);

    expect([0, 1, 2, 3].map((level) => recode(hierarchy, level, 'swansea'))).toEqual(['swansea', 'south', 'wales', WITHHELD]);
    expect([0, 1, 2, 3].map((level) => recode(hierarchy, level, 'prefer_not_to_say'))).toEqual(['prefer_not_to_say', 'prefer_not_to_say', 'prefer_not_to_say', WITHHELD]);
    expect(topLevel(hierarchy)).toBe(3);
    // A group's code that is also a value (Powys alone) is not a new label.
    expect(groupLabels(hierarchy).map((g) => g.value)).toEqual(['south', 'wales']);
  });

  it('measure the information a value loses by the share of values its group holds', () => {
    const hierarchy = buildHierarchy(AUTHORITIES, [REGION, WALES]);

    expect(informationLoss(hierarchy, 0, 'cardiff')).toBe(0);
    expect(informationLoss(hierarchy, 1, 'cardiff')).toBeCloseTo(2 / 3);
    expect(informationLoss(hierarchy, 1, 'powys')).toBe(0);
    expect(informationLoss(hierarchy, 2, 'cardiff')).toBe(1);
    expect(informationLoss(hierarchy, 3, 'prefer_not_to_say')).toBe(1);
    expect(informationLoss(hierarchy, 1, 'prefer_not_to_say')).toBe(0);
  });

  it('by default merge neighbouring age bands, and leave other categories exact or withheld', () => {
    const ages = buildHierarchy(['age_16_17', 'age_18_20', 'age_21_25', 'prefer_not_to_say']);
    expect(['age_16_17', 'age_18_20', 'age_21_25'].map((band) => recode(ages, 1, band))).toEqual(['age_16_20', 'age_16_20', 'age_21_25']);
    expect(groupLabels(ages)).toEqual([{ value: 'age_16_20', label: { en: '16 to 20', cy: '16 i 20' } }]);

    const genders = buildHierarchy(['woman', 'man', 'another_way']);
    expect(genders.levels).toEqual([]);
    expect(recode(genders, 1, 'woman')).toBe(WITHHELD);
  });

  it('accept levels that map every value and join whole groups', () => {
    expect(hierarchyProblems(AUTHORITIES, [REGION, WALES], 'x')).toEqual([]);
  });

  it('refuse a level that leaves a value unmapped, names an unknown one, groups "prefer not to say" or splits a finer group', () => {
    const unmapped = { ...REGION, groups: [REGION.groups[0]!] };
    const unknown = { ...WALES, groups: [{ ...WALES.groups[0]!, members: [...AUTHORITIES, 'narnia'] }] };
    const special = { ...WALES, groups: [{ ...WALES.groups[0]!, members: [...AUTHORITIES, 'prefer_not_to_say'] }] };
    const splitting: HierarchyLevel = { id: 'coast', label: t('Coast'), groups: [{ value: 'coast', label: t('Coast'), members: ['cardiff', 'swansea'] }, { value: 'inland', label: t('Inland'), members: ['newport', 'powys'] }] };
    const taken: HierarchyLevel = { id: 'big', label: t('Big'), groups: [{ value: 'cardiff', label: t('Cardiff and more'), members: AUTHORITIES }] };

    expect(hierarchyProblems(AUTHORITIES, [unmapped], 'x')).toEqual([{ path: 'x.levels[0].groups', message: expect.stringMatching(/leaves "powys" unmapped/) }]);
    expect(hierarchyProblems(AUTHORITIES, [unknown], 'x')).toEqual([{ path: 'x.levels[0].groups[0].members[4]', message: expect.stringMatching(/"narnia" is not a value/) }]);
    expect(hierarchyProblems([...AUTHORITIES, 'prefer_not_to_say'], [special], 'x')).toEqual([{ path: 'x.levels[0].groups[0].members[4]', message: expect.stringMatching(/stays its own value/) }]);
    expect(hierarchyProblems(AUTHORITIES, [REGION, splitting], 'x')).toEqual([{ path: 'x.levels[1]', message: expect.stringMatching(/splits the group "south"/) }]);
    expect(hierarchyProblems(AUTHORITIES, [taken], 'x')).toEqual([{ path: 'x.levels[0].groups[0].value', message: expect.stringMatching(/is an exact value/) }]);
  });
});

describe("a study's disclosure control", () => {
  const attributes = [
    ParticipantAttribute.parse({ id: 'local_authority', label: t('Local authority'), values: AUTHORITIES.map((value) => ({ value, label: t(value) })) }),
    ParticipantAttribute.parse({ id: 'cohort', label: t('Cohort'), values: [{ value: 'spring', label: t('Spring') }], quasiIdentifier: false, notQuasiIdentifierBecause: 'a season picks out nobody' }),
  ];
  const context = shippedInstrument('context@1.1.0');
  const published = new Map([['context', [context]]]);
  const problemsOf = (control: unknown, quasiItems: string[] = []) => disclosureControlProblems(DisclosureControl.parse(control), attributes, quasiItems, published);

  it('makes declared attributes quasi-identifiers unless the study says why not', () => {
    expect(attributes[0]!.quasiIdentifier).toBe(true);
    const unticked = ParticipantAttribute.safeParse({ id: 'home', label: t('Home'), values: [{ value: 'a', label: t('A') }], quasiIdentifier: false });
    expect(unticked.success).toBe(false);
    expect(unticked.error?.issues[0]).toMatchObject({ path: ['notQuasiIdentifierBecause'], message: expect.stringMatching(/say why/) });
  });

  it('accepts hierarchies for a quasi-identifier attribute and for a question its instrument marks', () => {
    const everyAuthority = (context.survey.pages as { elements: { name: string; choices?: { value: string }[] }[] }[])
      .flatMap((page) => page.elements)
      .find((q) => q.name === 'ctx_local_authority')!
      .choices!.map((c) => c.value)
      .filter((value) => value !== 'prefer_not_to_say');
    const wales = { id: 'wales', label: t('Wales'), groups: [{ value: 'wales', label: t('Wales'), members: everyAuthority.filter((v) => v !== 'outside_wales') }, { value: 'outside_wales', label: t('Outside Wales'), members: ['outside_wales'] }] };

    expect(problemsOf({ local_authority: { priority: 1, levels: [REGION, WALES] }, ctx_local_authority: { instrument: 'context', levels: [wales] }, ctx_gender: { instrument: 'context', priority: 2 } })).toEqual([]);
  });

  it('names what does not fit: an unknown attribute, one that is not a quasi-identifier, an unpublished instrument, an unknown or unmarked question, an unmapped value', () => {
    const problems = problemsOf({
      area: { levels: [REGION] },
      cohort: { priority: 1 },
      age: { instrument: 'about-me' },
      ctx_postcode: { instrument: 'context' },
      ctx_living_situation: { instrument: 'context' },
      ctx_local_authority: { instrument: 'context', levels: [{ ...WALES, groups: [{ ...WALES.groups[0]!, members: ['cardiff'] }] }] },
    });

    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['disclosureControl.area', expect.stringMatching(/"area" is not a declared attribute/)],
      ['disclosureControl.cohort', expect.stringMatching(/declared as not a quasi-identifier/)],
      ['disclosureControl.age.instrument', 'instrument "about-me" is not published'],
      ['disclosureControl.ctx_postcode', expect.stringMatching(/"ctx_postcode" is not a question of context/)],
      ['disclosureControl.ctx_living_situation', expect.stringMatching(/is not a quasi-identifier: name it in quasiIdentifierItems/)],
      ['disclosureControl.ctx_local_authority.levels[0].groups', expect.stringMatching(/leaves "blaenau_gwent", .*"outside_wales" unmapped/)],
    ]);
    expect(problemsOf({ ctx_living_situation: { instrument: 'context' } }, ['ctx_living_situation'])).toEqual([]);
  });
});

describe('the quasi-identifiers an export protects', () => {
  it("take the study's levels and priorities, defaults elsewhere, and cover a free-text question the study names", () => {
    const design = exportStudyDesign();
    const regions: HierarchyLevel = { id: 'north', label: t('North'), groups: [{ value: 'north_wales', label: t('North Wales'), members: ['conwy', 'gwynedd', 'isle_of_anglesey'] }] };

    const settings = quasiIdentifierSettings(design, studyPrivacy(design, ['cle_anything_else']), { local_authority: { priority: 1, levels: [regions] } });

    expect([...settings.attributes.keys()]).toEqual(['local_authority', 'placement_type']);
    expect(settings.attributes.get('local_authority')).toMatchObject({ priority: 1, numeric: false });
    expect(recode(settings.attributes.get('local_authority')!.hierarchy, 1, 'gwynedd')).toBe('north_wales');
    expect(settings.attributes.get('placement_type')!.hierarchy.levels).toEqual([]);
    expect([...settings.items.keys()].sort()).toEqual(['cle_anything_else', 'ctx_age_band', 'ctx_gender', 'ctx_local_authority']);
    expect(recode(settings.items.get('ctx_age_band')!.hierarchy, 1, 'age_18_20')).toBe('age_16_20');
    expect(topLevel(settings.items.get('cle_anything_else')!.hierarchy)).toBe(1);
  });
});
