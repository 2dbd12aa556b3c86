/**
 * Runs the data upgrades a table has not had yet, in order, and records each
 * in the table (`UPGRADE` / `<id>`, with `at` and its summary). The same code
 * runs at `npm start` and as a step of `cdk deploy`; it is orchestration only,
 * over the storage modules.
 *
 * Two runners at once (two deploys, a deploy and a restart) both read "not
 * recorded" and both run the upgrade:
 *
 *   runner A: read records ─ run 0002 ────────── record 0002 (wins)
 *   runner B: read records ─── run 0002 ─────────── record 0002 (condition fails)
 *
 * That is safe because every upgrade is idempotent with conditional writes
 * (each study's owners are written once, by whichever runner gets there
 * first), and the record is written with `attribute_not_exists`, so only one
 * stands. The loser's own summary (what it did, possibly part of the work) is
 * still returned to its caller, which prints or logs it, so no notice is lost;
 * the record keeps the winner's. Claiming an upgrade before running it would
 * stop the double run but need a lease for a runner that dies mid-way: not
 * worth it for work that is safe to repeat.
 *
 * An upgrade that fails stops the run: later upgrades may rely on it. It is
 * not recorded, so the next start or deploy runs it again.
 */
import { listUpgradeRecords, recordUpgrade, type UpgradeSummary } from '../storage/upgrades.js';
import { UPGRADES, type Upgrade } from './upgrades.js';

export type UpgradeOutcome = {
  id: string;
  /** `done_before`: recorded by an earlier run; `ran`: run and recorded now; `ran_recorded_elsewhere`: run now, but another runner recorded it first. */
  status: 'done_before' | 'ran' | 'ran_recorded_elsewhere';
  at: string;
  /** What this run did; for `done_before`, what the recorded run did. */
  summary: UpgradeSummary;
};

export class UpgradeFailed extends Error {
  constructor(
    readonly upgradeId: string,
    cause: unknown,
  ) {
    super(`Data upgrade ${upgradeId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UpgradeFailed';
  }
}

export type RunOptions = {
  /**
   * Only these upgrades (those not recorded yet). The deploy step passes the
   * ids it was given: when CloudFormation rolls a deploy back, it asks again
   * with the previous deploy's ids, all recorded, so an upgrade that failed
   * is not tried again during the rollback (which would fail it too).
   */
  only?: readonly string[];
  /** The list to run (tests); UPGRADES by default. */
  upgrades?: readonly Upgrade[];
  now?: () => Date;
};

export async function runUpgrades(options: RunOptions = {}): Promise<UpgradeOutcome[]> {
  const upgrades = options.upgrades ?? UPGRADES;
  checkOrder(upgrades);
  const known = new Set(upgrades.map((u) => u.id));
  const unknown = options.only?.filter((id) => !known.has(id)) ?? [];
  if (unknown.length > 0) throw new Error(`Unknown data upgrade(s): ${unknown.join(', ')} (upgrades are never renamed or removed)`);
  const wanted = options.only ? upgrades.filter((u) => options.only!.includes(u.id)) : upgrades;
  const now = options.now ?? (() => new Date());

  const recorded = new Map((await listUpgradeRecords()).map((record) => [record.id, record]));
  const outcomes: UpgradeOutcome[] = [];
  for (const upgrade of wanted) {
    const done = recorded.get(upgrade.id);
    if (done) {
      outcomes.push({ id: upgrade.id, status: 'done_before', at: done.at, summary: done.summary });
      continue;
    }
    let summary: UpgradeSummary;
    try {
      summary = await upgrade.run();
    } catch (error) {
      throw new UpgradeFailed(upgrade.id, error);
    }
    const at = now().toISOString();
    const result = await recordUpgrade({ id: upgrade.id, at, summary });
    outcomes.push({ id: upgrade.id, status: result.recorded ? 'ran' : 'ran_recorded_elsewhere', at, summary });
  }
  return outcomes;
}

/** Ids are `<4 digits>-<name>`, unique and in ascending order: the order they run in is the order they were written in. */
function checkOrder(upgrades: readonly Upgrade[]): void {
  upgrades.forEach((upgrade, i) => {
    if (!/^\d{4}-[a-z0-9-]+$/.test(upgrade.id)) throw new Error(`Data upgrade id ${upgrade.id} is not <4 digits>-<name>`);
    const previous = upgrades[i - 1];
    if (previous && previous.id.slice(0, 4) >= upgrade.id.slice(0, 4)) throw new Error(`Data upgrade ${upgrade.id} is out of order after ${previous.id}`);
  });
}
