/** Rows of the dataset files for one participant: the long, wide and scores files tell the same story. */
import { describe, expect, it } from 'vitest';
import { ParticipantRowBuilder, type ExportedResponse } from '../../functions/domain/export/rows.js';
import { planVariables } from '../../functions/domain/export/variables.js';
import { exportStudyDesign } from '../support/export-design.js';

const design = exportStudyDesign();
const variables = planVariables(design, { includeFreeText: false });
const builder = new ParticipantRowBuilder(variables, design.waves, (_pid, _id, value) => value);

function response(waveId: string, instrumentId: string, completedAt: string): ExportedResponse {
  const instrument = design.waves.find((w) => w.waveId === waveId)!.instruments.find((i) => i.id === instrumentId)!;
  return { waveId, instrumentId, instrumentVersion: instrument.version, status: 'complete', language: 'en', answers: {}, savedAt: completedAt, completedAt };
}

describe('participant rows', () => {
  it('give every row of a wave the days since baseline of the wave, as the wide file does, when its instruments finish either side of midnight', () => {
    // Baseline completed at 23:50; the six-month wave answered across midnight, 182 days and 10 minutes on, and 183 days and 20 minutes on.
    const rows = builder.build({
      pseudonym: 'p1',
      attributes: {},
      baselineCompletedAt: '2026-01-01T23:50:00.000Z',
      responses: [
        response('baseline', 'ons4', '2026-01-01T23:50:00.000Z'),
        response('six-months', 'ons4', '2026-07-03T00:00:00.000Z'),
        response('six-months', 'swemwbs', '2026-07-03T00:10:00.000Z'),
        response('six-months', 'care-leaver-engagement', '2026-07-04T00:10:00.000Z'),
      ],
    });

    const column = (name: string) => variables.long.findIndex((v) => v.name === name);
    const wide = (name: string) => rows.wide![variables.wide.findIndex((v) => v.name === name)];
    const sixMonths = rows.long.filter((row) => row[column('wave')] === 'six-months');
    expect(wide('f1_days_since_baseline')).toBe(183);
    expect(sixMonths.map((row) => row[column('days_since_baseline')])).toEqual([183, 183, 183]);
    const scoresDays = variables.scores.findIndex((v) => v.name === 'days_since_baseline');
    const scoresWave = variables.scores.findIndex((v) => v.name === 'wave');
    expect(new Set(rows.scores.filter((row) => row[scoresWave] === 'six-months').map((row) => row[scoresDays]))).toEqual(new Set([183]));
  });
});
