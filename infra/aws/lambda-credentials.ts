/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles
 * (an esbuild alias in bundling.ts). Lambda always puts the function role's
 * credentials in the environment, so the SDK's full chain (SSO, INI files,
 * STS web identity, container and instance metadata) is dead weight there:
 * about 90 KB of the link-opening bundle, parsed at every cold start.
 * Embedded mode and the CLI do not bundle, and keep the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
