/**
 * Auth: the Cognito user pool researchers sign in to (issue 5), and the one
 * app client the web console uses. Respondents never have accounts: their
 * personal-link token is their credential.
 *
 * Roles are Cognito groups named exactly as the roles in
 * functions/contracts/researcher.ts; handlers read the role from the first
 * entry of the token's `cognito:groups` claim, so each user should be in
 * exactly one group.
 *
 * Every sign-in is written to Pont's audit log by a post-authentication
 * trigger (functions/workers/sign-in-audit.ts), which may only write to the
 * main table.
 */
import path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolOperation,
  type CfnUserPoolGroup,
  type IUserPool,
} from 'aws-cdk-lib/aws-cognito';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { INSTRUMENT_AUTHOR_GROUP, Role } from '../../functions/contracts/researcher.js';
import { pontFunction, repoRoot } from './lambda.js';
import { acknowledge, keyUse, lambdaFunction, tableIndexes } from './nag.js';

export type PontAuthProps = {
  /** The main table, where the sign-in audit trigger writes. */
  table: ITable;
  /** Encrypts the trigger's logs. */
  key: IKey;
};

/** What the API and the functions need to know to accept a researcher's token. */
export type ResearcherAuth = {
  /** The user pool's issuer URL, https://cognito-idp.<region>.amazonaws.com/<poolId>. */
  issuer: string;
  /** The web console's app client id: the tokens' `client_id` (access) / `aud` (id). */
  clientId: string;
  /** The user pool itself: routes that look accounts up are granted reads on it. */
  userPool: IUserPool;
};

/**
 * Looking researcher accounts up (functions/auth/user-directory.ts: by email or
 * subject id, and the account's groups), on this one user pool: nothing that
 * changes an account.
 */
export function grantAccountLookup(fn: IGrantable, userPool: IUserPool): void {
  userPool.grant(fn, 'cognito-idp:ListUsers', 'cognito-idp:AdminListGroupsForUser');
}

/** Group precedence: lower wins where Cognito has to choose (e.g. cognito:preferred_role). */
const GROUP_PRECEDENCE: Record<Role, number> = { admin: 0, researcher: 1, analyst: 2 };

export class PontAuth extends Construct implements ResearcherAuth {
  readonly userPool: UserPool;
  readonly webClient: UserPoolClient;
  readonly groups: Record<Role, CfnUserPoolGroup>;
  readonly issuer: string;
  readonly clientId: string;
  /** Cognito's post-authentication trigger: audits every sign-in. */
  readonly signInAudit: NodejsFunction;

  constructor(scope: Construct, id: string, props: PontAuthProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'ResearcherPool', {
      // Admins create every account (AdminCreateUser); nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      // A changed email address takes effect only once the new one is verified.
      keepOriginal: { email: true },
      mfa: Mfa.REQUIRED,
      // Authenticator apps only: no SMS (SIM-swap, cost), no email OTP (needs SES).
      mfaSecondFactor: { otp: true, sms: false, email: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Threat protection (the former "advanced security": compromised
      // credentials, adaptive authentication) is set with
      // standardThreatProtectionMode, which only functions on the PLUS feature
      // plan, billed per monthly active user on top of Essentials. That is a
      // cost decision for the project, not something to switch on here, so the
      // pool stays on ESSENTIALS (the default for new pools, stated explicitly)
      // and no threat protection mode is set.
      featurePlan: FeaturePlan.ESSENTIALS,
      // Deleting the pool would delete every researcher account and their MFA
      // enrolment. Plain Retain, as for the tables: with deletion protection on,
      // a rollback could not delete it (docs/aws.md, "A failed first deploy").
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Stays on the Essentials feature plan: threat protection needs Plus, billed per monthly active user; researchers sign in with a strong password and a required authenticator app (TOTP). A cost decision for the project, see the comment above.',
    });

    this.signInAudit = pontFunction(this, 'SignInAudit', {
      description: 'Cognito post-authentication trigger: writes each researcher sign-in to the audit log',
      entry: path.join(repoRoot, 'functions', 'workers', 'sign-in-audit.ts'),
      memorySize: 256,
      // Cognito waits at most 5 seconds for a trigger.
      timeout: Duration.seconds(5),
      key: props.key,
      environment: { TABLE_NAME: props.table.tableName },
    });
    // Writes only (one audit entry per sign-in): no read of answers or accounts.
    props.table.grantWriteData(this.signInAudit);
    acknowledge(this.signInAudit, [...lambdaFunction, tableIndexes(props.table), ...keyUse]);
    this.userPool.addTrigger(UserPoolOperation.POST_AUTHENTICATION, this.signInAudit);

    this.groups = Object.fromEntries(
      Role.options.map((role) => [
        role,
        this.userPool.addGroup(`${role}Group`, {
          groupName: role,
          precedence: GROUP_PRECEDENCE[role],
          description: `Pont ${role}s`,
        }).node.defaultChild as CfnUserPoolGroup,
      ]),
    ) as Record<Role, CfnUserPoolGroup>;
    // Not a role: the permission to publish instrument versions, which an admin grants beside a role.
    this.userPool.addGroup('InstrumentAuthorGroup', {
      groupName: INSTRUMENT_AUTHOR_GROUP,
      description: 'Pont accounts that may publish instrument versions',
    });

    this.webClient = this.userPool.addClient('WebConsoleClient', {
      // A browser app cannot keep a secret.
      generateSecret: false,
      // SRP only (the password never leaves the browser: @aws-amplify/auth in web/src/console/cognito.ts);
      // CDK adds ALLOW_REFRESH_TOKEN_AUTH whenever explicit flows are given.
      authFlows: { userSrp: true },
      // Sign-in is through the Cognito API (SRP), not the hosted UI / OAuth
      // endpoints: without this CDK enables the implicit and code grants with
      // a placeholder callback URL.
      disableOAuth: true,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // A sign-in's challenges (new password, setting up an authenticator app
      // and scanning its QR code) must be answered within this; Cognito's default is 3 minutes.
      authSessionValidity: Duration.minutes(10),
      // The console renews the access token with the refresh token before it
      // ends (web/src/console/signIn.ts), so a working day needs one sign-in.
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    // Built the way CDK's own HttpUserPoolAuthorizer builds it (rather than
    // from the ProviderURL attribute, whose exact form is not documented).
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.clientId = this.webClient.userPoolClientId;
  }
}
