/** Column names every target (R, SPSS, Stata, Excel) can take, and why one cannot. */
import type { Variable } from './variable-model.js';

/** SPSS's reserved words cannot be variable names. */
const SPSS_RESERVED = new Set(['all', 'and', 'by', 'eq', 'ge', 'gt', 'le', 'lt', 'ne', 'not', 'or', 'to', 'with']);
const SPSS_NAME = /^[a-z][a-z0-9_]*$/;
const SPSS_NAME_MAX = 64;

/** Why each column name of a file is unusable, naming where it came from. */
export function columnNameProblems(file: string, variables: readonly Variable[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, Variable>();
  for (const variable of variables) {
    const { name } = variable;
    const from = origin(variable);
    if (name.length > SPSS_NAME_MAX) problems.push(`${file}: "${name}" (${from}) is ${name.length} characters long; SPSS allows ${SPSS_NAME_MAX}`);
    if (!SPSS_NAME.test(name)) problems.push(`${file}: "${name}" (${from}) must be lower-case letters, digits and underscores, starting with a letter`);
    if (SPSS_RESERVED.has(name)) problems.push(`${file}: "${name}" (${from}) is a reserved word in SPSS`);
    const first = seen.get(name);
    if (first) problems.push(`${file}: "${name}" is both ${origin(first)} and ${from}`);
    else seen.set(name, variable);
  }
  return problems;
}

function origin(variable: Variable): string {
  const source = variable.source;
  if (variable.kind === 'item' && source) return `question ${source.itemName} of ${source.instrumentId}`;
  if (variable.kind === 'attribute') return `attribute ${source?.attributeId}`;
  if (variable.kind === 'score' && source?.scaleId) return `scale ${source.scaleId} of ${source.instrumentId}`;
  if (source?.instrumentId) return `instrument ${source.instrumentId}`;
  return `a ${variable.kind} column`;
}
