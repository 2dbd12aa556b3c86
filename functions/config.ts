/**
 * The one place that reads process.env. Lambda sets these from the CDK stack;
 * the embedded platform sets them before it loads any handler.
 */
import { z } from 'zod';

const Config = z.object({
  TABLE_NAME: z.string().min(1),
  /** The identity table (contact details); only routes that manage contacts are given it. */
  IDENTITY_TABLE_NAME: z.string().min(1).optional(),
  /** Set only in embedded mode and tests: DynamoDB Local's URL. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default('eu-west-2'),
  AUTH_MODE: z.enum(['local', 'cognito']).default('cognito'),
  /** Embedded mode: the local signing key pair (JWK JSON), made on first start. */
  LOCAL_JWT_PRIVATE_JWK: z.string().optional(),
  LOCAL_JWT_PUBLIC_JWK: z.string().optional(),
  /** Embedded mode: the folder where messages to study teams are written. */
  OUTBOX_DIR: z.string().optional(),
  /** AWS mode: the Cognito user pool issuer URL and app client id. */
  COGNITO_ISSUER: z.url().optional(),
  COGNITO_CLIENT_ID: z.string().optional(),
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
