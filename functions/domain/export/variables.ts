/**
 * The variables of a dataset export: which columns each CSV has, in which
 * order, and everything the codebook, load.R and load.sps say about them.
 *
 * Columns come from the study's design (its declared attributes, its waves and
 * the instrument versions they pin), never from the data, so the same study
 * exported twice has the same columns in the same order whatever the newest
 * response contains. Items are matched across instrument versions by their
 * stable question names.
 *
 * This file makes the plan from the parts beside it: the export's own
 * variables (design-variables.ts), the items (item-columns.ts), the scores
 * (score-variables.ts) and the name checks (spss-names.ts). The types, which
 * are the contract with codebook.ts, scripts.ts and the row builder
 * (rows.ts), are in variable-model.ts and re-exported here.
 */
import { questionsOf } from '../instrument-questions.js';
import type { InstrumentVersion } from '../instrument.js';
import { quasiIdentifierSettings } from './disclosure-control.js';
import { groupLabels, hierarchyInWords, type Hierarchy } from './hierarchies.js';
import { attributeVariable, daysSinceBaselineVariable, instrumentVersionVariable, languageVariable, pseudonymVariable, rowDesignVariables, statusVariable } from './design-variables.js';
import { nameColumns } from './column-names.js';
import { itemColumnsOf, itemVariable, mergeAcrossVersions, NO_ANSWER, type ItemColumn } from './item-columns.js';
import { privacyOf } from './privacy.js';
import { baselineScaleOf, scaleColumnNames, scoreFileVariables, wideScaleVariables } from './score-variables.js';
import { columnNameProblems } from './spss-names.js';
import { DATASET_FILES, type DatasetVariables, type PlanContext, type PlanOptions, type StudyDesign, type Variable, type Wave, wavePrefix } from './variable-model.js';
import { ExportNotPossible } from './export-not-possible.js';

export { DATASET_FILES, SPECIAL_CODES, wavePrefix } from './variable-model.js';
export type { DatasetVariables, ItemCoding, PlanOptions, StudyDesign, ValueLabel, ValueSource, Variable, VariableKind } from './variable-model.js';
export { encodeItemValue } from './item-columns.js';

// ---- the plan ---------------------------------------------------------------------------------

/** Which questions of a design are quasi-identifiers, and why; which are ages. By stored answer name. */
export type StudyPrivacy = {
  /** Every quasi-identifier question: the study's, then those the instruments mark (ages included). */
  quasiIdentifierItems: string[];
  /** Marked by an instrument of the design (ages included). */
  markedByInstruments: string[];
  /** Named by the study (quasiIdentifierItems) and asked by the design. */
  namedByStudy: string[];
  /** Marked as ages by an instrument: exported as bands. */
  ageItems: string[];
};

/**
 * The privacy marks of every instrument version the design pins, applied by
 * stored answer name: a question marked in one version is treated so in every
 * version and wave that asks it (names are stable across versions), so a
 * follow-up pinning an unmarked version is protected like the baseline.
 */
export function studyPrivacy(design: StudyDesign, studyItems: readonly string[] = []): StudyPrivacy {
  const marked: string[] = [];
  const ages: string[] = [];
  const asked = new Set<string>();
  for (const instrument of design.waves.flatMap((wave) => wave.instruments)) {
    const privacy = privacyOf(instrument);
    const quasiNames = new Set([...(privacy.quasiIdentifiers ?? []), ...(privacy.ages ?? [])]);
    const ageNames = new Set(privacy.ages ?? []);
    for (const question of questionsOf(instrument)) {
      if (NO_ANSWER.has(String(question.type))) continue;
      const itemName = String(question.valueName ?? question.name);
      asked.add(itemName);
      const named = (names: Set<string>) => names.has(itemName) || names.has(String(question.name));
      if (named(quasiNames) && !marked.includes(itemName)) marked.push(itemName);
      if (named(ageNames) && !ages.includes(itemName)) ages.push(itemName);
    }
  }
  const namedByStudy = [...new Set(studyItems)].filter((name) => asked.has(name));
  return {
    quasiIdentifierItems: [...new Set([...namedByStudy, ...marked])],
    markedByInstruments: marked,
    namedByStudy,
    ageItems: ages,
  };
}

