/** The wave index (GSI1): a wave's responses, links and consent decisions in one partition. */
import { queryAll } from './client.js';
import { keys } from './keys.js';

/** Every item of a wave's index partition: responses, links and consent decisions. */
export function readWaveIndex(studyId: string, waveId: string): Promise<Record<string, unknown>[]> {
  return queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :wave',
    ExpressionAttributeValues: { ':wave': keys.waveIndex(studyId, waveId, '', 'LINK').GSI1PK },
  });
}
