/**
 * PontStack: the whole deployed platform, read top to bottom like the
 * architecture diagram: storage (the main table and the identity table), researcher sign-in (one
 * Cognito user pool), then the API (HTTP API -> one Lambda per route -> the
 * table; researcher routes behind a JWT authorizer on the pool).
 *
 * Bundling of the Lambda code is controlled the standard CDK way, by the
 * `aws:cdk:bundling-stacks` context (tests set it to [] to synth in well
 * under a second; the CLI bundles the stacks it is deploying).
 */
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { deployedRoutes } from '../../functions/routes.js';
import { PontApi } from './api.js';
import { PontAuth } from './auth.js';
import { mailSettingsFrom } from './mail.js';
import { PontExports } from './exports.js';
import { PontReminders } from './reminders.js';
import { PontStorage } from './storage.js';

export type PontStackProps = StackProps & {
  /** Deployment stage, e.g. dev, prod. Part of the stack name and tags. */
  stage: string;
};

export class PontStack extends Stack {
  readonly storage: PontStorage;
  readonly auth: PontAuth;
  readonly exports: PontExports;
  readonly api: PontApi;
  readonly reminders: PontReminders;

  constructor(scope: Construct, id: string, props: PontStackProps) {
    super(scope, id, props);
    Tags.of(this).add('project', 'pont');
    Tags.of(this).add('stage', props.stage);

    // Email (SES) only when a sender is given: -c mailFrom=… -c webUrl=… [-c studyTeamEmail=…].
    const mail = mailSettingsFrom((key) => this.node.tryGetContext(key));
    this.storage = new PontStorage(this, 'Storage');
    this.auth = new PontAuth(this, 'Auth');
    this.exports = new PontExports(this, 'Exports', { table: this.storage.table });
    this.api = new PontApi(this, 'Api', {
      table: this.storage.table,
      identityTable: this.storage.identityTable,
      routes: deployedRoutes,
      researcherAuth: this.auth,
      ...(mail ? { mail } : {}),
      exports: this.exports,
    });

    this.reminders = new PontReminders(this, 'Reminders', { table: this.storage.table, identityTable: this.storage.identityTable, ...(mail ? { mail } : {}) });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the Pont HTTP API' });
    // What the web console and operators need; none of it is secret.
    new CfnOutput(this, 'ResearcherUserPoolId', { value: this.auth.userPool.userPoolId, description: 'Cognito user pool for researchers' });
    new CfnOutput(this, 'ResearcherWebClientId', { value: this.auth.clientId, description: 'Cognito app client id of the web console' });
    new CfnOutput(this, 'ResearcherTokenIssuer', { value: this.auth.issuer, description: 'Issuer URL of researcher tokens' });
  }
}
