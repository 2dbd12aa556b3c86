/**
 * Upgrade 0001: accounts made before accounts were listed (GSI1 `USERS`, the
 * people page) get their listing keys. Embedded mode only: in AWS, accounts
 * are in Cognito and the table holds none, so the upgrade does nothing there
 * rather than scan a whole production table for nothing.
 *
 * This was the embedded platform's one-off migration before upgrades existed,
 * marked by its own item (`MIGRATION` / `users-listed`). It still honours and
 * writes that marker (functions/storage/users.ts `listExistingUsers`): a data
 * folder that ran it before skips the scan, the slowest thing a start could
 * otherwise do on a large folder, and an older checkout of Pont started on the
 * same folder (which knows only the marker) does not scan again either. The
 * scan itself is idempotent (it only touches accounts without listing keys),
 * so the marker saves time, never correctness.
 */
import { config } from '../config.js';
import { listExistingUsers } from '../storage/users.js';
import type { Upgrade } from './upgrade.js';

export const usersListed: Upgrade = {
  id: '0001-users-listed',
  async run() {
    if (config().AUTH_MODE !== 'local') return { did: 'nothing to do: accounts are kept in Cognito, not in the table', notices: [] };
    const listed = await listExistingUsers();
    return {
      did: listed === 0 ? 'no account needed listing' : `${listed} account${listed === 1 ? '' : 's'} listed for the people page`,
      notices: [],
      details: { accountsListed: listed },
    };
  },
};
