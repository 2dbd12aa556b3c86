/**
 * The codebook: every variable of every file of a dataset export, with its
 * labels in English and Welsh, type, value labels, missing values, where it
 * comes from (instrument and every version that has it) and how it was
 * derived. codebook.csv for people and spreadsheets, codebook.json for code.
 *
 * A variable that is the same in several files (pid, wave …) is one entry
 * naming every file it is in.
 */
import type { LocalisedText } from '../../contracts/common.js';
import { toCsv } from '../csv.js';
import { DATASET_FILES, SPECIAL_CODES, type DatasetVariables, type ValueLabel, type Variable } from './variables.js';

export type CodebookEntry = {
  files: string[];
  variable: Variable;
};

/** Every variable once, in file order (long, wide, scores), with the files it appears in. */
export function codebookEntries(vars: DatasetVariables): CodebookEntry[] {
  const entries: CodebookEntry[] = [];
  const byContent = new Map<string, CodebookEntry>();
  for (const key of ['long', 'wide', 'scores'] as const) {
    for (const variable of vars[key]) {
      const content = JSON.stringify(variable);
      const same = byContent.get(content);
      if (same) {
        if (!same.files.includes(DATASET_FILES[key])) same.files.push(DATASET_FILES[key]);
        continue;
      }
      const entry = { files: [DATASET_FILES[key]], variable };
      byContent.set(content, entry);
      entries.push(entry);
    }
  }
  return entries;
}

export const CODEBOOK_CSV_COLUMNS = [
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
] as const;

/** codebook.csv, without the byte-order mark (the package adds it). Value labels read `1 = Often | 2 = Rarely`. */
export function codebookCsv(vars: DatasetVariables): string {
  const rows = codebookEntries(vars).map(({ files, variable: v }) => [
    files.join('; '),
    v.name,
    v.label.en,
    v.label.cy,
    v.kind,
    v.type,
    valueLabelsText(v.valueLabels, 'en'),
    valueLabelsText(v.valueLabels, 'cy'),
    v.missingValues.join(' | '),
    v.source?.instrumentId,
    v.source?.versions?.join('; '),
    v.source?.scaleId,
    v.source?.itemName,
    v.source?.attributeId,
    v.source?.waveId,
    v.itemText?.en,
    v.itemText?.cy,
    v.derivation,
  ]);
  return toCsv(CODEBOOK_CSV_COLUMNS, rows);
}

function valueLabelsText(labels: readonly ValueLabel[], language: keyof LocalisedText): string {
  return labels.map((l) => `${l.value} = ${l.label[language]}`).join(' | ');
}

/**
 * codebook.json: the caller's facts about the export (study, waves, options…)
 * and then the columns of each file, the special codes and every variable.
 */
export function codebookJson<Meta extends Record<string, unknown>>(vars: DatasetVariables, meta: Meta) {
  return {
    ...meta,
    files: {
      [DATASET_FILES.long]: vars.long.map((v) => v.name),
      [DATASET_FILES.wide]: vars.wide.map((v) => v.name),
      [DATASET_FILES.scores]: vars.scores.map((v) => v.name),
    },
    specialCodes: SPECIAL_CODES,
    variables: codebookEntries(vars).map(({ files, variable: v }) => ({
      files,
      name: v.name,
      kind: v.kind,
      type: v.type,
      label: v.label,
      ...(v.itemText && { itemText: v.itemText }),
      valueLabels: v.valueLabels,
      missingValues: v.missingValues,
      ...(v.width !== undefined && { width: v.width }),
      ...(v.source && { source: v.source }),
      ...(v.derivation && { derivation: v.derivation }),
    })),
  };
}
