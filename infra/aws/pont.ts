/**
 * The deployed platform is two stacks: the firewall (the WAF web ACL, which
 * CloudFront only accepts from us-east-1) and the platform itself in the
 * chosen region (London by default), which reads the web ACL's ARN through a
 * cross-region reference. app.ts and the tests both build them here.
 */
import type { App } from 'aws-cdk-lib';
import { configFrom } from './config.js';
import { PontFirewallStack } from './firewall.js';
import { PontStack } from './stack.js';

export function definePont(app: App): { firewall: PontFirewallStack; platform: PontStack } {
  const config = configFrom((key) => app.node.tryGetContext(key));
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const firewall = new PontFirewallStack(app, `Pont-${config.stage}-Firewall`, {
    stage: config.stage,
    env: { account, region: 'us-east-1' },
    crossRegionReferences: true,
    description: `Pont (${config.stage}): WAF web ACL for the CloudFront distribution`,
  });
  const platform = new PontStack(app, `Pont-${config.stage}`, {
    config,
    webAclArn: firewall.webAclArn,
    env: { account, region: config.region },
    crossRegionReferences: true,
    description: `Pont survey platform (${config.stage})`,
  });
  return { firewall, platform };
}
