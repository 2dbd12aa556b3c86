/**
 * CDK app entry (cdk.json: `npx tsx infra/aws/app.ts`).
 *   npx cdk synth -c stage=prod
 *   npx cdk deploy --all -c stage=prod
 * Configuration is CDK context only (config.ts lists it); nothing secret is read.
 *
 * cdk-nag's AWS Solutions checks run on every synth: a finding that is not
 * acknowledged (with its reason, next to the resource) fails the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { definePont } from './pont.js';

const app = new App();
definePont(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
