/**
 * The origin secret: proof that a request to the API came through CloudFront
 * (and so through WAF). An HTTP API accepts neither a web ACL nor a resource
 * policy, so its own execute-api endpoint answers anyone; CloudFront adds this
 * secret as a header to every request it sends there (site.ts), and every
 * route function refuses requests without it (functions/http/origin-verify.ts).
 *
 * Secrets Manager generates the value at the first deploy: it is never in the
 * repository, the synthesised template or cdk.out. CloudFormation resolves it
 * at deploy time through dynamic references, so it does end up in the
 * distribution's origin settings and the functions' environment, readable by
 * whoever may read those (the account's operators).
 *
 * The secret is JSON, {"current": …, "previous": …} ("none" until a first
 * rotation): CloudFront sends
 * `current`, functions accept both, so a rotation (docs/aws.md) never refuses
 * requests from edges still sending the old value. CloudFormation re-reads a
 * secret only when the reference changes, so a rotation deploys with
 * `-c originSecretVersion=<the new version id>`, which pins every reference
 * to that version.
 */
import { SecretValue, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export { ORIGIN_VERIFY_HEADER } from '../../functions/http/origin-verify.js';

export type PontOriginSecretProps = {
  key: IKey;
  /** A Secrets Manager version id, after a rotation; unset: the version current at deploy. */
  version?: string;
};

export class PontOriginSecret extends Construct {
  readonly secret: Secret;
  /** What CloudFront sends: a dynamic reference, resolved by CloudFormation at deploy. */
  readonly current: string;
  /** The value before the last rotation ("none" before the first, which no function accepts). */
  readonly previous: string;

  constructor(scope: Construct, id: string, props: PontOriginSecretProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Pont: the header value CloudFront adds to API requests; the API functions refuse requests without it',
      encryptionKey: props.key,
      generateSecretString: {
        // No previous value before the first rotation: a placeholder, too short to be accepted
        // (an empty string would be a dynamic reference resolving to nothing).
        secretStringTemplate: JSON.stringify({ previous: 'none' }),
        generateStringKey: 'current',
        // A header value: letters and digits only. 48 of them are about 285 bits.
        passwordLength: 48,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotated by a deploy, not by a rotation function: the value lives in CloudFront and in every route function, which only CloudFormation should change. ' +
        'docs/aws.md gives the steps (put a new value that keeps the old one as "previous", then deploy with -c originSecretVersion=…).',
    });
    const field = (jsonField: string) =>
      SecretValue.secretsManager(this.secret.secretArn, { jsonField, ...(props.version ? { versionId: props.version } : {}) }).unsafeUnwrap();
    this.current = field('current');
    this.previous = field('previous');
  }

  /** The route functions' settings (functions/config.ts). */
  get environment(): Record<string, string> {
    return { ORIGIN_VERIFY_SECRET: this.current, ORIGIN_VERIFY_PREVIOUS_SECRET: this.previous };
  }
}
