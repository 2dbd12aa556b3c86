/**
 * The web app's runtime configuration, /config.json beside index.html: how the
 * researcher console signs in. Not built into the app, so one build serves
 * both modes: the embedded server answers it itself (mode "embedded": the
 * local sign-in route), and the CDK deployment writes it next to the app with
 * the user pool's public identifiers (mode "aws": Cognito). Nothing in it is
 * secret. Only the console reads it; the respondent's pages never do.
 */
import * as z from 'zod/mini';

export const WEB_CONFIG_PATH = '/config.json';

export const CognitoSettings = z.object({
  /** The user pool's region, e.g. eu-west-2. */
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/)),
  /** <region>_<id>: the part after the underscore is the "pool name" in Cognito's SRP. */
  userPoolId: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/)),
  /** The console's app client (no secret: a browser cannot keep one). */
  clientId: z.string().check(z.minLength(1)),
});
export type CognitoSettings = z.infer<typeof CognitoSettings>;

export const WebConfig = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('embedded') }),
  z.object({ mode: z.literal('aws'), cognito: CognitoSettings }),
]);
export type WebConfig = z.infer<typeof WebConfig>;

/** Where the console calls Cognito's user pool API (and what the CSP's connect-src must allow). */
export const cognitoIdpOrigin = (region: string): string => `https://cognito-idp.${region}.amazonaws.com`;
