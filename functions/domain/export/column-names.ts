/**
 * Question names are dataset columns, so two questions that make the same
 * column name would collide: the same name asked by two instruments (both ask
 * `email`), or one instrument's question whose shape changes between the
 * versions a study pins (a choice in 1.0.0, free text in 2.0.0).
 *
 * Wave creation refuses the first (sharedQuestionNames, so it is fixed while
 * it is cheap), but a study may already hold answers in that state, and what
 * was collected must always export. So the export renames: the first owner of
 * a name, in the design's order (waves by ordinal, instruments as pinned),
 * keeps it; another instrument's column becomes `<instrument>_<name>`, and a
 * later version's incompatible column `<name>_v<version>`. The codebook says
 * why each renamed column is not named after its question.
 */
import type { InstrumentVersion } from '../instrument.js';
import { compatibleCodings, type ItemColumn } from './item-columns.js';

export type ColumnNaming = {
  /** The column's name in the dataset: its own, or the one it is renamed to. */
  rename(column: ItemColumn): ItemColumn;
};

type Owner = { instrumentId: string; itemName: string; column: ItemColumn };

export function nameColumns(columnsInDesignOrder: readonly ItemColumn[]): ColumnNaming {
  const owners = new Map<string, Owner[]>();
  const renames = new Map<string, { name: string; because: string }>();
  const taken = new Set(columnsInDesignOrder.map((c) => c.name));

  for (const column of columnsInDesignOrder) {
    const key = keyOf(column);
    if (renames.has(key)) continue;
    const sameName = owners.get(column.name) ?? [];
    const first = sameName[0];
    const family = sameName.find((o) => o.instrumentId === column.instrumentId && o.itemName === column.itemName && compatibleCodings(o.column.coding, column.coding));
    if (!first || family) {
      if (!first) owners.set(column.name, [{ instrumentId: column.instrumentId, itemName: column.itemName, column }]);
      continue;
    }
    const otherInstrument = first.instrumentId !== column.instrumentId;
    const wanted = otherInstrument ? `${safe(column.instrumentId)}_${column.name}` : `${column.name}_v${safe(column.versions[0]!)}`;
    const name = unused(wanted, taken);
    taken.add(name);
    sameName.push({ instrumentId: column.instrumentId, itemName: column.itemName, column });
    renames.set(key, {
      name,
      because: otherInstrument
        ? `Renamed from "${column.name}": ${first.instrumentId} also asks a question of that name, and its column keeps it; this is ${column.instrumentId}'s.`
        : `Renamed from "${column.name}": ${column.instrumentId}@${column.versions.join(', ')} asks ${column.itemName} in another form than earlier versions, whose column keeps the name.`,
    });
  }

  return {
    rename(column) {
      const renamed = renames.get(keyOf(column));
      return renamed ? { ...column, name: renamed.name, renamedBecause: renamed.because } : column;
    },
  };
}

/** A column is renamed for every version of its instrument that makes it the same way (see keyOf). */
function keyOf(column: ItemColumn): string {
  return JSON.stringify([column.instrumentId, column.name, column.itemName, column.coding.kind === 'text' || column.coding.kind === 'value' ? 'single' : column.coding]);
}

function safe(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

function unused(wanted: string, taken: ReadonlySet<string>): string {
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n += 1) if (!taken.has(`${wanted}_${n}`)) return `${wanted}_${n}`;
}

/**
 * Questions that two different instruments of a study would store under the
 * same name, for refusing a wave before it collects answers: each name with
 * the instruments asking it, first asker first.
 */
export function sharedQuestionNames(instruments: readonly InstrumentVersion[], columnsOf: (instrument: InstrumentVersion) => readonly Pick<ItemColumn, 'name'>[]): { column: string; instrumentIds: string[] }[] {
  const askers = new Map<string, string[]>();
  for (const instrument of instruments) {
    for (const column of columnsOf(instrument)) {
      const ids = askers.get(column.name) ?? [];
      if (!ids.includes(instrument.id)) ids.push(instrument.id);
      askers.set(column.name, ids);
    }
  }
  return [...askers].filter(([, ids]) => ids.length > 1).map(([column, instrumentIds]) => ({ column, instrumentIds }));
}
