/**
 * Firewall: the AWS WAF web ACL in front of the CloudFront distribution. A
 * CloudFront-scope web ACL can only be created in us-east-1, so it is a small
 * stack of its own; the main stack reads its ARN through a cross-region
 * reference (app.ts creates both).
 *
 * Rules, cheapest first:
 *  1. a rate limit per client IP on the respondent API (the paths of the
 *     respondent routes in functions/routes.ts), answered with 429;
 *  2. AWS's common rule set (OWASP-style injection, traversal, bad bots…),
 *     except its 8 KB body limit, which only counts: instruments, participant
 *     CSVs and long free-text answers are larger, and the API refuses bodies
 *     over its own limit (functions/http/body.ts);
 *  3. AWS's known bad inputs (Log4j-style exploits and the like).
 *
 * Sampled requests are off throughout: a sample shows the request's path and
 * headers in the console, and the path of a respondent request holds the
 * participant's personal-link token, their credential. CloudWatch metrics
 * (counts per rule) stay on.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { deployedRoutes, type Route } from '../../functions/routes.js';

/**
 * Requests per client IP per 5 minutes on the respondent API. Generous on
 * purpose: many phones share one address on mobile networks and a group
 * session on one Wi-Fi can be twenty people answering at once (each page
 * saved is one request). The application limits bad tokens on its own
 * (functions/storage/rate-limits.ts); this stops floods.
 */
export const RESPONDENT_RATE_LIMIT = { requests: 1000, windowSeconds: 300 } as const;

/** The common path prefix of the respondent routes, e.g. /api/s/. */
export function respondentPathPrefix(routes: readonly Route[] = deployedRoutes): string {
  const prefixes = new Set(routes.filter((route) => route.access.kind === 'respondent').map((route) => route.path.slice(0, route.path.indexOf('{'))));
  const [prefix, ...others] = [...prefixes];
  if (!prefix || others.length > 0 || !prefix.endsWith('/')) throw new Error(`Respondent routes must share one path prefix; found ${[...prefixes].join(', ') || 'none'}`);
  return prefix;
}

export class PontFirewallStack extends Stack {
  readonly webAcl: CfnWebACL;
  /** The web ACL's ARN, which a CloudFront distribution takes as its webAclId. */
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: StackProps & { stage: string }) {
    super(scope, id, props);
    if (this.region !== 'us-east-1') throw new Error('A CloudFront web ACL must be created in us-east-1');
    const metric = (name: string) => ({ cloudWatchMetricsEnabled: true, metricName: `pont-${props.stage}-${name}`, sampledRequestsEnabled: false });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `pont-${props.stage}`,
      description: 'Pont: rate limit on the respondent API, AWS common rules, known bad inputs',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: metric('web-acl'),
      rules: [
        {
          name: 'RespondentRateLimit',
          priority: 0,
          action: { block: { customResponse: { responseCode: 429 } } },
          statement: {
            rateBasedStatement: {
              limit: RESPONDENT_RATE_LIMIT.requests,
              evaluationWindowSec: RESPONDENT_RATE_LIMIT.windowSeconds,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: respondentPathPrefix(),
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: metric('respondent-rate'),
        },
        managedRuleGroup('AWSManagedRulesCommonRuleSet', 1, metric('common'), ['SizeRestrictions_BODY']),
        managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 2, metric('known-bad-inputs')),
      ],
    });
    this.webAclArn = this.webAcl.attrArn;
  }
}

function managedRuleGroup(name: string, priority: number, visibilityConfig: CfnWebACL.VisibilityConfigProperty, countOnly: string[] = []): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(countOnly.length ? { ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) } : {}),
      },
    },
    visibilityConfig,
  };
}
