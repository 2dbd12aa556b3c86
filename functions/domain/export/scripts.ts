/**
 * load.R and load.sps: scripts that read the three CSVs of a dataset export
 * (UTF-8 with a byte-order mark, comma-separated, a header row) and apply the
 * codebook's variable labels, value labels and missing values, in English by
 * default or in Welsh at the flip of one setting at the top.
 *
 * Both are checked by real interpreters in tests/unit/export-scripts.test.ts:
 * R (base R only, no packages) and GNU PSPP for SPSS syntax.
 */
import { DATASET_FILES, SPECIAL_CODES, type DatasetVariables, type Variable } from './variables.js';

type FileKey = keyof DatasetVariables;
const FILE_KEYS: FileKey[] = ['long', 'wide', 'scores'];

/** The data frame (R) and dataset (SPSS) each file is read into. */
const DATASET_NAMES: Record<FileKey, string> = { long: 'responses_long', wide: 'responses_wide', scores: 'scores' };

// ---- R ------------------------------------------------------------------------------------------

const R_HEADER = `# Pont dataset export: reads responses_long.csv, responses_wide.csv and
# scores.csv into data frames of those names and applies the codebook's
# variable labels, value labels and missing values. Base R only.
#
# Run it from the folder holding the CSVs (Rscript load.R, or source("load.R")
# in R or RStudio), or set data_dir below.
#
# Each column gets attr(x, "label") and, where it has them, attr(x, "labels"):
# a named vector of codes, as the haven and labelled packages use. The codes
# for "prefer not to say" (-9), "not applicable" (-8), "suppressed" to
# protect anonymity (-7), "refused" (-6) and "don't know" (-5), or their
# text forms in text columns, become NA (their labels stay) unless
# special_codes_to_na is FALSE.
# pont_factor(x) turns a column whose every value is labelled into a factor.

# ---- Settings ----------------------------------------------------------------
labels_language <- "en"  # "en": English labels; "cy": Welsh labels (Cymraeg)
data_dir <- "."
special_codes_to_na <- TRUE

# ---- Helpers -----------------------------------------------------------------
pont_read <- function(file, classes) {
  # encoding = "UTF-8" keeps Welsh letters whatever the locale; the
  # byte-order mark is then left on the first column's name, and removed.
  data <- utils::read.csv(file.path(data_dir, file), encoding = "UTF-8",
    colClasses = unname(classes), na.strings = "", check.names = FALSE,
    stringsAsFactors = FALSE)
  names(data)[1] <- sub("^\\ufeff", "", names(data)[1])
  if (!identical(names(data), names(classes))) {
    stop(file, " does not have the columns this script expects: use the load.R exported with it")
  }
  data
}

pont_label <- function(data, name, en, cy, values = NULL, values_en = NULL,
                       values_cy = NULL, missing = NULL) {
  x <- data[[name]]
  if (special_codes_to_na && length(missing) > 0) x[x %in% missing] <- NA
  attr(x, "label") <- if (labels_language == "cy") cy else en
  if (length(values) > 0) {
    attr(x, "labels") <- stats::setNames(values, if (labels_language == "cy") values_cy else values_en)
  }
  if (length(missing) > 0) attr(x, "missing_codes") <- missing
  data[[name]] <- x
  data
}

pont_factor <- function(x) {
  labels <- attr(x, "labels")
  factor(x, levels = unname(labels), labels = names(labels))
}
`;

/** load.R: base R, no packages. */
export function loadR(vars: DatasetVariables): string {
  const parts = [R_HEADER];
  for (const key of FILE_KEYS) {
    const frame = DATASET_NAMES[key];
    parts.push(`# ---- ${DATASET_FILES[key]} ${'-'.repeat(Math.max(3, 70 - DATASET_FILES[key].length))}`);
    parts.push(`${frame} <- pont_read(${rString(DATASET_FILES[key])}, c(\n${vars[key].map((v) => `  ${rString(v.name)} = "${v.type === 'numeric' ? 'numeric' : 'character'}"`).join(',\n')}\n))`);
    for (const variable of vars[key]) parts.push(rLabelCall(frame, variable));
    parts.push('');
  }
  return `${parts.join('\n')}\n`;
}

function rLabelCall(frame: string, v: Variable): string {
  const args = [`en = ${rString(v.label.en)}`, `cy = ${rString(v.label.cy)}`];
  if (v.valueLabels.length > 0) {
    args.push(`values = ${rVector(v.valueLabels.map((l) => rValue(v, l.value)))}`);
    args.push(`values_en = ${rVector(v.valueLabels.map((l) => rString(l.label.en)))}`);
    args.push(`values_cy = ${rVector(v.valueLabels.map((l) => rString(l.label.cy)))}`);
  }
  if (v.missingValues.length > 0) args.push(`missing = ${rVector(v.missingValues.map((m) => rValue(v, m)))}`);
  return `${frame} <- pont_label(${frame}, ${rString(v.name)},\n  ${args.join(',\n  ')})`;
}

