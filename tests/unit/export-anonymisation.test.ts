/** Pseudonyms and small-cell protection of dataset exports. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohortDesign, DEMO_COHORT_INSTRUMENTS, syntheticParticipants } from '../../cli/synthetic-cohort.js';
import { loadInstrumentText } from '../../functions/domain/instrument-check.js';
import { checkKAnonymity } from '../support/k-anonymity-check.js';
import { buildHierarchy, type HierarchyLevel } from '../../functions/domain/export/hierarchies.js';
import { protectQuasiIdentifiers, type QuasiIdentifier, type QuasiRecord, type QuasiValue } from '../../functions/domain/export/k-anonymity.js';
import { newPseudonymKey, pseudonymiser } from '../../functions/domain/export/pseudonyms.js';

describe('export pseudonyms', () => {
  it('are stable under one key and differ between keys', () => {
    const first = pseudonymiser(newPseudonymKey());
    const second = pseudonymiser(newPseudonymKey());

    expect(first('P-001')).toBe(first('P-001'));
    expect(first('P-001')).not.toBe(second('P-001'));
    expect(first('P-001')).toMatch(/^p[0-9a-f]{16}$/);
  });

  it('never contain the participant code', () => {
    const pseudonym = pseudonymiser(newPseudonymKey());
    fc.assert(fc.property(fc.string({ minLength: 3, maxLength: 20 }), (code) => !pseudonym(code).includes(code) || code.length < 4));
  });
});

const AUTHORITIES = ['cardiff', 'swansea', 'powys', 'ceredigion'];
/** Local authority → region (two of them here). */
const REGION: HierarchyLevel = {
  id: 'region',
  label: { en: 'Region', cy: 'Rhanbarth' },
  groups: [
    { value: 'south', label: { en: 'South', cy: 'De' }, members: ['cardiff', 'swansea'] },
    { value: 'mid_west', label: { en: 'Mid and west', cy: 'Canolbarth a gorllewin' }, members: ['powys', 'ceredigion'] },
  ],
};
const authority = (priority?: number, columns = ['local_authority']): QuasiIdentifier => ({
  id: 'local_authority',
  columns,
  hierarchy: buildHierarchy(AUTHORITIES, [REGION]),
  ...(priority !== undefined ? { priority } : {}),
});
const gender = (): QuasiIdentifier => ({ id: 'gender', columns: ['gender'], hierarchy: buildHierarchy(['woman', 'man', 'another_way']) });

/** `count` participants named prefix0, prefix1 … answering the waves in `pattern`, each quasi-identifier with these values in its columns. */
function group(prefix: string, count: number, pattern: string, ...values: QuasiValue[][]): [string, QuasiRecord][] {
  return Array.from({ length: count }, (_, i) => [`${prefix}${i}`, { pattern, values }]);
}

/** What each participant's columns show after protection, and the independent check of k over them. */
function release(quasiIdentifiers: QuasiIdentifier[], participants: [string, QuasiRecord][], k = 5) {
  const records = new Map(participants);
  const protection = protectQuasiIdentifiers(quasiIdentifiers, records, k);
  const shown = new Map(
    [...records].map(([id, record]) => [id, record.values.map((cells, q) => cells.map((value) => protection.protectedValue(id, quasiIdentifiers[q]!.id, value)))]),
  );
  const check = checkKAnonymity([...records].map(([id, record]) => ({ pattern: record.pattern, values: shown.get(id)! })), k);
  // One quasi-identifier: its value (or its columns' values); several: one entry each.
  const view = (id: string) => {
    const each = shown.get(id)!.map((cells) => (cells.length === 1 ? cells[0] : cells));
    return each.length === 1 ? each[0] : each;
  };
  return { protection, report: protection.report, shown: view, check };
}

