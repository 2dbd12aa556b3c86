/**
 * What the researcher console needs from the stack to sign in with Cognito
 * (issue #8): an app client that allows the SRP flow the console uses (and
 * nothing weaker), a CSP that lets the pages call Cognito's user pool API,
 * and /config.json, deployed with the pages, that tells the console it runs
 * in AWS and which pool and client to use.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_CONFIG_PATH, WebConfig, cognitoIdpOrigin } from '../../functions/contracts/web-config.js';
import { evaluate } from './cfn-values.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any> };
type Synth = ReturnType<typeof synthPontStack>;

describe('the console\'s Cognito sign-in in the stack', () => {
  let s: Synth;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const poolId = () => s.logicalId(s.stack.auth.userPool);
  const clientId = () => s.logicalId(s.stack.auth.webClient);

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  it('has one app client, without a secret, allowing SRP and refresh only (no password sent to Cognito, no OAuth)', () => {
    const clients = ofType('AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(1);
    const client = clients[0]![1].Properties;
    expect([...client.ExplicitAuthFlows].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(client.EnableTokenRevocation).toBe(true);
    // Long enough to set up an authenticator app within one sign-in (Cognito's default is 3 minutes).
    expect(client.AuthSessionValidity).toBeGreaterThanOrEqual(5);
  });

  it('keeps MFA with an authenticator app required, and accounts admin-created only', () => {
    const pool = resources[poolId()]!.Properties;
    expect(pool.MfaConfiguration).toBe('ON');
    expect(pool.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
  });

  it('lets the pages connect to Cognito\'s user pool API in the stack\'s region, the endpoint the console calls', () => {
    const [, policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const csp = evaluate(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    const connect = csp.split(';').map((d) => d.trim().split(/\s+/)).find(([name]) => name === 'connect-src')!;
    expect(connect).toContain("'self'");
    expect(connect).toContain(cognitoIdpOrigin('eu-west-2'));
    expect(cognitoIdpOrigin('eu-west-2')).toBe('https://cognito-idp.eu-west-2.amazonaws.com');
  });

  it('deploys /config.json with the pages, revalidated on every visit, naming this stack\'s pool and client', () => {
    const pages = ofType('Custom::CDKBucketDeployment').map(([, d]) => d.Properties).find((d) => d.DestinationBucketKeyPrefix === undefined)!;
    expect(pages.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    expect(pages.DestinationBucketName).toEqual({ Ref: s.logicalId(s.stack.site.bucket) });

    // The deploy-time source: a file whose ids CDK's BucketDeployment fills in from its markers.
    const index = (pages.SourceMarkers as Array<Record<string, unknown>>).findIndex((markers) => Object.keys(markers).length > 0);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(pages.SourceMarkersConfig[index]).toEqual({ jsonEscape: true });
    const assetDir = path.join(s.outdir, `asset.${String(pages.SourceObjectKeys[index]).replace(/\.zip$/, '')}`);
    let text = readFileSync(path.join(assetDir, WEB_CONFIG_PATH.slice(1)), 'utf8');
    const deployed = { [poolId()]: 'eu-west-2_AbCdEf123', [clientId()]: '1example23456789abcdefghij' };
    for (const [marker, value] of Object.entries(pages.SourceMarkers[index] as Record<string, unknown>)) text = text.split(marker).join(evaluate(value, deployed));

    const config = WebConfig.parse(JSON.parse(text));
    expect(config).toEqual({ mode: 'aws', cognito: { region: 'eu-west-2', userPoolId: 'eu-west-2_AbCdEf123', clientId: '1example23456789abcdefghij' } });
    // The pages' exclusions do not drop it.
    expect(pages.Exclude).toEqual(['assets/*']);
  });

  it('prints the ids the console uses, for operators', () => {
    s.template.hasOutput('ResearcherUserPoolId', { Value: { Ref: poolId() } });
    s.template.hasOutput('ResearcherWebClientId', { Value: { Ref: clientId() } });
  });
});
