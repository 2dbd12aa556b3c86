/** Renaming the columns of questions that would share a dataset column (column-names.ts). */
import { describe, expect, it } from 'vitest';
import { nameColumns } from '../../functions/domain/export/column-names.js';
import type { ItemColumn } from '../../functions/domain/export/item-columns.js';

const t = (en: string) => ({ en, cy: en });
const column = (instrumentId: string, version: string, name: string, coding: ItemColumn['coding'] = { kind: 'value' }): ItemColumn => ({
  name,
  itemName: name,
  instrumentId,
  versions: [version],
  coding,
  title: t(name),
  choices: [],
  numeric: false,
});

describe('naming the columns of questions that share a name', () => {
  it('keeps the first asker’s name and gives another instrument’s column its instrument as a prefix, for every version of it', () => {
    const columns = [column('context', '1.0.0', 'email'), column('contact-form', '1.0.0', 'email'), column('contact-form', '1.1.0', 'email')];

    const named = columns.map(nameColumns(columns).rename);

    expect(named.map((c) => c.name)).toEqual(['email', 'contact_form_email', 'contact_form_email']);
    expect(named[0]!.renamedBecause).toBeUndefined();
    expect(named[1]!.renamedBecause).toMatch(/context also asks a question of that name/);
  });

  it('gives a later version’s column its version as a suffix when the question changed form under the same name', () => {
    const columns = [column('context', '1.0.0', 'housing'), column('context', '2.0.0', 'housing', { kind: 'checkboxChoice', choice: 'x' })];

    expect(columns.map(nameColumns(columns).rename).map((c) => c.name)).toEqual(['housing', 'housing_v2_0_0']);
  });

  it('never renames onto a name another question already has', () => {
    const columns = [column('a', '1.0.0', 'q'), column('b', '1.0.0', 'q'), column('a', '1.0.0', 'b_q')];

    expect(columns.map(nameColumns(columns).rename).map((c) => c.name)).toEqual(['q', 'b_q_2', 'b_q']);
  });

  it('leaves columns alone when no two instruments share a name', () => {
    const columns = [column('a', '1.0.0', 'q1'), column('a', '1.1.0', 'q1'), column('b', '1.0.0', 'q2')];

    expect(columns.map(nameColumns(columns).rename)).toEqual(columns);
  });
});
