import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParticipantAttribute } from '../../functions/contracts/studies.js';
import { parseCsvRecords, parseParticipantCsv } from '../../functions/domain/participant-csv.js';

const t = (en: string) => ({ en, cy: en });
const attributes: ParticipantAttribute[] = [
  { id: 'age_band', label: t('Age band'), values: [{ value: '16-17', label: t('16–17') }, { value: '18-20', label: t('18–20') }], quasiIdentifier: true },
  { id: 'local_authority', label: t('Local authority'), values: [{ value: 'cardiff', label: t('Cardiff') }], quasiIdentifier: true },
];

describe('reading participants from CSV', () => {
  it('reads codes and declared attributes, leaving empty attributes out', () => {
    const { rows, problems } = parseParticipantCsv('participant_code,age_band,local_authority\r\nP-1,16-17,cardiff\r\nP-2,18-20,\r\n', attributes);

    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, participantCode: 'P-1', attributes: { age_band: '16-17', local_authority: 'cardiff' } },
      { line: 3, participantCode: 'P-2', attributes: { age_band: '18-20' } },
    ]);
  });

  it('reports each bad row with its line number', () => {
    const csv = ['participant_code,age_band', 'P-1,16-17', 'P 2,16-17', 'P-3,99', 'P-1,18-20', 'P-5'].join('\n');

    const { problems } = parseParticipantCsv(csv, attributes);

    expect(problems).toEqual([
      { line: 3, message: expect.stringMatching(/"P 2" is not a participant code/) },
      { line: 4, message: expect.stringMatching(/"99" is not an allowed age_band/) },
      { line: 5, message: 'P-1 is already on line 2' },
      { line: 6, message: 'has 1 fields but the header has 2' },
    ]);
  });

  it('refuses columns the study did not declare, such as names or contact details', () => {
    const { problems } = parseParticipantCsv('participant_code,name,phone\nP-1,Sam,0700\n', attributes);

    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/"name" is not an attribute/), expect.stringMatching(/"phone" is not an attribute/)]);
  });

  it('counts lines inside quoted fields and reports an unclosed quote', () => {
    expect(parseCsvRecords('a,b\n"x\ny",z\nlast,row')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x\ny', 'z'] },
      { line: 4, fields: ['last', 'row'] },
    ]);
    expect(parseParticipantCsv('participant_code\n"P-1\n', attributes).problems).toEqual([{ line: 2, message: 'a quoted field is never closed' }]);
  });

  it('never throws and never accepts a row it also reports, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (body) => {
        const { rows, problems } = parseParticipantCsv(`participant_code,age_band\n${body}`, attributes);
        const reported = new Set(problems.map((p) => p.line));
        expect(rows.every((row) => !reported.has(row.line))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
