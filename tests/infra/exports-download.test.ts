/**
 * Downloading a dataset package in the console, in AWS (issue #8): the
 * browser fetches the package from the exports bucket with a presigned URL,
 * so the bucket must answer CORS for GET from the site's origin, and the
 * site's CSP must let pages connect to the bucket's regional endpoint, the
 * very host the SDK signs URLs for. And the stack must still deploy: no
 * dependency cycle between the bucket, the distribution and the functions.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedRoutes } from '../../functions/routes.js';
import { S3ExportStore } from '../../functions/exports/s3-export-store.js';
import { withConnectSources } from '../../infra/aws/site.js';
import { PAGE_SECURITY_HEADERS } from '../../infra/local/static-site.js';
import { evaluate, findCycle, PSEUDO } from './cfn-values.js';
import { synthPontStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };
type Synth = ReturnType<typeof synthPontStack>;

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
/** What CloudFront would name the distribution. */
const DISTRIBUTION_DOMAIN = 'd111111abcdef8.cloudfront.net';

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe('downloading export packages from the browser', () => {
  let s: Synth;
  let resources: Record<string, Resource>;
  let attributes: Record<string, string>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const bucket = () => resources[s.logicalId(s.stack.exports.bucket)]!;
  const csp = () => {
    const [, policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    return evaluate(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy, attributes);
  };

  beforeAll(() => {
    s = synthPontStack();
    resources = s.template.toJSON().Resources;
    attributes = { [`${s.logicalId(s.stack.site.distribution)}.DomainName`]: DISTRIBUTION_DOMAIN };
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  it('names the exports bucket from the stack\'s own id: a valid bucket name, unique to this stack', () => {
    const name = evaluate(bucket().Properties.BucketName);
    expect(name).toBe(`pont-exports-${PSEUDO['AWS::StackId'].split('/')[2]}`);
    // S3's rules: 3–63 characters of lower-case letters, digits, dots and dashes; no dots here (TLS on the virtual host).
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
  });

  it('answers CORS for GET, and nothing else, from the site\'s own origin', () => {
    const rules = bucket().Properties.CorsConfiguration.CorsRules as Array<Record<string, any>>;
    expect(rules).toHaveLength(1);
    expect(rules[0]!.AllowedMethods).toEqual(['GET']);
    expect(rules[0]!.AllowedOrigins.map((origin: unknown) => evaluate(origin, attributes))).toEqual([`https://${DISTRIBUTION_DOMAIN}`]);
    expect(rules[0]!.AllowedHeaders).toBeUndefined();
  });

  it('lets pages connect to the bucket\'s regional endpoint, the host presigned URLs point to, and changes nothing else in the CSP', async () => {
    const name = evaluate(bucket().Properties.BucketName);
    const endpoint = `https://${name}.s3.eu-west-2.amazonaws.com`;
    const deployed = directives(csp());
    expect(deployed.get('connect-src')).toContain("'self'");
    expect(deployed.get('connect-src')).toContain(endpoint);
    const embedded = directives(PAGE_SECURITY_HEADERS['content-security-policy']);
    for (const [directive, values] of embedded) if (directive !== 'connect-src') expect(deployed.get(directive), directive).toEqual(values);
    expect([...deployed.keys()].sort()).toEqual([...embedded.keys()].sort());

    // The download route's own code signs the URL: the origin the browser fetches must be the one the CSP allows.
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'eu-west-2', AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
    delete process.env.AWS_PROFILE;
    try {
      const { url } = await new S3ExportStore(name).downloadUrl('demo/01J0000000000000000000000.zip', 'demo.zip', new Date());
      expect(new URL(url).origin).toBe(endpoint);
    } finally {
      process.env = saved;
    }
  });

  it('tells the download route and the worker the same bucket name, and grants them that bucket\'s objects', () => {
    const name = bucket().Properties.BucketName;
    const download = deployedRoutes.filter((route) => route.exportAccess === 'download');
    expect(download.length).toBeGreaterThan(0);
    for (const fn of [...download.map((route) => s.stack.api.functionFor(route.name)), s.stack.exports.worker]) {
      const id = s.logicalId(fn);
      expect(resources[id]!.Properties.Environment.Variables.EXPORT_BUCKET, id).toEqual(name);
      const roleId = resources[id]!.Properties.Role['Fn::GetAtt'][0];
      const statements = ofType('AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Resource: unknown }>);
      // Only the bucket's ARNs: the other grants (the table, the key) name resources that do not exist yet.
      const objectArns = statements
        .flatMap((st) => [st.Resource].flat())
        .filter((r) => JSON.stringify(r).includes(':s3:::'))
        .map((r) => evaluate(r));
      expect(objectArns, id).toContain(`arn:aws:s3:::${evaluate(name)}/*`);
    }
  });

  it('has no dependency cycle: CloudFormation can order every resource', () => {
    expect(findCycle(resources)).toBeUndefined();
  });
});

describe('downloading export packages with a custom domain', () => {
  let s: Synth;
  beforeAll(() => {
    s = synthPontStack({ context: { domainName: 'pont.example.gov.wales', certificateArn: CERT } });
  });
  afterAll(() => {
    if (s) rmSync(s.outdir, { recursive: true, force: true });
  });

  it('allows the custom domain\'s origin, and still deploys without a cycle', () => {
    const resources = s.template.toJSON().Resources as Record<string, Resource>;
    const rules = resources[s.logicalId(s.stack.exports.bucket)]!.Properties.CorsConfiguration.CorsRules;
    expect(rules[0].AllowedOrigins).toEqual(['https://pont.example.gov.wales']);
    expect(findCycle(resources)).toBeUndefined();
  });
});

describe('withConnectSources', () => {
  it('adds origins to connect-src only, and refuses a policy without one', () => {
    expect(withConnectSources("default-src 'self'; connect-src 'self'; img-src 'self'", ['https://a.example', 'https://b.example'])).toBe(
      "default-src 'self'; connect-src 'self' https://a.example https://b.example; img-src 'self'",
    );
    expect(() => withConnectSources("default-src 'self'", ['https://a.example'])).toThrow(/connect-src/);
  });
});