function rValue(v: Variable, value: number | string): string {
  return v.type === 'numeric' ? String(value) : rString(String(value));
}

function rVector(items: string[]): string {
  const inline = `c(${items.join(', ')})`;
  return inline.length <= 80 ? inline : `c(\n    ${items.join(',\n    ')}\n  )`;
}

/**
 * An R string literal. Characters beyond ASCII are written as \u escapes so
 * that the script means the same in any locale (R on Windows before 4.2 reads
 * scripts in the system code page).
 */
export function rString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code > 0x7e) out += code > 0xffff ? `\\U{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

// ---- SPSS ---------------------------------------------------------------------------------------

/** SPSS limits, in bytes: variable labels 255 (256 in newer versions), value labels 120, string widths 32767. */
const SPSS_VARIABLE_LABEL_BYTES = 255;
const SPSS_VALUE_LABEL_BYTES = 120;
/** Syntax lines are kept well under SPSS's 256-byte limit: long strings are split and joined with +. */
const SPSS_STRING_PIECE_BYTES = 100;

/**
 * SPSS allows string missing values of at most 8 bytes, so in text columns
 * the special codes are recoded to the text forms of the numeric codes.
 */
const SPSS_STRING_CODES: Record<string, string> = {
  [SPECIAL_CODES.preferNotToSay.string]: String(SPECIAL_CODES.preferNotToSay.numeric),
  [SPECIAL_CODES.notApplicable.string]: String(SPECIAL_CODES.notApplicable.numeric),
  [SPECIAL_CODES.suppressed.string]: String(SPECIAL_CODES.suppressed.numeric),
  [SPECIAL_CODES.refused.string]: String(SPECIAL_CODES.refused.numeric),
  [SPECIAL_CODES.dontKnow.string]: String(SPECIAL_CODES.dontKnow.numeric),
};

// A comment runs until a line ending with a period: only the last line of each has one.
const SPS_HEADER = `* Pont dataset export: reads responses_long.csv, responses_wide.csv and
* scores.csv into datasets of those names and applies the codebook's
* variable labels, value labels and missing values.
* Run it with the CSVs in the current folder, or put their folder in CD below.
* Missing values: -9 prefer not to say, -8 not applicable, -7 suppressed to
* protect anonymity, -6 refused, -5 don't know. SPSS allows text missing
* values of at most 8 bytes, so in text columns prefer_not_to_say,
* not_applicable, suppressed, refused and dontknow are recoded to '-9',
* '-8', '-7', '-6' and '-5'.

