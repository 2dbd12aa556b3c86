/**
 * The edge (issue #8): one CloudFront distribution in front of the web app
 * (private bucket, origin access control) and the HTTP API (/api/*), security
 * headers from the embedded server's constant, and the WAF web ACL from its
 * own us-east-1 stack. Route expectations come from functions/routes.ts.
 */
import { rmSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWER_ADDRESS_HEADER } from '../../functions/http/client-address.js';
import { deployedRoutes } from '../../functions/routes.js';
import { RESPONDENT_RATE_LIMIT, respondentPathPrefix } from '../../infra/aws/firewall.js';
import { API_PATH_PATTERN, immutablePathPattern, SPA_FALLBACK_CODE } from '../../infra/aws/site.js';
import { PAGE_SECURITY_HEADERS } from '../../infra/local/static-site.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Synth = ReturnType<typeof synthPontStack>;

/** Managed policies by their documented ids (CloudFront developer guide). */
const MANAGED = {
  CachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  CachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  AllViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
};

/**
 * The CloudFront headers (CloudFront-Viewer-Address and the like) each managed
 * origin request policy adds, as the CloudFront developer guide lists them
 * ("Use managed origin request policies"): AllViewerExceptHostHeader adds every one.
 */
const MANAGED_CLOUDFRONT_HEADERS: Record<string, 'all' | readonly string[]> = {
  [MANAGED.AllViewerExceptHostHeader]: 'all',
};

/** Runs the CloudFront Function as CloudFront would, on a viewer request for `uri`. */
const spaFallback = (uri: string): string => {
  const handler = new Function(`${SPA_FALLBACK_CODE}; return handler;`)() as (event: unknown) => { uri: string };
  return handler({ request: { uri, method: 'GET', headers: {}, querystring: {} } }).uri;
};

