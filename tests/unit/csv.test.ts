import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../functions/domain/csv.js';

describe('writing CSV', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', 3]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",3\r\n');
  });

  it('neutralises text a spreadsheet would run as a formula', () => {
    expect(['=SUM(A1)', '+1', '-2+3', '@cmd', '\tx'].map(csvCell)).toEqual(["'=SUM(A1)", "'+1", "'-2+3", "'@cmd", "'\tx"]);
    expect(csvCell(-2)).toBe('-2');
  });
});
