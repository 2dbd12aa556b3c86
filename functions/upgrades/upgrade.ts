/** What one data upgrade is (the list and its rules: upgrades.ts). */
import type { UpgradeSummary } from '../storage/upgrades.js';

export type { UpgradeSummary } from '../storage/upgrades.js';

export type Upgrade = {
  /** `<4-digit number>-<what it does>`: its order, and its record's key. */
  id: string;
  run: () => Promise<UpgradeSummary>;
};
