/**
 * PontStack: the whole deployed platform but its firewall, read top to bottom
 * like the architecture diagram:
 *
 *   key ─ encrypts everything below that holds data
 *   storage: the main table and the identity table
 *   researcher sign-in: one Cognito user pool
 *   exports: worker + private bucket; API: HTTP API → one Lambda per route → the tables
 *   origin secret: CloudFront sends it to the API, the route functions require it
 *   reminders: daily schedule → one Lambda
 *   site: CloudFront (WAF from the firewall stack) → web bucket and /api/* → the API
 *   data upgrades: a custom resource runs functions/upgrades at deploy, after the API's functions
 *   alarms → one SNS topic
 *
 * Bundling of the Lambda code is controlled the standard CDK way, by the
 * `aws:cdk:bundling-stacks` context (tests set it to [] to synth in well
 * under a second; the CLI bundles the stacks it is deploying).
 */
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { cognitoIdpOrigin } from '../../functions/contracts/web-config.js';
import { deployedRoutes } from '../../functions/routes.js';
import { PontAlarms } from './alarms.js';
import { PontApi } from './api.js';
import { PontAuth } from './auth.js';
import type { PontConfig } from './config.js';
import { PontKey } from './encryption.js';
import { PontExports } from './exports.js';
import { PontOriginSecret } from './origin-secret.js';
import { PontReminders } from './reminders.js';
import { PontLinkJobs } from './link-jobs.js';
import { PontSite } from './site.js';
import { PontStorage } from './storage.js';
import { PontUpgrades } from './upgrades.js';

export type PontStackProps = StackProps & {
  config: PontConfig;
  /** The CloudFront web ACL, from the firewall stack in us-east-1. */
  webAclArn: string;
};

export class PontStack extends Stack {
  readonly key: PontKey;
  readonly storage: PontStorage;
  readonly auth: PontAuth;
  readonly exports: PontExports;
  readonly originSecret: PontOriginSecret;
  readonly api: PontApi;
  readonly reminders: PontReminders;
  readonly linkJobs: PontLinkJobs;
  readonly site: PontSite;
  readonly upgrades: PontUpgrades;
  readonly alarms: PontAlarms;

  constructor(scope: Construct, id: string, props: PontStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('project', 'pont');
    Tags.of(this).add('stage', config.stage);

    this.key = new PontKey(this, 'Encryption', { stage: config.stage });
    const key = this.key.key;
    this.storage = new PontStorage(this, 'Storage', { key });
    this.auth = new PontAuth(this, 'Auth', { table: this.storage.table, key });
    this.exports = new PontExports(this, 'Exports', { table: this.storage.table, key });
    this.linkJobs = new PontLinkJobs(this, 'LinkJobs', {
      table: this.storage.table,
      identityTable: this.storage.identityTable,
      ...(config.mail ? { mail: config.mail } : {}),
      key,
    });
    this.originSecret = new PontOriginSecret(this, 'OriginSecret', {
      key,
      ...(config.originSecretVersion ? { version: config.originSecretVersion } : {}),
    });
    this.api = new PontApi(this, 'Api', {
      table: this.storage.table,
      identityTable: this.storage.identityTable,
      routes: deployedRoutes,
      researcherAuth: this.auth,
      // Email (SES) only when a sender is given: -c mailFrom=… [-c webUrl=…] [-c studyTeamEmail=…].
      ...(config.mail ? { mail: config.mail } : {}),
      exports: this.exports,
      linkJobs: this.linkJobs,
      key,
      originSecret: this.originSecret,
      allowedOrigins: config.allowedOrigins,
    });
    this.reminders = new PontReminders(this, 'Reminders', {
      table: this.storage.table,
      identityTable: this.storage.identityTable,
      ...(config.mail ? { mail: config.mail } : {}),
      key,
    });
    this.site = new PontSite(this, 'Site', {
      api: this.api,
      originSecret: this.originSecret,
      webDist: config.webDist,
      webAclArn: props.webAclArn,
      ...(config.domain ? { domain: config.domain } : {}),
      // The console signs in with Cognito's user pool API, and downloads dataset
      // packages straight from the exports bucket (presigned URLs).
      connectSources: [cognitoIdpOrigin(this.region), this.exports.downloadOrigin],
      webConfig: { mode: 'aws', cognito: { region: this.region, userPoolId: this.auth.userPool.userPoolId, clientId: this.auth.clientId } },
    });
    this.exports.allowDownloadsFrom(this.site.url);
    this.upgrades = new PontUpgrades(this, 'DataUpgrades', { table: this.storage.table, key, runAfter: [this.api] });
    this.alarms = new PontAlarms(this, 'Alarms', {
      key,
      functions: new Map([...this.api.routeFunctions, ['ExportWorker', this.exports.worker], ['Reminders', this.reminders.function], ['SignInAudit', this.auth.signInAudit]]),
      tables: [this.storage.table, this.storage.identityTable],
      deadLetterQueues: new Map([
        ['FailedExports', this.exports.deadLetters],
        ['FailedReminders', this.reminders.deadLetterQueue],
      ]),
      httpApi: this.api.httpApi,
      ...(config.alarmEmail ? { email: config.alarmEmail } : {}),
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'Where people use Pont: the web app, and the API under /api' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The HTTP API\'s own endpoint: it refuses every request that does not come through SiteUrl/api (CloudFront)' });
    new CfnOutput(this, 'OriginSecretArn', { value: this.originSecret.secret.secretArn, description: 'The secret CloudFront sends to the API (rotate it as docs/aws.md says)' });
    // What the web console and operators need; none of it is secret.
    new CfnOutput(this, 'ResearcherUserPoolId', { value: this.auth.userPool.userPoolId, description: 'Cognito user pool for researchers' });
    new CfnOutput(this, 'ResearcherWebClientId', { value: this.auth.clientId, description: 'Cognito app client id of the web console' });
    new CfnOutput(this, 'ResearcherTokenIssuer', { value: this.auth.issuer, description: 'Issuer URL of researcher tokens' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: 'SNS topic of the alarms (subscribe with -c alarmEmail=…)' });
  }
}
