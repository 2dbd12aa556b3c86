/**
 * How every Lambda function is bundled (esbuild, through NodejsFunction).
 * One constant, read by the CDK stack (api.ts) and by the bench
 * (bench/bundles.ts), so the bench measures exactly what is deployed.
 */
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** Turning sourcemaps on also sets NODE_OPTIONS=--enable-source-maps (costs cold-start time). */
export const SOURCE_MAPS = false;

/** Modules swapped for smaller ones in Lambda (esbuild aliases; paths relative to the repository root). */
export const LAMBDA_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './infra/aws/lambda-credentials.ts',
};

export const LAMBDA_BUNDLING = {
  // CommonJS, which Lambda's runtime loads with require(): Node builtins then load
  // without an ES module facade each. The link-opening function's import took a
  // median 47 ms against 64 ms as an ES module (20 fresh processes each, interleaved).
  format: OutputFormat.CJS,
  target: 'node22',
  minify: true,
  sourceMap: SOURCE_MAPS,
  // Prefer packages' ES module builds: better tree shaking of the SDK.
  mainFields: ['module', 'main'],
  // Bundle the AWS SDK rather than use the runtime's copy: the deployed
  // code then runs exactly the SDK version pinned in package-lock.json,
  // the one the tests and the embedded mode run, and a runtime SDK update
  // cannot change behaviour underneath a deployed stack.
  externalModules: [],
  esbuildArgs: Object.fromEntries(Object.entries(LAMBDA_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
  forceDockerBundling: false,
} satisfies BundlingOptions;

/**
 * The esbuild options NodejsFunction derives from LAMBDA_BUNDLING (local bundling), for
 * building a function as deployed outside CDK: the bench and the bundling tests.
 */
export function lambdaEsbuildOptions(entry: string, outfile: string, projectRoot: string): BuildOptions {
  const b = LAMBDA_BUNDLING;
  return {
    entryPoints: [entry],
    bundle: true,
    outfile,
    platform: 'node',
    target: b.target,
    format: b.format,
    minify: b.minify,
    sourcemap: b.sourceMap,
    external: b.externalModules,
    mainFields: b.mainFields,
    alias: LAMBDA_ALIASES,
    absWorkingDir: projectRoot, // NodejsFunction runs esbuild in projectRoot
  };
}
