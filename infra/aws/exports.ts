/**
 * Dataset exports in AWS: a private bucket that keeps packages for 7 days,
 * and the export worker, a function of its own (large memory, long timeout)
 * that the CreateExport route invokes asynchronously. Failed invocations land
 * in a dead-letter queue after Lambda's own retries; the worker's claim on the
 * job makes a retry of a job that already started a no-op.
 */
import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPORT_RETENTION_DAYS } from '../../functions/exports/export-store.js';
import { repoRoot } from './api.js';
import { LAMBDA_BUNDLING, SOURCE_MAPS } from './bundling.js';

export type PontExportsProps = { table: ITable };

export class PontExports extends Construct {
  readonly bucket: Bucket;
  readonly worker: NodejsFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: PontExportsProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Packages', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.KMS_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(EXPORT_RETENTION_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // Kept if the stack is deleted (its objects expire on their own), so deleting a stack never fails half way.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deadLetters = new Queue(this, 'FailedExports', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.worker = new NodejsFunction(this, 'Worker', {
      description: 'Builds anonymised dataset packages',
      entry: path.join(repoRoot, 'functions', 'workers', 'export-worker.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      // The bound: 10,000 participants × 3 waves × 60 items within a 1 GB function.
      memorySize: 1024,
      timeout: Duration.minutes(15),
      retryAttempts: 1,
      onFailure: new SqsDestination(this.deadLetters),
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      environment: {
        TABLE_NAME: props.table.tableName,
        EXPORT_BUCKET: this.bucket.bucketName,
        ...(SOURCE_MAPS ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      logGroup: new LogGroup(this, 'WorkerLogs', { retention: RetentionDays.ONE_MONTH }),
      bundling: LAMBDA_BUNDLING,
    });
    props.table.grantReadWriteData(this.worker);
    this.bucket.grantPut(this.worker);
  }
}
