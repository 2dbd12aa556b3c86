/**
 * An instrument file for tests and benchmarks: the header every made-up
 * instrument shares (not validated, MIT, English official and Welsh draft),
 * with what the caller gives over it.
 */
import type { InstrumentFile } from '../../functions/domain/instrument.js';

type Given = Pick<InstrumentFile, 'id' | 'survey'> & Partial<InstrumentFile>;

export function testInstrumentFile(given: Given): InstrumentFile {
  return {
    version: '1.0.0',
    title: { en: given.id, cy: given.id },
    description: { en: 'Test', cy: 'Prawf' },
    source: 'Pont tests',
    validated: false,
    licence: { name: 'MIT' },
    translations: { en: 'official', cy: 'draft' },
    ...given,
  };
}