/**
 * Every column of the three files, from the design alone. Questions that
 * would make the same column are renamed (column-names.ts). Throws one error
 * listing every problem when a column name would be invalid in SPSS or taken
 * twice, or when a question cannot be laid out in fixed columns.
 */
export function planVariables(design: StudyDesign, options: PlanOptions): DatasetVariables {
  const waves = [...design.waves].sort((a, b) => a.ordinal - b.ordinal);
  const privacy = studyPrivacy(design, options.quasiIdentifierItems);
  const settings = quasiIdentifierSettings(design, privacy, options.disclosureControl);
  const context: PlanContext = {
    options,
    scaleNames: scaleColumnNames(waves),
    quasiItems: new Set(privacy.quasiIdentifierItems),
    quasiHierarchies: new Map([...settings.items].map(([name, setting]) => [name, labelsOf(setting.hierarchy)])),
    markedItems: new Set(privacy.markedByInstruments),
    ageItems: new Set(privacy.ageItems),
  };
  const attributes = design.attributes.map((attribute) => {
    const setting = settings.attributes.get(attribute.id);
    return attributeVariable(attribute, options, setting && labelsOf(setting.hierarchy));
  });
  // Each pinned version's item columns, worked out once: the names, the long file and the wide file all read them.
  const itemColumns = new Map<InstrumentVersion, ItemColumn[]>();
  const columnsOf = (instrument: InstrumentVersion) => {
    let columns = itemColumns.get(instrument);
    if (!columns) itemColumns.set(instrument, (columns = itemColumnsOf(instrument, options, context.ageItems)));
    return columns;
  };
  const naming = nameColumns(waves.flatMap((wave) => wave.instruments.flatMap(columnsOf)));
  const namedColumnsOf = (instrument: InstrumentVersion) => columnsOf(instrument).map(naming.rename);

  const long: Variable[] = [
    pseudonymVariable(options),
    ...rowDesignVariables(waves),
    statusVariable({}),
    languageVariable({}),
    ...attributes,
    ...mergeAcrossVersions(waves.flatMap((wave) => wave.instruments.flatMap(namedColumnsOf))).map((column) => itemVariable(column, context)),
  ];

  const wide: Variable[] = [pseudonymVariable(options), ...attributes];
  const baseline = waves.find((wave) => wave.ordinal === 0);
  for (const wave of waves) wide.push(...wideWaveVariables(wave, baseline, context, namedColumnsOf));

  const scores: Variable[] = [pseudonymVariable(options), ...rowDesignVariables(waves), ...scoreFileVariables(waves)];

  const problems = [...columnNameProblems(DATASET_FILES.long, long), ...columnNameProblems(DATASET_FILES.wide, wide), ...columnNameProblems(DATASET_FILES.scores, scores)];
  if (problems.length > 0) throw new ExportNotPossible(`The study's columns cannot be exported:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { long, wide, scores };
}

function labelsOf(hierarchy: Hierarchy) {
  return { groups: groupLabels(hierarchy), levels: hierarchyInWords(hierarchy) };
}

function wideWaveVariables(wave: Wave, baseline: Wave | undefined, context: PlanContext, columnsOf: (instrument: InstrumentVersion) => ItemColumn[]): Variable[] {
  const where = { waveId: wave.waveId, prefix: wavePrefix(wave.ordinal), waveName: wave.name };
  const variables: Variable[] = [daysSinceBaselineVariable(where), languageVariable(where)];
  for (const instrument of wave.instruments) {
    const ofInstrument = { ...where, instrumentId: instrument.id, title: instrument.title };
    variables.push(statusVariable(ofInstrument), instrumentVersionVariable(ofInstrument, [instrument.version]));
    // One version: two questions making the same column are caught by the name check.
    for (const column of columnsOf(instrument)) {
      variables.push(itemVariable(column, context, { prefix: where.prefix, waveId: wave.waveId, name: wave.name }));
    }
    for (const scale of instrument.scales ?? []) {
      const baselineScale = wave === baseline ? undefined : baselineScaleOf(baseline, instrument.id, scale.id);
      variables.push(...wideScaleVariables(wave, instrument, scale, baselineScale, context));
    }
  }
  return variables;
}
