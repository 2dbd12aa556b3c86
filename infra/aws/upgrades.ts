/**
 * Data upgrades as a step of `cdk deploy`: a CloudFormation custom resource
 * whose provider (CDK's provider framework) calls one function,
 * functions/workers/run-upgrades.ts, which runs the same runner as `npm start`
 * (functions/upgrades/). A failed upgrade fails the deploy.
 *
 * The resource's one property is the list of upgrade ids in the code being
 * deployed, so CloudFormation calls the function again exactly when an upgrade
 * is added (an unchanged resource is not called; the runner would find every
 * upgrade recorded anyway). The resource is updated after the API's functions
 * (`runAfter`): a study made by the previous code while the deploy is under way
 * is then still upgraded, and the new code never meets data it cannot read for
 * longer than the upgrade takes.
 */
import path from 'node:path';
import { CustomResource, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import { upgradeIds } from '../../functions/upgrades/upgrades.js';
import { pontFunction, pontLogGroup, repoRoot } from './lambda.js';
import { acknowledge, invoke, keyUse, lambdaFunction, tableIndexes } from './nag.js';

export type PontUpgradesProps = {
  /** The main table, which the upgrades read and write (and record themselves in). */
  table: ITable;
  /** Encrypts the functions' logs. */
  key: IKey;
  /** What must be deployed before the upgrades run: the API's functions. */
  runAfter?: IDependable[];
};

export class PontUpgrades extends Construct {
  /** Runs the upgrades (functions/workers/run-upgrades.ts). */
  readonly function: NodejsFunction;
  readonly provider: Provider;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: PontUpgradesProps) {
    super(scope, id);

    this.function = pontFunction(this, 'RunUpgrades', {
      description: 'Each deploy: runs the data upgrades the table has not had (functions/upgrades)',
      entry: path.join(repoRoot, 'functions', 'workers', 'run-upgrades.ts'),
      memorySize: 512,
      // Lambda's longest; the provider framework waits as long. An upgrade that needs more must work in batches.
      timeout: Duration.minutes(15),
      key: props.key,
      // The main table only (AUTH_MODE defaults to cognito: no upgrade scans for embedded-mode accounts).
      environment: { TABLE_NAME: props.table.tableName },
    });
    // Reads studies, members, accounts and the audit log; writes owners, audit entries and the upgrade records.
    props.table.grantReadWriteData(this.function);
    acknowledge(this.function, [...lambdaFunction, tableIndexes(props.table), ...keyUse]);

    this.provider = new Provider(this, 'Provider', {
      onEventHandler: this.function,
      logGroup: pontLogGroup(this, 'ProviderLogs', props.key),
    });
    acknowledge(this.provider, [
      ...lambdaFunction.filter((finding) => finding.id !== 'AwsSolutions-L1'),
      {
        id: 'AwsSolutions-L1',
        reason: 'CDK\'s custom resource provider framework picks its own Node.js runtime for its small dispatcher function; Pont\'s code runs in RunUpgrades, on the project\'s runtime.',
      },
      invoke(this.function),
    ]);

    this.resource = new CustomResource(this, 'Run', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::PontDataUpgrades',
      properties: { upgrades: upgradeIds() },
    });
    for (const dependency of props.runAfter ?? []) this.resource.node.addDependency(dependency);
  }
}
