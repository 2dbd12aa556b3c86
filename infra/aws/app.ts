/**
 * CDK app entry (cdk.json: `npx tsx infra/aws/app.ts`).
 *   npx cdk synth -c stage=prod -c region=eu-west-2
 * Nothing secret is read here.
 */
import { App } from 'aws-cdk-lib';
import { PontStack } from './stack.js';

const app = new App();

const stage = String(app.node.tryGetContext('stage') ?? 'dev');
if (!/^[a-z][a-z0-9-]{0,30}$/.test(stage)) {
  throw new Error(`Invalid stage "${stage}": use lowercase letters, digits and dashes`);
}
// Participants' data stays in London unless a region is asked for explicitly.
// CDK_DEFAULT_REGION is deliberately not consulted: the CLI fills it from the
// AWS profile, or with us-east-1 when the profile has no region, which would
// silently move the stack out of the UK.
const region = String(app.node.tryGetContext('region') ?? 'eu-west-2');

new PontStack(app, `Pont-${stage}`, {
  stage,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
  description: `Pont survey platform (${stage})`,
});

app.synth();
