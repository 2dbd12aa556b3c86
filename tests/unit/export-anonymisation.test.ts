/** Pseudonyms and small-cell protection of dataset exports. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectQuasiIdentifiers, type QuasiValue } from '../../functions/domain/export/k-anonymity.js';
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

/** Rows of (local authority, age band) per participant. */
function people(rows: [string, number, QuasiValue, QuasiValue][]): Map<string, QuasiValue[]> {
  const map = new Map<string, QuasiValue[]>();
  for (const [prefix, count, authority, ageBand] of rows) {
    for (let i = 0; i < count; i++) map.set(`${prefix}${i}`, [authority, ageBand]);
  }
  return map;
}

const quasiIdentifiers = [
  { id: 'local_authority', canGeneralise: true },
  { id: 'age_band', canGeneralise: true },
];

/** The combination each participant shows after protection. */
function shown(participants: Map<string, QuasiValue[]>, k: number) {
  const protection = protectQuasiIdentifiers(quasiIdentifiers, participants, k);
  const result = new Map<string, QuasiValue[]>();
  for (const [id, values] of participants) result.set(id, values.map((value, i) => protection.protectedValue(id, quasiIdentifiers[i]!.id, value)));
  return { protection, result };
}

describe('small-cell protection (k-anonymity)', () => {
  it('leaves data alone when every combination is shared by at least k', () => {
    const participants = people([
      ['a', 5, 'cardiff', '18_20'],
      ['b', 6, 'swansea', '21_25'],
    ]);

    const { protection, result } = shown(participants, 5);

    expect(protection.report.generalised).toEqual([]);
    expect(protection.report.suppressed).toEqual([]);
    expect(result).toEqual(participants);
    expect(protection.report.smallestClass).toBe(5);
  });

  it('merges a category fewer than k hold into "other"', () => {
    const participants = people([
      ['a', 5, 'cardiff', '18_20'],
      ['b', 5, 'swansea', '18_20'],
      ['c', 2, 'ceredigion', '18_20'],
      ['d', 3, 'powys', '18_20'],
    ]);

    const { protection, result } = shown(participants, 5);

    expect(protection.report.generalised).toEqual([{ quasiIdentifier: 'local_authority', values: ['ceredigion', 'powys'], participants: 5 }]);
    expect(result.get('c0')).toEqual(['other', '18_20']);
    expect(result.get('d2')).toEqual(['other', '18_20']);
    expect(result.get('a0')).toEqual(['cardiff', '18_20']);
    expect(protection.report.suppressed).toEqual([]);
  });

  it('suppresses values until no combination is shared by fewer than k', () => {
    // Each category alone is common; some combinations are rare.
    const participants = people([
      ['a', 6, 'cardiff', '18_20'],
      ['b', 6, 'swansea', '21_25'],
      ['c', 2, 'cardiff', '21_25'],
      ['d', 1, 'swansea', '18_20'],
    ]);

    const { protection, result } = shown(participants, 5);

    expect(protection.report.suppressed.length).toBeGreaterThan(0);
    expect(result.get('a0')).toEqual(['cardiff', '18_20']);
    expect(result.get('c0')!.filter((v) => v === 'suppressed').length).toBeGreaterThan(0);
    expect(result.get('d0')!.filter((v) => v === 'suppressed').length).toBeGreaterThan(0);
  });

  it('suppresses less with a smaller k and more with a larger one', () => {
    // (local authority, gender): Cardiff is common; Swansea is common enough for k = 5 but not for k = 10; Powys is rare.
    const participants = new Map<string, QuasiValue[]>();
    const add = (prefix: string, count: number, authority: string, gender: string) => {
      for (let i = 0; i < count; i++) participants.set(`${prefix}${i}`, [authority, gender]);
    };
    add('cw', 10, 'cardiff', 'woman');
    add('cm', 4, 'cardiff', 'man');
    add('sw', 3, 'swansea', 'woman');
    add('sm', 3, 'swansea', 'man');
    add('pw', 2, 'powys', 'woman');
    const genderAnd = [
      { id: 'local_authority', canGeneralise: true },
      { id: 'gender', canGeneralise: true },
    ];
    const run = (k: number) => {
      const protection = protectQuasiIdentifiers(genderAnd, participants, k);
      const show = (id: string) => [protection.protectedValue(id, 'local_authority', participants.get(id)![0]!), protection.protectedValue(id, 'gender', participants.get(id)![1]!)];
      return { report: protection.report, show };
    };

    // k = 3: only Powys (2) is rare: merged into "other", and its two women, alone in their combination, lose both values.
    const three = run(3);
    expect(three.report.generalised).toEqual([{ quasiIdentifier: 'local_authority', values: ['powys'], participants: 2 }]);
    expect(three.report.suppressed).toEqual([
      { quasiIdentifier: 'local_authority', participants: 2 },
      { quasiIdentifier: 'gender', participants: 2 },
    ]);
    expect(three.show('sm0')).toEqual(['swansea', 'man']);
    expect(three.show('cm0')).toEqual(['cardiff', 'man']);
    expect(three.show('pw0')).toEqual(['suppressed', 'suppressed']);

    // k = 5 (the default): Cardiff men (4) and both Swansea groups (3 each) are now too small too: local authority is blanked for those 12.
    const five = run(5);
    expect(five.report.generalised).toEqual([{ quasiIdentifier: 'local_authority', values: ['powys'], participants: 2 }]);
    expect(five.report.suppressed).toEqual([{ quasiIdentifier: 'local_authority', participants: 12 }]);
    expect(five.show('sm0')).toEqual(['suppressed', 'man']);
    expect(five.show('cm0')).toEqual(['suppressed', 'man']);
    expect(five.show('pw0')).toEqual(['suppressed', 'woman']);
    expect(five.show('cw0')).toEqual(['cardiff', 'woman']);

    // k = 10: Swansea (6) joins Powys in "other", and men (7) become "other" too; the 12 outside Cardiff's women lose both values.
    const ten = run(10);
    expect(ten.report.generalised).toEqual([
      { quasiIdentifier: 'local_authority', values: ['powys', 'swansea'], participants: 8 },
      { quasiIdentifier: 'gender', values: ['man'], participants: 7 },
    ]);
    expect(ten.report.suppressed).toEqual([
      { quasiIdentifier: 'local_authority', participants: 12 },
      { quasiIdentifier: 'gender', participants: 12 },
    ]);
    expect(ten.show('sm0')).toEqual(['suppressed', 'suppressed']);
    expect(ten.show('cw0')).toEqual(['cardiff', 'woman']);
    expect(ten.report.fullySuppressedBelowK).toBe(0);
    expect([three, five, ten].map((r) => r.report.k)).toEqual([3, 5, 10]);
  });

  it('codes suppressed numbers as -7', () => {
    const participants = new Map<string, QuasiValue[]>([...Array.from({ length: 5 }, (_, i) => [`a${i}`, [1]] as [string, QuasiValue[]]), ['b0', [2]]]);
    const protection = protectQuasiIdentifiers([{ id: 'numeric', canGeneralise: false }], participants, 5);

    expect(protection.protectedValue('b0', 'numeric', 2)).toBe(-7);
    expect(protection.protectedValue('a0', 'numeric', 1)).toBe(1);
  });

  it('refuses a k below 2', () => {
    expect(() => protectQuasiIdentifiers(quasiIdentifiers, new Map(), 1)).toThrow(/at least 2/);
  });

  it('always ends with every shown combination held by at least k participants', () => {
    const category = (values: string[]) => fc.option(fc.constantFrom(...values), { nil: null });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(category(['cardiff', 'swansea', 'powys', 'conwy']), category(['16_17', '18_20', '21_25'])), { minLength: 0, maxLength: 80 }),
        fc.integer({ min: 2, max: 8 }),
        (rows, k) => {
          const participants = new Map(rows.map((values, i) => [`p${i}`, values as QuasiValue[]]));
          const { result } = shown(participants, k);
          const sizes = new Map<string, number>();
          for (const values of result.values()) sizes.set(JSON.stringify(values), (sizes.get(JSON.stringify(values)) ?? 0) + 1);
          for (const [key, size] of sizes) {
            const allSuppressed = (JSON.parse(key) as QuasiValue[]).every((v) => v === 'suppressed');
            if (!allSuppressed && size < k) return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
