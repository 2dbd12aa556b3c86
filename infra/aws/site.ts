/**
 * Site: one CloudFront distribution, the only address people use. It serves
 * the web app from a private S3 bucket (origin access control: the bucket
 * answers CloudFront and nobody else) and forwards /api/* to the HTTP API, so
 * the browser sees one origin and needs no CORS. The web ACL in us-east-1
 * (firewall.ts) sits in front of both.
 *
 *   viewer ─► CloudFront (WAF, security headers)
 *               ├─ /api/*  ─► HTTP API (no caching; Authorization and query strings forwarded;
 *               │                       the viewer's address added (CloudFront-Viewer-Address);
 *               │                       the origin secret added, without which functions answer 403)
 *               └─ *       ─► S3 web bucket (pages: index.html for app routes such as /s/<token>)
 */
import path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  type CfnDistribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { WEB_CONFIG_PATH, type WebConfig } from '../../functions/contracts/web-config.js';
import { deployedRoutes, type Route } from '../../functions/routes.js';
import { PAGE_SECURITY_HEADERS } from '../local/static-site.js';
import type { PontApi } from './api.js';
import { acknowledgeBucketDeployment } from './nag.js';
import { ORIGIN_VERIFY_HEADER, type PontOriginSecret } from './origin-secret.js';

/** The path pattern CloudFront sends to the API: every route in functions/routes.ts is under it. */
export const API_PATH_PATTERN = '/api/*';

/** The path pattern of an immutable route's own, cached behaviour: its path up to the first parameter. */
export function immutablePathPattern(route: Route): string {
  return `${route.path.slice(0, route.path.indexOf('{'))}*`;
}

/**
 * Routes whose answer never changes at its address (a published survey,
 * named by its content hash) are cached at the edge for as long as they say
 * (a year): a wave opened by a whole cohort in one evening reads each survey
 * from DynamoDB once per edge, not once per phone. GET and HEAD only, and no
 * viewer header reaches the API, so nothing personal can vary the answer.
 */
function immutableBehaviours(origin: HttpOrigin, headers: ResponseHeadersPolicy): Record<string, BehaviorOptions> {
  return Object.fromEntries(
    deployedRoutes
      .filter((route) => route.immutable)
      .map((route) => [
        immutablePathPattern(route),
        {
          origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: headers,
          compress: true,
        } satisfies BehaviorOptions,
      ]),
  );
}

/**
 * Viewer-request function on the web app's behaviour only (never on /api/*):
 * an app route (a path without a file extension, such as /s/<token> or
 * /console/…) gets index.html, as the embedded server does (static-site.ts).
 * Unknown files stay real 404s. A distribution-wide error response would
 * instead turn the API's 404s and 403s into 200s with a page.
 */
