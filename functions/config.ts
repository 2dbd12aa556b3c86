/**
 * The one place that reads process.env. Lambda sets these from the CDK stack;
 * the embedded platform sets them before it loads any handler. zod/mini, not
 * zod: every function imports this, and full zod adds tens of milliseconds to
 * a cold start.
 */
import * as z from 'zod/mini';

/**
 * Exported for the CDK app (infra/aws/mail.ts), which checks the context
 * values that become these variables with this same schema at synth, so a
 * value the functions would refuse never reaches a deploy.
 */
export const Config = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  /** The identity table (contact details); only routes that manage contacts are given it. */
  IDENTITY_TABLE_NAME: z.optional(z.string().check(z.minLength(1))),
  /** Set only in embedded mode and tests: DynamoDB Local's URL. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  AWS_REGION: z._default(z.string(), 'eu-west-2'),
  AUTH_MODE: z._default(z.enum(['local', 'cognito']), 'cognito'),
  /** Embedded mode: the local signing key pair (JWK JSON), made on first start. */
  LOCAL_JWT_PRIVATE_JWK: z.optional(z.string()),
  LOCAL_JWT_PUBLIC_JWK: z.optional(z.string()),
  /** Embedded mode: the outbox folder every email is written to instead of being sent (the local Mailer). */
  OUTBOX_DIR: z.optional(z.string()),
  /** AWS mode: the sender address of emails sent through Amazon SES (a verified SES identity). Unset: no email is sent. */
  MAIL_FROM: z.optional(z.email()),
  /** Where the web app is served: personal links in emails are `${PUBLIC_WEB_URL}/s/<token>`. */
  PUBLIC_WEB_URL: z.optional(z.url()),
  /** Where messages to the study team (check-in requests) are sent; unset: they are only listed in the console. */
  STUDY_TEAM_EMAIL: z.optional(z.email()),
  /** Embedded mode: where dataset packages are kept, and the secret their download URLs are signed with. */
  EXPORT_DIR: z.optional(z.string()),
  EXPORT_URL_SECRET: z.optional(z.string().check(z.minLength(32))),
  /** AWS mode: the private bucket for dataset packages, and the function that builds them. */
  EXPORT_BUCKET: z.optional(z.string()),
  EXPORT_WORKER_FUNCTION: z.optional(z.string()),
  /** AWS mode: the function that issues a wave's links in the background (link jobs); unset: they run in this process. */
  LINK_WORKER_FUNCTION: z.optional(z.string()),
  /**
   * AWS mode: the Cognito user pool issuer URL (https://cognito-idp.<region>.amazonaws.com/<poolId>:
   * account lookups take the pool from it, functions/auth/user-directory.ts) and app client id.
   */
  COGNITO_ISSUER: z.optional(z.url()),
  COGNITO_CLIENT_ID: z.optional(z.string()),
  /** Set only in tests, as DYNAMODB_ENDPOINT: a stand-in for the user pool API (tests/support/fake-cognito.ts). */
  COGNITO_ENDPOINT: z.optional(z.url()),
  /**
   * AWS mode, route functions only: the value CloudFront adds to every API
   * request (functions/http/origin-verify.ts), resolved from Secrets Manager at
   * deploy; and the value before the last rotation, still accepted while
   * CloudFront's edges change over ("none" until the first rotation: too short to
   * be accepted). Unset in
   * embedded mode, where there is no CloudFront and nothing is checked.
   */
  ORIGIN_VERIFY_SECRET: z.optional(z.string().check(z.minLength(32))),
  ORIGIN_VERIFY_PREVIOUS_SECRET: z.optional(z.string()),
});
export type Config = z.infer<typeof Config>;

let cached: Config | undefined;

export function config(): Config {
  if (!cached) {
    const parsed = Config.safeParse(process.env);
    if (!parsed.success) {
      throw new Error(`Pont configuration is incomplete: ${z.prettifyError(parsed.error)}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/**
 * Reads the environment again. Only the embedded platform needs this, when it
 * restarts inside one process (tests, the reliability harness) with a new
 * DynamoDB Local port; Lambda's environment never changes.
 */
export function reloadConfig(): Config {
  cached = undefined;
  return config();
}
