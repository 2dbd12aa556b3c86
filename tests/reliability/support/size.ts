/**
 * How big a reliability run is. `npm test` runs these files at the small CI
 * size; `npm run test:reliability` sets PONT_RELIABILITY_SIZE=full (the
 * issue's 500 respondents). A number sets the cohort size directly.
 */
import { mulberry32 } from '../../../sroi/monte-carlo.js';

export const FULL_COHORT = 500;
const SMALL_COHORT = 30;

export function cohortSize(): number {
  const setting = process.env.PONT_RELIABILITY_SIZE ?? 'small';
  if (setting === 'small') return SMALL_COHORT;
  if (setting === 'full') return FULL_COHORT;
  const n = Number(setting);
  if (!Number.isInteger(n) || n < 1) throw new Error(`PONT_RELIABILITY_SIZE must be small, full or a whole number, not ${setting}`);
  return n;
}

/** The seed of the run's random choices: PONT_RELIABILITY_SEED replays a run's plans (which faults hit which request also depends on timing). */
export function runSeed(): number {
  const setting = process.env.PONT_RELIABILITY_SEED;
  return setting ? Number(setting) : Math.floor(Math.random() * 2 ** 31);
}

/** A small seeded generator (the SROI Monte Carlo's mulberry32), so a failing run can be replayed from its seed. */
export const seededRandom = mulberry32;
