/**
 * AWS mode: the data upgrades as a step of `cdk deploy` (infra/aws/upgrades.ts).
 * A CloudFormation custom resource calls this through CDK's provider
 * framework, which reports the result to CloudFormation: a failed upgrade
 * fails the deploy, which CloudFormation rolls back.
 *
 * The resource's `upgrades` property is the list of upgrade ids of the code
 * being deployed: it changes when an upgrade is added, which is what makes
 * CloudFormation call this again. Only those ids are run (see runUpgrades'
 * `only`), so a rollback, which calls with the previous deploy's ids, never
 * runs the upgrade that failed.
 *
 * Logs say which upgrades ran, with their summaries and notices (study ids and
 * counts; in AWS an owner's email is never known here, so none is logged).
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { runUpgrades } from '../upgrades/run-upgrades.js';

/** Fixed: an update must never look like a replacement, which would make CloudFormation send a Delete. */
export const PHYSICAL_RESOURCE_ID = 'pont-data-upgrades';

export async function handler(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string; Data: { ran: string } }> {
  // Deleting the stack (or the resource) leaves the data, and the records of its upgrades, as they are.
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId, Data: { ran: '' } };
  const requested = event.ResourceProperties.upgrades;
  if (!Array.isArray(requested) || !requested.every((id) => typeof id === 'string')) throw new Error('The custom resource must list the upgrade ids to run (upgrades)');

  const outcomes = await runUpgrades({ only: requested }).catch((error: unknown) => {
    // Also reported to CloudFormation (the deploy's failure reason) by the provider framework.
    console.error(JSON.stringify({ level: 'error', event: 'data_upgrade_failed', error: error instanceof Error ? error.message : String(error) }));
    throw error;
  });
  const ran = outcomes.filter((outcome) => outcome.status !== 'done_before');
  for (const outcome of ran) {
    console.log(JSON.stringify({ level: 'info', event: 'data_upgrade_ran', upgrade: outcome.id, status: outcome.status, did: outcome.summary.did, notices: outcome.summary.notices }));
  }
  console.log(JSON.stringify({ level: 'info', event: 'data_upgrades_done', requested: requested.length, ran: ran.length }));
  return { PhysicalResourceId: PHYSICAL_RESOURCE_ID, Data: { ran: ran.map((outcome) => outcome.id).join(',') } };
}