describe('the edge: CloudFront in front of the web app and the API', () => {
  let s: Synth;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const distribution = () => {
    const found = ofType('AWS::CloudFront::Distribution');
    expect(found).toHaveLength(1);
    return found[0]![1].Properties.DistributionConfig;
  };
  const originOf = (behaviour: { TargetOriginId: string }) => distribution().Origins.find((o: { Id: string }) => o.Id === behaviour.TargetOriginId);
  const apiBehaviour = () => distribution().CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === API_PATH_PATTERN);

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  it('sends every deployed route to the API behaviour, and nothing else', () => {
    const prefix = API_PATH_PATTERN.replace(/\*$/, '');
    for (const route of deployedRoutes) expect(route.path.startsWith(prefix), route.name).toBe(true);
    const immutable = deployedRoutes.filter((route) => route.immutable).map(immutablePathPattern);
    expect(immutable).toEqual(['/api/surveys/*']);
    // In this order: CloudFront takes the first pattern that matches.
    expect(distribution().CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern)).toEqual([...immutable, API_PATH_PATTERN]);
  });

  it('caches the immutable surveys at the edge, GET only, from the same API origin, with no viewer header passed on', () => {
    const surveys = distribution().CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/surveys/*');
    expect(surveys.CachePolicyId).toBe(MANAGED.CachingOptimized);
    expect(surveys.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(surveys.OriginRequestPolicyId).toBeUndefined();
    expect(surveys.TargetOriginId).toBe(apiBehaviour().TargetOriginId);
    expect(surveys.ResponseHeadersPolicyId).toEqual(apiBehaviour().ResponseHeadersPolicyId);
    // Only routes whose every answer is public and fixed may be cached (every other API path stays uncached).
    for (const route of deployedRoutes.filter((r) => r.immutable)) expect(route.access.kind, route.name).toBe('public');
  });

  it('forwards /api/* to the HTTP API over TLS 1.2, uncached, with every viewer header but Host and every query string', () => {
    const api = apiBehaviour();
    expect(api.CachePolicyId).toBe(MANAGED.CachingDisabled);
    // All viewer headers (Authorization included), cookies and query strings; not Host, which API Gateway routes on.
    expect(api.OriginRequestPolicyId).toBe(MANAGED.AllViewerExceptHostHeader);
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'PUT', 'POST', 'DELETE']));
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    expect(api.FunctionAssociations ?? []).toEqual([]);

    const origin = originOf(api);
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(origin.DomainName['Fn::Join'][1][0]).toEqual({ Ref: s.logicalId(s.stack.api.httpApi) });
    expect(origin.DomainName['Fn::Join'][1][1]).toBe('.execute-api.eu-west-2.');
  });

  it('passes the viewer\'s address to the API (CloudFront-Viewer-Address), which the per-client rate limits count', () => {
    // The functions read this header (functions/http/client-address.ts); the request's own source address is the edge's.
    const header = VIEWER_ADDRESS_HEADER.toLowerCase();
    expect(header).toBe('cloudfront-viewer-address');
    const policy = apiBehaviour().OriginRequestPolicyId;
    let forwarded: boolean;
    if (typeof policy === 'string') {
      const added = MANAGED_CLOUDFRONT_HEADERS[policy];
      expect(added, `managed origin request policy ${policy}: which CloudFront headers it adds is not recorded here`).toBeDefined();
      forwarded = added === 'all' || added!.some((h) => h.toLowerCase() === header);
    } else {
      // A policy of the stack's own: it must name the header (a policy naming no CloudFront header adds none).
      const config = resources[policy.Ref]!.Properties.OriginRequestPolicyConfig.HeadersConfig;
      forwarded =
        ['whitelist', 'allViewerAndWhitelistCloudFront'].includes(config.HeaderBehavior) &&
        (config.Headers as string[]).some((h) => h.toLowerCase() === header);
    }
    expect(forwarded).toBe(true);
  });

  it('serves the web app from a private bucket through origin access control, cached, redirecting to HTTPS', () => {
    const web = distribution().DefaultCacheBehavior;
    expect(web.CachePolicyId).toBe(MANAGED.CachingOptimized);
    expect(web.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(web.ViewerProtocolPolicy).toBe('redirect-to-https');
    const origin = originOf(web);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [s.logicalId(s.stack.site.bucket), 'RegionalDomainName'] });
    expect(origin.OriginAccessControlId).toBeDefined();
    expect(ofType('AWS::CloudFront::OriginAccessControl')[0]![1].Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
    });

    const bucket = resources[s.logicalId(s.stack.site.bucket)]!;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const policy = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === s.logicalId(s.stack.site.bucket))![1];
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>;
    const reads = statements.filter((st) => st.Effect === 'Allow');
    expect(reads).toHaveLength(1);
    expect(reads[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(reads[0]!.Action).toBe('s3:GetObject');
    expect(JSON.stringify(reads[0]!.Condition)).toContain(s.logicalId(s.stack.site.distribution));
    expect(statements.some((st) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
  });

  it('gives app routes such as /s/<token> the app shell, without turning API errors into pages', () => {
    expect(spaFallback('/s/AbCdEfGhIjKlMnOpQrStUvWx')).toBe('/index.html');
    expect(spaFallback('/console')).toBe('/index.html');
    expect(spaFallback('/console/studies/demo')).toBe('/index.html');
    expect(spaFallback('/')).toBe('/index.html');
    expect(spaFallback('/assets/index-abc123.js')).toBe('/assets/index-abc123.js');
    expect(spaFallback('/assets/missing')).toBe('/assets/missing');
    expect(spaFallback('/favicon.ico')).toBe('/favicon.ico');

    // The rewrite runs on the web app's behaviour only; the API's 4xx reach the browser as they are.
    const [fnId] = ofType('AWS::CloudFront::Function')[0]!;
    expect(distribution().DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } }]);
    expect(distribution().CustomErrorResponses).toBeUndefined();
  });

  it('adds the embedded server\'s security headers, plus HSTS, to pages and API answers alike', () => {
    const [policyId, policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const config = policy.Properties.ResponseHeadersPolicyConfig;
    const headers = config.SecurityHeadersConfig;
    // The embedded server's policy, with the origins the console fetches from in AWS added to connect-src (exports-download.test.ts).
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of PAGE_SECURITY_HEADERS['content-security-policy'].split('; ').filter((d) => !d.startsWith('connect-src'))) {
      expect(csp).toContain(directive);
    }
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(headers.StrictTransportSecurity.Override).toBe(true);
    expect(config.CustomHeadersConfig.Items).toEqual([{ Header: 'permissions-policy', Value: PAGE_SECURITY_HEADERS['permissions-policy'], Override: true }]);

    expect(distribution().DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    expect(apiBehaviour().ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('deploys the built web app: hashed assets immutable and kept, pages revalidated, precompressed copies left out', () => {
    const deployments = ofType('Custom::CDKBucketDeployment').map(([, d]) => d.Properties);
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => d.DestinationBucketKeyPrefix === 'assets/')!;
    const pages = deployments.find((d) => d.DestinationBucketKeyPrefix === undefined)!;
    expect(assets.SystemMetadata).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
    expect(assets.Prune).toBe(false);
    expect(pages.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    expect(pages.Exclude).toEqual(['assets/*']);
    for (const d of deployments) expect(d.DestinationBucketName).toEqual({ Ref: s.logicalId(s.stack.site.bucket) });
  });

  it('attaches the web ACL of the firewall stack through a cross-region reference, and prints the site URL', () => {
    const acl = distribution().WebACLId['Fn::GetAtt'];
    expect(resources[acl[0]]!.Type).toBe('Custom::CrossRegionExportReader');
    expect(acl[1]).toMatch(/^\/cdk\/exports\/Pont-test\/.*WebAclArn/);
    expect(distribution().PriceClass).toBe('PriceClass_100');
    s.template.hasOutput('SiteUrl', {});
  });

  it('has no CORS on the API unless other origins are allowed', () => {
    const [, api] = ofType('AWS::ApiGatewayV2::Api')[0]!;
    expect(api.Properties.CorsConfiguration).toBeUndefined();
  });

  it('logs API access without tokens, IP addresses or user agents, encrypted with the stage\'s key', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
    expect(format.route).toBe('$context.routeKey');
    for (const value of Object.values(format)) expect(value).not.toMatch(/path|sourceIp|userAgent|identity/i);
    const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    expect(resources[logGroupId]!.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [s.logicalId(s.stack.key.key), 'Arn'] });
  });
});

describe('the firewall stack (us-east-1)', () => {
  let s: Synth;
  let acl: Record<string, any>;
  beforeAll(() => {
    s = synthPontStack();
    const acls = Object.values(Template.fromStack(s.firewall).toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    acl = acls[0]!.Properties;
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });
  const rule = (name: string) => acl.Rules.find((r: { name?: string; Name?: string }) => (r.Name ?? r.name) === name);

  it('is a CloudFront-scope web ACL in us-east-1 that allows what no rule blocks', () => {
    expect(s.firewall.region).toBe('us-east-1');
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
  });

  it('rate-limits each client on the respondent API paths taken from the route table, answering 429', () => {
    const respondent = deployedRoutes.filter((r) => r.access.kind === 'respondent');
    const prefix = respondentPathPrefix();
    expect(prefix).toBe('/api/s/');
    for (const route of deployedRoutes) expect(route.path.startsWith(prefix), route.name).toBe(route.access.kind === 'respondent');
    expect(respondent.length).toBeGreaterThan(0);

    const rate = rule('RespondentRateLimit');
    expect(rate.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    const statement = rate.Statement.RateBasedStatement;
    expect(statement).toMatchObject({ Limit: RESPONDENT_RATE_LIMIT.requests, EvaluationWindowSec: RESPONDENT_RATE_LIMIT.windowSeconds, AggregateKeyType: 'IP' });
    expect(statement.ScopeDownStatement.ByteMatchStatement).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: prefix });
    expect(rate.Priority).toBe(0);
  });

  it('runs AWS\'s common rule set (bodies larger than 8 KB only counted) and known bad inputs', () => {
    const common = rule('AWSManagedRulesCommonRuleSet');
    expect(common.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' });
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    expect(common.OverrideAction).toEqual({ None: {} });
    const bad = rule('AWSManagedRulesKnownBadInputsRuleSet');
    expect(bad.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' });
    expect(bad.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toBeUndefined();
  });

  it('keeps no sampled requests, whose paths would show personal-link tokens, but counts every rule', () => {
    for (const config of [acl.VisibilityConfig, ...acl.Rules.map((r: { VisibilityConfig: unknown }) => r.VisibilityConfig)]) {
      expect(config).toMatchObject({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true });
    }
  });
});

describe('configuration by context', () => {
  const made: Synth[] = [];
  const synth = (context: Record<string, unknown>) => {
    const result = synthPontStack({ context });
    made.push(result);
    return result;
  };
  afterAll(() => {
    for (const m of made) rmSync(m.outdir, { recursive: true, force: true });
  });
  const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

  it('serves a custom domain with its us-east-1 certificate and TLS 1.2 at least, and points email links at it', () => {
    const { template } = synth({ domainName: 'pont.example.gov.wales', certificateArn: CERT, mailFrom: 'pont@example.gov.wales' });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: ['pont.example.gov.wales'],
        ViewerCertificate: { AcmCertificateArn: CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      },
    });
    template.hasOutput('SiteUrl', { Value: 'https://pont.example.gov.wales' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { PUBLIC_WEB_URL: 'https://pont.example.gov.wales' } } });
  });

  it('allows CORS from the given origins only, for the route table\'s methods', () => {
    const { template } = synth({ allowedOrigins: 'https://analysis.example.ac.uk' });
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api')) as Resource[];
    const cors = api!.Properties.CorsConfiguration;
    expect(cors.AllowOrigins).toEqual(['https://analysis.example.ac.uk']);
    expect([...cors.AllowMethods].sort()).toEqual([...new Set(deployedRoutes.map((r) => r.method))].sort());
  });

  it('refuses unsafe or incomplete settings', () => {
    expect(() => synth({ region: 'eu-west-2; rm' })).toThrow(/region/);
    expect(() => synth({ stage: 'Prod' })).toThrow(/stage/);
    expect(() => synth({ domainName: 'pont.example.gov.wales' })).toThrow(/certificateArn/);
    expect(() => synth({ domainName: 'pont.example.gov.wales', certificateArn: CERT.replace('us-east-1', 'eu-west-2') })).toThrow(/us-east-1/);
    expect(() => synth({ allowedOrigins: 'https://*.example.org' })).toThrow(/origin/);
    expect(() => synth({ webDist: '/nonexistent/web/dist' })).toThrow(/npm run build:web/);
  });

  it('deploys to London unless another region is asked for, whatever the AWS profile says', () => {
    const previous = process.env.CDK_DEFAULT_REGION;
    process.env.CDK_DEFAULT_REGION = 'us-east-1';
    try {
      expect(synth({}).stack.region).toBe('eu-west-2');
    } finally {
      if (previous === undefined) delete process.env.CDK_DEFAULT_REGION;
      else process.env.CDK_DEFAULT_REGION = previous;
    }
  });
});
