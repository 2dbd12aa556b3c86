/**
 * The quasi-identifiers of a study's export, each with the hierarchy it may
 * be coarsened along and its priority: the study's declarations
 * (`disclosureControl`) where it made them, defaults elsewhere. The plan
 * labels the group values from these, and the export protects along them, so
 * the codebook never names a value the files cannot hold or the reverse.
 */
import type { DisclosureControl, ParticipantAttribute } from '../../contracts/studies.js';
import type { InstrumentVersion } from '../instrument.js';
import { buildHierarchy, hierarchyProblems, type Hierarchy, type HierarchyProblem } from './hierarchies.js';
import { nameColumns } from './column-names.js';
import { itemColumnsOf, mergeAcrossVersions } from './item-columns.js';
import { privacyOf } from './privacy.js';
import type { StudyDesign } from './variable-model.js';

export type QuasiIdentifierSetting = {
  hierarchy: Hierarchy;
  priority?: number;
  /** A number question: exact or withheld, never grouped. */
  numeric: boolean;
};

export type QuasiIdentifierSettings = {
  /** By attribute id: the attributes the study marks as quasi-identifiers. */
  attributes: Map<string, QuasiIdentifierSetting>;
  /** By stored answer name: the questions the study names or its instruments mark. */
  items: Map<string, QuasiIdentifierSetting>;
};

export function quasiIdentifierSettings(
  design: StudyDesign,
  privacy: { quasiIdentifierItems: readonly string[]; ageItems: readonly string[] },
  control: DisclosureControl = {},
): QuasiIdentifierSettings {
  const setting = (name: string, values: readonly string[], numeric: boolean): QuasiIdentifierSetting => {
    const declared = Object.hasOwn(control, name) ? control[name] : undefined;
    return {
      hierarchy: buildHierarchy(numeric ? [] : values, numeric ? undefined : declared?.levels),
      ...(declared?.priority !== undefined ? { priority: declared.priority } : {}),
      numeric,
    };
  };
  const attributes = new Map(
    design.attributes.filter((a) => a.quasiIdentifier).map((a) => [a.id, setting(a.id, a.values.map((v) => v.value), false)] as const),
  );
  const wanted = new Set(privacy.quasiIdentifierItems);
  const ages = new Set(privacy.ageItems);
  // Free text included: a free-text question a study names is protected (exact or withheld) when an export carries it.
  const asked = design.waves.flatMap((wave) => wave.instruments.flatMap((instrument) => itemColumnsOf(instrument, { includeFreeText: true }, ages)));
  // Named as the export names them, so two instruments asking one name (column-names.ts) merge as they do there.
  const columns = mergeAcrossVersions(asked.map(nameColumns(asked).rename));
  const items = new Map<string, QuasiIdentifierSetting>();
  for (const column of columns) {
    // A question making several columns (a checkbox's choices) is protected by its first, as the export always has.
    if (!wanted.has(column.itemName) || items.has(column.itemName)) continue;
    const numeric = column.numeric && column.coding.kind !== 'ageBand';
    items.set(column.itemName, setting(column.itemName, column.choices.map((c) => String(c.value)), numeric));
  }
  return { attributes, items };
}

/**
 * What is wrong with a study's declarations, each with its path, for a 400:
 * every one must name a declared quasi-identifier attribute, or a question of
 * the instrument it names (published) that the study names or the instrument
 * marks as a quasi-identifier; and its levels must map every value (for a
 * question, every choice of every published version) as hierarchyProblems
 * checks. A number question takes no levels: it is exact or withheld.
 */
export function disclosureControlProblems(
  control: DisclosureControl,
  attributes: readonly ParticipantAttribute[],
  quasiIdentifierItems: readonly string[],
  publishedVersions: ReadonlyMap<string, readonly InstrumentVersion[]>,
): HierarchyProblem[] {
  const problems: HierarchyProblem[] = [];
  for (const [name, declared] of Object.entries(control)) {
    const path = `disclosureControl.${name}`;
    if (declared.instrument === undefined) {
      const attribute = attributes.find((a) => a.id === name);
      if (!attribute) problems.push({ path, message: `"${name}" is not a declared attribute (declared: ${attributes.map((a) => a.id).join(', ') || 'none'}); for a question, name its instrument too` });
      else if (!attribute.quasiIdentifier) problems.push({ path, message: `"${name}" is declared as not a quasi-identifier, so exports do not protect it: mark it as one, or leave it out here` });
      else problems.push(...hierarchyProblems(attribute.values.map((v) => v.value), declared.levels ?? [], path));
      continue;
    }
    const versions = publishedVersions.get(declared.instrument) ?? [];
    if (versions.length === 0) {
      problems.push({ path: `${path}.instrument`, message: `instrument "${declared.instrument}" is not published` });
      continue;
    }
    let columns: ReturnType<typeof itemColumnsOf>;
    try {
      columns = versions.flatMap((version) => itemColumnsOf(version, { includeFreeText: false }, new Set(privacyOf(version).ages ?? [])).filter((c) => c.itemName === name));
    } catch (error) {
      problems.push({ path: `${path}.instrument`, message: (error as Error).message });
      continue;
    }
    if (columns.length === 0) {
      problems.push({ path, message: `"${name}" is not a question of ${declared.instrument} (in ${versions.map((v) => v.version).join(', ')})` });
      continue;
    }
    const marked = versions.some((version) => {
      const privacy = privacyOf(version);
      return [...(privacy.quasiIdentifiers ?? []), ...(privacy.ages ?? [])].includes(name);
    });
    if (!marked && !quasiIdentifierItems.includes(name)) {
      problems.push({ path, message: `"${name}" is not a quasi-identifier: name it in quasiIdentifierItems, or leave it out here` });
      continue;
    }
    const numeric = columns.every((c) => c.numeric && c.coding.kind !== 'ageBand');
    if (numeric && (declared.levels?.length ?? 0) > 0) {
      problems.push({ path: `${path}.levels`, message: `"${name}" is a number question: it is exported exact or withheld, so it takes no levels` });
      continue;
    }
    const values = [...new Set(columns.flatMap((c) => c.choices.map((choice) => String(choice.value))))];
    problems.push(...hierarchyProblems(values, declared.levels ?? [], path));
  }
  return problems;
}
