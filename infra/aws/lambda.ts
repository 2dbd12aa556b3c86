/**
 * Every Lambda function of the stack, set up the same way: Node.js 22 on
 * ARM, bundled by LAMBDA_BUNDLING from this repository, with a log group of
 * its own (`<id>Logs`, made by pontLogGroup).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_BUNDLING, SOURCE_MAPS } from './bundling.js';

/** Repository root, independent of the process's working directory. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export type PontFunctionProps = Omit<NodejsFunctionProps, 'handler' | 'runtime' | 'architecture' | 'projectRoot' | 'depsLockFilePath' | 'logGroup' | 'bundling'> & {
  entry: string;
  /** Encrypts the function's logs. */
  key: IKey;
};

export function pontFunction(scope: Construct, id: string, { key, environment, ...props }: PontFunctionProps): NodejsFunction {
  return new NodejsFunction(scope, id, {
    handler: 'handler',
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    projectRoot: repoRoot,
    depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
    ...props,
    environment: { ...environment, ...(SOURCE_MAPS ? { NODE_OPTIONS: '--enable-source-maps' } : {}) },
    logGroup: pontLogGroup(scope, `${id}Logs`, key),
    bundling: LAMBDA_BUNDLING,
  });
}

/**
 * Every log group of the stack: a month of logs, encrypted with the stage's
 * key, kept when the stack is deleted (what happened stays readable) but
 * removed by the rollback of the deploy that created it, so a failed first
 * deploy leaves no empty log groups behind.
 */
export function pontLogGroup(scope: Construct, id: string, key: IKey): LogGroup {
  return new LogGroup(scope, id, { retention: RetentionDays.ONE_MONTH, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
}
