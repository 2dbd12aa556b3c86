/**
 * Reading a participant list from CSV: the header names `participant_code`
 * and any of the study's declared attributes; every row is checked before
 * anything is stored, and every problem names its line.
 */
import type { ParticipantAttribute } from '../contracts/studies.js';

export type ParticipantRow = { line: number; participantCode: string; attributes: Record<string, string> };
export type CsvProblem = { line: number; message: string };

export const MAX_PARTICIPANT_ROWS = 5000;
const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const source = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += char;
  }
  if (quoted) throw new CsvSyntaxError(recordLine, 'a quoted field is never closed');
  fields.push(field);
  if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
  return records;
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export function parseParticipantCsv(text: string, attributes: readonly ParticipantAttribute[]): { rows: ParticipantRow[]; problems: CsvProblem[] } {
  let records: { line: number; fields: string[] }[];
  try {
    records = parseCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { rows: [], problems: [{ line: error.line, message: error.message }] };
    throw error;
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [{ line: 1, message: 'the file is empty: the first line must name the columns, starting with participant_code' }] };
  const columns = header.fields.map((f) => f.trim());
  const problems: CsvProblem[] = [];
  if (columns[0] !== 'participant_code') problems.push({ line: header.line, message: 'the first column must be participant_code' });
  for (const column of columns.slice(1)) {
    if (!attributes.some((a) => a.id === column)) {
      problems.push({ line: header.line, message: `"${column}" is not an attribute this study declares (${attributes.map((a) => a.id).join(', ') || 'none'}); names and contact details do not belong here` });
    }
  }
  if (new Set(columns).size !== columns.length) problems.push({ line: header.line, message: 'a column is named twice' });
  if (body.length > MAX_PARTICIPANT_ROWS) problems.push({ line: header.line, message: `at most ${MAX_PARTICIPANT_ROWS} participants per import` });
  if (problems.length > 0) return { rows: [], problems };

  const rows: ParticipantRow[] = [];
  const seen = new Map<string, number>();
  for (const record of body) {
    if (record.fields.length !== columns.length) {
      problems.push({ line: record.line, message: `has ${record.fields.length} fields but the header has ${columns.length}` });
      continue;
    }
    const participantCode = record.fields[0]!.trim();
    if (!CODE_PATTERN.test(participantCode)) {
      problems.push({ line: record.line, message: `"${participantCode}" is not a participant code: use 1–40 letters, digits, - or _` });
      continue;
    }
    const firstLine = seen.get(participantCode);
    if (firstLine !== undefined) {
      problems.push({ line: record.line, message: `${participantCode} is already on line ${firstLine}` });
      continue;
    }
    seen.set(participantCode, record.line);
    const values: Record<string, string> = {};
    let rowOk = true;
    columns.slice(1).forEach((column, index) => {
      const value = record.fields[index + 1]!.trim();
      if (value === '') return;
      const attribute = attributes.find((a) => a.id === column)!;
      if (!attribute.values.some((v) => v.value === value)) {
        problems.push({ line: record.line, message: `"${value}" is not an allowed ${column} (${attribute.values.map((v) => v.value).join(', ')})` });
        rowOk = false;
      } else values[column] = value;
    });
    if (rowOk) rows.push({ line: record.line, participantCode, attributes: values });
  }
  return { rows, problems };
}