* ---- Settings ----.
* Labels: en for English, cy for Welsh (Cymraeg): change en to cy below.
DEFINE !pont_language () en !ENDDEFINE.
CD '.'.
`;

/** load.sps: SPSS syntax (GET DATA, VARIABLE LABELS, VALUE LABELS, MISSING VALUES), also run by PSPP. */
export function loadSps(vars: DatasetVariables): string {
  const parts = [SPS_HEADER];
  for (const key of FILE_KEYS) parts.push(spsFileSection(key, vars[key]));
  parts.push(`DATASET ACTIVATE ${DATASET_NAMES.long}.`);
  parts.push(`* To keep SPSS files: SAVE OUTFILE='responses_long.sav' after DATASET ACTIVATE responses_long, and so on.`);
  return `${parts.join('\n')}\n`;
}

function spsFileSection(key: FileKey, variables: readonly Variable[]): string {
  const dataset = DATASET_NAMES[key];
  const lines = [
    `* ---- ${DATASET_FILES[key]} ----.`,
    'GET DATA',
    '  /TYPE=TXT',
    `  /FILE=${spsString(DATASET_FILES[key])}`,
    "  /ENCODING='UTF8'",
    '  /ARRANGEMENT=DELIMITED',
    '  /DELCASE=LINE',
    '  /FIRSTCASE=2',
    '  /DELIMITERS=","',
    `  /QUALIFIER='"'`,
    '  /VARIABLES=',
    // Numbers are read with no implied decimals (F40.0 reads 3.25 as 3.25); FORMATS sets how they show.
    ...variables.map((v) => `    ${v.name} ${v.type === 'numeric' ? 'F40.0' : `A${Math.max(v.width ?? 1, 2)}`}`),
    '.',
  ];

  const recoded = variables.filter((v) => v.type === 'string' && v.missingValues.some((m) => Object.hasOwn(SPSS_STRING_CODES, String(m))));
  if (recoded.length > 0) {
    const mapping = Object.entries(SPSS_STRING_CODES).map(([from, to]) => `(${spsString(from)}=${spsString(to)})`);
    lines.push(`RECODE\n  ${recoded.map((v) => v.name).join('\n  ')}\n  ${mapping.join(' ')}.`);
  }

  for (const [list, names] of groupBy(variables.filter((v) => v.missingValues.length > 0), (v) => spsMissingList(v))) {
    lines.push(`MISSING VALUES\n  ${names.map((v) => v.name).join('\n  ')}\n  (${list}).`);
  }
  for (const [format, names] of groupBy(variables.filter((v) => v.type === 'numeric'), displayFormat)) {
    lines.push(`FORMATS\n  ${names.map((v) => v.name).join('\n  ')}\n  (${format}).`);
  }

  const macro = `!pont_labels_${dataset}`;
  lines.push(
    `DEFINE ${macro} ()`,
    '!IF (!EVAL(!pont_language) !EQ cy) !THEN',
    ...spsLabels(variables, 'cy'),
    '!ELSE',
    ...spsLabels(variables, 'en'),
    '!IFEND',
    '!ENDDEFINE.',
    `${macro}.`,
    'EXECUTE.',
    // A named copy: reading the next file replaces the active dataset, and in PSPP even a named one.
    `DATASET COPY ${dataset}.`,
    '',
  );
  return lines.join('\n');
}

function spsLabels(variables: readonly Variable[], language: 'en' | 'cy'): string[] {
  const lines: string[] = [];
  for (const v of variables) {
    lines.push(`VARIABLE LABELS ${v.name} ${spsText(v.label[language], SPSS_VARIABLE_LABEL_BYTES)}.`);
    if (v.valueLabels.length > 0) {
      const pairs = v.valueLabels.map((l) => `  ${spsValue(v, l.value)} ${spsText(l.label[language], SPSS_VALUE_LABEL_BYTES)}`);
      lines.push(`VALUE LABELS ${v.name}\n${pairs.join('\n')}.`);
    }
  }
  return lines;
}

/**
 * SPSS declares at most three discrete missing values; a numeric column with
 * more codes (all of them the export's own, which no answer may take) gets
 * their range instead. Text columns never have more than three: instrument
 * validate refuses a text-valued question offering more than two kinds of
 * non-answer (question-support.ts).
 */
function spsMissingList(v: Variable): string {
  if (v.type === 'numeric' && v.missingValues.length > 3) {
    const codes = v.missingValues.map(Number);
    return `${Math.min(...codes)} THRU ${Math.max(...codes)}`;
  }
  return v.missingValues.map((m) => spsValue(v, m)).join(', ');
}

/** A value as SPSS holds it: text codes of special values recoded (see SPSS_STRING_CODES). */
function spsValue(v: Variable, value: number | string): string {
  if (v.type === 'numeric') return String(value);
  return spsString(SPSS_STRING_CODES[String(value)] ?? String(value));
}

/** Whole numbers for codes, counts and days; two decimals for scores and number answers. */
function displayFormat(v: Variable): string {
  const source = v.value;
  if (source.from === 'score') return source.field === 'answered' || source.field === 'meaningfulChange' ? 'F8.0' : 'F8.2';
  if (source.from === 'item') {
    const coded = source.coding && source.coding.kind !== 'value';
    const labelled = v.valueLabels.filter((l) => !v.missingValues.includes(l.value));
    const whole = labelled.length > 0 && labelled.every((l) => Number.isInteger(l.value));
    return coded || whole ? 'F8.0' : 'F8.2';
  }
  return 'F8.0';
}

/** A label: cut to SPSS's limit at a character boundary, split into pieces joined with + to keep lines short. */
function spsText(text: string, maxBytes: number): string {
  const pieces: string[] = [];
  let piece = '';
  let total = 0;
  for (const char of text.replace(/[\r\n\t]+/g, ' ')) {
    const bytes = Buffer.byteLength(char, 'utf8');
    if (total + bytes > maxBytes) break;
    if (Buffer.byteLength(piece, 'utf8') + bytes > SPSS_STRING_PIECE_BYTES) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
    total += bytes;
  }
  pieces.push(piece);
  return pieces.map(spsString).join(' +\n    ');
}

/** A quoted SPSS string: double quotes, a double quote inside written twice (apostrophes need nothing). */
function spsString(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
