/**
 * Data upgrades: changes to stored data that a new version of Pont needs,
 * run once per table, in this order, by one runner (run-upgrades.ts) in both
 * modes: at `npm start` (infra/local/platform.ts), and as a step of
 * `cdk deploy` (a custom resource, infra/aws/upgrades.ts).
 *
 * Rules for adding one:
 * - append it with the next number; never renumber, reorder or remove one
 *   (a table records upgrades by id, and the deploy step asks for ids it was
 *   given at an earlier deploy when CloudFormation rolls back);
 * - make it idempotent, with conditional writes: a run cut short is run again
 *   from the start, and two runners at once (two deploys, a deploy and a
 *   start) may both run it;
 * - touch storage only through functions/storage/ modules, and leave items it
 *   does not have to change exactly as they are;
 * - report what it did, and anything people must now do, in its summary.
 */
import { usersListed } from './0001-users-listed.js';
import { studyOwners } from './0002-study-owners.js';
import { instrumentLibrary } from './0003-instrument-library.js';
import type { Upgrade } from './upgrade.js';

export type { Upgrade, UpgradeSummary } from './upgrade.js';

export const UPGRADES: readonly Upgrade[] = [usersListed, studyOwners, instrumentLibrary];

/** The ids of UPGRADES, in order. */
export const upgradeIds = (upgrades: readonly Upgrade[] = UPGRADES): string[] => upgrades.map((upgrade) => upgrade.id);