describe('small-cell protection (k-anonymity)', () => {
  it('leaves data alone when every combination, answered waves included, is shared by at least k', () => {
    const { report, shown, check } = release([authority(), gender()], [...group('a', 5, '11', ['cardiff'], ['woman']), ...group('b', 6, '11', ['swansea'], ['man'])]);

    expect(shown('a0')).toEqual(['cardiff', 'woman']);
    expect(shown('b5')).toEqual(['swansea', 'man']);
    expect(report.cells).toEqual({ values: 22, exact: 22, generalised: 0, withheld: 0, suppressed: 0 });
    expect(check).toMatchObject({ violations: 0, smallest: 5 });
  });

  it('coarsens a rare local authority along its hierarchy rather than suppress it, keeping the common ones exact', () => {
    const { report, shown, check } = release(
      [authority()],
      [...group('c', 10, '1', ['cardiff']), ...group('s', 10, '1', ['swansea']), ...group('p', 2, '1', ['powys']), ...group('d', 3, '1', ['ceredigion'])],
    );

    expect(shown('c0')).toBe('cardiff');
    expect(shown('s9')).toBe('swansea');
    // Powys (2) and Ceredigion (3) are each too few, together five: their region.
    expect([shown('p0'), shown('d2')]).toEqual(['mid_west', 'mid_west']);
    expect(report.columns).toEqual([{ column: 'local_authority', quasiIdentifier: 'local_authority', values: 25, exact: 20, generalised: { region: 5 }, withheld: 0, suppressed: 0 }]);
    expect(check.violations).toBe(0);
  });

  it('counts which waves someone answered: a local authority shared by enough people is still coarsened for the few who answered other waves', () => {
    const { shown, check } = release(
      [authority()],
      [...group('full', 6, '11', ['cardiff']), ...group('early', 3, '10', ['cardiff']), ...group('other', 2, '10', ['swansea'])],
    );

    expect(shown('full0')).toBe('cardiff');
    // Nine share Cardiff, but only three of them stopped after the first wave: with the two from Swansea they make five in the south.
    expect([shown('early0'), shown('other1')]).toEqual(['south', 'south']);
    expect(check).toMatchObject({ violations: 0, smallest: 5 });
  });

  it('counts a question asked at several waves once where the answers agree, "prefer not to say" and blanks included', () => {
    const threeWaves = authority(undefined, ['b_la', 'f1_la', 'f2_la']);
    const { report, shown } = release(
      [threeWaves],
      [
        ...group('same', 3, '111', ['cardiff', 'cardiff', 'cardiff']),
        ...group('declined', 1, '111', ['cardiff', 'prefer_not_to_say', 'cardiff']),
        ...group('skipped', 1, '111', ['cardiff', null, null]),
      ],
    );

    expect(shown('declined0')).toEqual(['cardiff', 'prefer_not_to_say', 'cardiff']);
    expect(shown('skipped0')).toEqual(['cardiff', null, null]);
    // Counted cells are those holding a value: the skipped ones are blanks, never reported as suppressed.
    expect(report.cells).toEqual({ values: 13, exact: 13, generalised: 0, withheld: 0, suppressed: 0 });
    expect(report.columns.map((c) => [c.column, c.values])).toEqual([['b_la', 5], ['f1_la', 4], ['f2_la', 4]]);
  });

  it("counts a change between waves as a value of its own, so a mover's sequence never goes out as it is", () => {
    const threeWaves = authority(undefined, ['b_la', 'f1_la', 'f2_la']);
    const { shown, check } = release(
      [threeWaves],
      [...group('stayed', 10, '111', ['cardiff', 'cardiff', 'cardiff']), ...group('moved', 1, '111', ['cardiff', 'swansea', 'swansea'])],
    );

    expect(shown('moved0')).not.toEqual(['cardiff', 'swansea', 'swansea']);
    expect(check.violations).toBe(0);
  });

  it('keeps "prefer not to say" its own value: never grouped with a real category, withheld only with everything else', () => {
    const { shown, check, report } = release(
      [authority()],
      [...group('c', 6, '1', ['cardiff']), ...group('s', 6, '1', ['swansea']), ...group('n', 5, '1', ['prefer_not_to_say']), ...group('lone', 1, '1', ['prefer_not_to_say'])],
    );

    expect(shown('n0')).toBe('prefer_not_to_say');
    expect(new Set([shown('n0'), shown('lone0')]).size).toBe(1);
    expect(report.columns[0]!.generalised).toEqual({});
    expect(check.violations).toBe(0);
  });

  it("keeps the study's first priority exact before anything else", () => {
    // Gender splits Cardiff (6) into groups of 3: either gender or Cardiff must give way; priority says which.
    const people = [...group('cw', 3, '1', ['cardiff'], ['woman']), ...group('cm', 3, '1', ['cardiff'], ['man']), ...group('sw', 3, '1', ['swansea'], ['woman']), ...group('sm', 3, '1', ['swansea'], ['man'])];
    const first = release([authority(1), gender()], people);
    const exactAuthorities = (r: typeof first) => r.report.columns.find((c) => c.column === 'local_authority')!.exact;

    expect(exactAuthorities(first)).toBe(12);
    expect(first.shown('cw0')).toEqual(['cardiff', 'suppressed']);
    const genderFirst = release([{ ...authority(), priority: 2 }, { ...gender(), priority: 1 }], people);
    expect(genderFirst.shown('cw0')).toEqual(['south', 'woman']);
    expect([first.check.violations, genderFirst.check.violations]).toEqual([0, 0]);
  });

  it('stays quick and keeps k with many quasi-identifiers, too many combinations of levels to try them all', () => {
    // Fourteen yes/no attributes and a local authority: 2^14 × 3 combinations.
    const many: QuasiIdentifier[] = [authority(), ...Array.from({ length: 14 }, (_, i) => ({ id: `flag_${i}`, columns: [`flag_${i}`], hierarchy: buildHierarchy(['yes', 'no']) }))];
    const people = Array.from({ length: 200 }, (_, p): [string, QuasiRecord] => [
      `p${p}`,
      { pattern: p % 3 === 0 ? '10' : '11', values: [[AUTHORITIES[p % 4]!], ...Array.from({ length: 14 }, (_, i) => [(p >> i) % 2 === 0 ? 'yes' : 'no'])] },
    ]);
    const started = performance.now();

    const { report, check } = release(many, people);

    expect(performance.now() - started).toBeLessThan(10_000);
    expect(report.search.combinations).toBeLessThan(2 ** 14);
    expect(check.violations).toBe(0);
  });

  it('keeps a first priority exact without withholding most of everything else, where the councils are few and large', () => {
    // The synthetic cohort with its four police force areas standing for four councils, as in a study of four local authorities.
    const instruments = DEMO_COHORT_INSTRUMENTS.map((pin) => {
      const file = join(import.meta.dirname, '../../instruments', pin.id, `${pin.version}.json`);
      return loadInstrumentText(readFileSync(file, 'utf8'), file);
    });
    const options = { studyId: 'four', participants: 300, waves: 3, seed: 'pont', now: new Date('2027-01-04T09:00:00Z'), instruments };
    const design = cohortDesign(options);
    const control = design.disclosureControl;
    const councilOf = new Map(control.local_authority!.levels![0]!.groups.flatMap((g) => g.members.map((m) => [m, g.value] as const)));
    const four = [...new Set(councilOf.values())];
    const waves = ['baseline', 'follow-up-1', 'follow-up-2'];
    const choices = (name: string) =>
      ((instruments.find((i) => i.id === 'context')!.survey.pages as { elements: { name: string; choices?: { value: string }[] }[] }[])[0]!.elements.find((e) => e.name === name)!.choices ?? []).map((c) => c.value);
    const wales = (values: string[]) => [{ id: 'wales', label: { en: 'Wales', cy: 'Cymru' }, groups: [{ value: 'wales', label: { en: 'Wales', cy: 'Cymru' }, members: values }] }];
    const attribute = (id: string) => design.attributes.find((a) => a.id === id)!.values.map((v) => v.value);
    const quasi: QuasiIdentifier[] = [
      { id: 'council', columns: ['council'], hierarchy: buildHierarchy(four, wales(four)), priority: 1 },
      { id: 'age_band', columns: ['age_band'], hierarchy: buildHierarchy(attribute('age_band'), control.age_band!.levels) },
      { id: 'placement_type', columns: ['placement_type'], hierarchy: buildHierarchy(attribute('placement_type'), control.placement_type!.levels) },
      { id: 'ctx_age_band', columns: waves, hierarchy: buildHierarchy(choices('ctx_age_band'), control.ctx_age_band!.levels) },
      { id: 'ctx_gender', columns: waves, hierarchy: buildHierarchy(choices('ctx_gender')) },
      { id: 'ctx_council', columns: waves, hierarchy: buildHierarchy([...four, 'outside_wales', 'prefer_not_to_say']) },
    ];
    const people: [string, QuasiRecord][] = [];
    for (const { participant, responses } of syntheticParticipants(options, design)) {
      const done = responses.filter((r) => r.status === 'complete');
      if (done.length === 0) continue;
      const answer = (name: string) => waves.map((w) => (done.find((r) => r.waveId === w && r.instrumentId === 'context')?.answers[name] as string | undefined) ?? null);
      const attributes = participant.attributes!;
      people.push([
        participant.participantCode,
        {
          pattern: waves.map((w) => (done.some((r) => r.waveId === w) ? '1' : '0')).join(''),
          values: [
            [councilOf.get(attributes.local_authority!)!],
            [attributes.age_band!],
            [attributes.placement_type!],
            answer('ctx_age_band'),
            answer('ctx_gender'),
            answer('ctx_local_authority').map((v) => (v === null ? null : (councilOf.get(v) ?? v))),
          ],
        },
      ]);
    }

    const { report, check } = release(quasi, people);

    const [council, ...others] = [report.columns[0]!, ...report.columns.slice(1)];
    const sum = (f: (c: (typeof others)[number]) => number) => others.reduce((total, c) => total + f(c), 0);
    expect(check.violations).toBe(0);
    expect(council.exact / council.values).toBeGreaterThan(0.9);
    expect(sum((c) => c.withheld + c.suppressed) / sum((c) => c.values)).toBeLessThan(0.5);
  });

  it('codes suppressed numbers as -7', () => {
    const numeric: QuasiIdentifier = { id: 'rooms', columns: ['rooms'], hierarchy: buildHierarchy([]) };
    const { shown } = release([numeric, gender()], [...group('a', 5, '1', [1], ['woman']), ...group('b', 1, '1', [2], ['woman'])]);

    expect(shown('a0')).toEqual([1, 'woman']);
    expect(shown('b0')).toContain(-7);
  });

  it('refuses a k below 2', () => {
    expect(() => protectQuasiIdentifiers([authority()], new Map(), 1)).toThrow(/at least 2/);
  });

  it('always ends with every shown combination, answered waves included, held by at least k participants', () => {
    const value = (values: string[]) => fc.option(fc.constantFrom(...values, 'prefer_not_to_say'), { nil: null, freq: 4 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('11', '10', '01'), fc.tuple(value(AUTHORITIES), value(AUTHORITIES)), value(['woman', 'man', 'another_way'])), { maxLength: 80 }),
        fc.integer({ min: 2, max: 8 }),
        fc.boolean(),
        (rows, k, prioritised) => {
          const people = rows.map(([pattern, places, who], i): [string, QuasiRecord] => [`p${i}`, { pattern, values: [places, [who]] }]);
          const { check } = release([authority(prioritised ? 1 : undefined, ['b_la', 'f1_la']), gender()], people, k);
          return check.violations === 0;
        },
      ),
      { numRuns: 300 },
    );
  });
});