export const SPA_FALLBACK_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf('/assets/') !== 0 && !/\\.[^/]*$/.test(uri)) request.uri = '/index.html';
  return request;
}`;

export type PontSiteProps = {
  api: PontApi;
  /** Sent to the API with every request; the route functions refuse requests without it. */
  originSecret: PontOriginSecret;
  /** The built web app: index.html and assets/ (hashed file names). */
  webDist: string;
  /** The CloudFront-scope web ACL (from the us-east-1 firewall stack). */
  webAclArn: string;
  /** Served on this name, with this us-east-1 certificate; otherwise on the CloudFront domain. */
  domain?: { name: string; certificateArn: string };
  /**
   * Other origins the pages may fetch from (the CSP's connect-src, beside
   * 'self'): the exports bucket, whose presigned URLs the console downloads,
   * and Cognito's user pool API, which the console signs in with.
   */
  connectSources: readonly string[];
  /** The web app's runtime configuration, deployed as /config.json beside index.html (how the console signs in). */
  webConfig: WebConfig;
};

export class PontSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  /** https://<domain or CloudFront domain>, no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PontSiteProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'WebApp', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // The built app is public by nature (every visitor downloads it): S3's own key is enough.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Rebuilt by every deploy, so nothing in it needs keeping; but a bucket
      // with objects in it cannot be deleted, so it is left behind (as the
      // exports bucket is) rather than make deleting the stack fail half way.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'No S3 access logs: the bucket holds only the public build of the web app and is read by CloudFront alone (origin access control).',
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', securityHeaders(props.connectSources));

    const spaFallback = new EdgeFunction(this, 'AppRoutes', {
      comment: 'App routes such as /s/<token> get index.html',
      code: FunctionCode.fromInline(SPA_FALLBACK_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });

    const apiOrigin = new HttpOrigin(`${props.api.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      // The HTTP API's own integration timeout.
      readTimeout: Duration.seconds(30),
      // Replaces any header of that name a viewer sends.
      customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originSecret.current },
    });
    const apiBehaviour: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // Nothing from the API is cached: answers are personal and change as people type.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Every viewer header (Authorization included) and every query string
      // reach the API; Host is left out because API Gateway routes on its own host name.
      // This managed policy also adds CloudFront's own headers, CloudFront-Viewer-Address
      // among them: the viewer's address, which per-client rate limits count
      // (functions/http/client-address.ts), as the request's source address is the edge's.
      // No custom policy can do all three: one that lists CloudFront headers either
      // forwards Host ("all viewer headers and these") or must name each viewer header,
      // and an origin request policy may not name Authorization.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.headers,
      compress: true,
    };

    const certificate = props.domain ? Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn) : undefined;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Pont ${stack.stackName}`,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      // Listed first, so they are matched before /api/*.
      additionalBehaviors: { ...immutableBehaviours(apiOrigin, this.headers), [API_PATH_PATTERN]: apiBehaviour },
      defaultRootObject: 'index.html',
      webAclId: props.webAclArn,
      // Europe and North America edges: the people served are in Wales.
      priceClass: PriceClass.PRICE_CLASS_100,
      httpVersion: HttpVersion.HTTP2_AND_3,
      // With the CloudFront default certificate the TLS policy is CloudFront's; with our own, TLS 1.2 at least.
      ...(props.domain && certificate
        ? { domainNames: [props.domain.name], certificate, minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
      // No access logs: see the acknowledgement below.
      enableLogging: false,
    });
    // On a rotation of the origin secret, the functions must accept the new
    // value before CloudFront starts sending it: CloudFormation updates them first.
    // (The function resources only: not their roles, policies and log groups.)
    const distribution = this.distribution.node.defaultChild as CfnDistribution;
    for (const fn of props.api.routeFunctions.values()) distribution.node.addDependency(fn.node.defaultChild as CfnResource);
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'No CloudFront access logs: they would record every personal link (/s/<token>, /api/s/<token>), and the token is the participant\'s credential, ' +
        'stored by Pont only as a hash. Requests are counted by CloudFront and WAF metrics; the API keeps its own audit log.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'No geo restriction: care leavers who moved or travel abroad must still reach their questionnaire; WAF rules and rate limits apply everywhere.',
    });
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'Without a custom domain the distribution uses the *.cloudfront.net certificate, whose TLS policy CloudFront sets; with -c domainName and -c certificateArn it is TLSv1.2_2021.',
      });
    }

    // Hashed assets never change: cached for a year, and kept across deploys
    // (no pruning) so that a page opened before a deploy can still load its chunks.
    new BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'assets/',
      sources: [Source.asset(path.join(props.webDist, 'assets'), { exclude: PRECOMPRESSED })],
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: false,
      memoryLimit: 256,
    });
    // Pages (index.html and the like) and the runtime configuration are revalidated on every visit.
    new BucketDeployment(this, 'DeployPages', {
      destinationBucket: this.bucket,
      sources: [
        Source.asset(props.webDist, { exclude: ['assets', ...PRECOMPRESSED] }),
        // Written at deploy time: the user pool's ids are only known then.
        Source.jsonData(WEB_CONFIG_PATH.replace(/^\//, ''), props.webConfig),
      ],
      exclude: ['assets/*'],
      cacheControl: [CacheControl.noCache()],
      memoryLimit: 256,
    });

    acknowledgeBucketDeployment(this.bucket);

    this.url = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;
  }
}

/**
 * The build writes .br and .gz beside each file for the embedded server;
 * CloudFront compresses by itself, so they are not uploaded.
 */
const PRECOMPRESSED = ['*.br', '*.gz'];

/**
 * The CSP with more origins in connect-src: what the browser may fetch from
 * besides this site. Everything else in the policy stays as it is.
 */
export function withConnectSources(csp: string, sources: readonly string[]): string {
  const directives = csp.split(';').map((d) => d.trim());
  const index = directives.findIndex((d) => d.split(/\s+/)[0] === 'connect-src');
  if (index < 0) throw new Error('The page CSP has no connect-src directive');
  directives[index] = [directives[index], ...sources].join(' ');
  return directives.join('; ');
}

/**
 * The embedded server's page headers (infra/local/static-site.ts), the same
 * constant, plus HSTS, which only makes sense over HTTPS, and the other
 * origins the pages fetch from in AWS (connect-src). Headers CloudFront has a
 * setting for use it; any other becomes a custom header.
 */
function securityHeaders(connectSources: readonly string[]): ConstructorParameters<typeof ResponseHeadersPolicy>[2] {
  const {
    'content-security-policy': pageContentSecurityPolicy,
    'referrer-policy': referrerPolicy,
    'x-content-type-options': contentTypeOptions,
    'x-frame-options': frameOptions,
    ...others
  } = PAGE_SECURITY_HEADERS;
  if (contentTypeOptions !== 'nosniff' || frameOptions !== 'DENY') throw new Error('static-site.ts headers changed: update site.ts');
  const contentSecurityPolicy = withConnectSources(pageContentSecurityPolicy, connectSources);
  return {
    comment: 'Pont: CSP (SurveyJS-compatible), HSTS, no framing, no referrer',
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy, override: true },
      referrerPolicy: { referrerPolicy: referrerPolicy as HeadersReferrerPolicy, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
    },
    customHeadersBehavior: {
      customHeaders: Object.entries(others).map(([header, value]) => ({ header, value, override: true })),
    },
  };
}
