/**
 * Dataset exports in AWS: a private bucket that keeps packages for 7 days,
 * and the export worker, a function of its own (large memory, long timeout)
 * that the CreateExport route invokes asynchronously. Failed invocations land
 * in a dead-letter queue after Lambda's own retries; the worker's claim on the
 * job makes a retry of a job that already started a no-op.
 *
 * The console downloads a package from the browser with a presigned URL, so
 * the bucket allows GET from the site's origin (CORS, allowDownloadsFrom) and
 * the site's CSP allows connecting to the bucket's regional endpoint. That
 * would be a dependency cycle (the distribution's headers name the bucket, the
 * bucket's CORS rule names the distribution, and the distribution is updated
 * after the route functions, origin-secret.ts), so the bucket's name is made
 * from the stack's own id, known before any resource exists, and everything
 * but the bucket itself refers to it by that name.
 */
import path from 'node:path';
import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPORT_RETENTION_DAYS } from '../../functions/exports/export-store.js';
import { pontFunction, repoRoot } from './lambda.js';
import { acknowledge, bucketPut, keyUse, lambdaFunction, tableIndexes } from './nag.js';

export type PontExportsProps = { table: ITable; key: IKey };

/** How long a browser may cache the bucket's answer to a CORS preflight. */
const CORS_MAX_AGE_SECONDS = 3600;

export class PontExports extends Construct {
  readonly bucket: Bucket;
  /**
   * pont-exports-<the stack id's UUID>: unique to this stack (one deleted and
   * deployed again gets a new id, so a retained bucket never blocks it), and
   * known before the bucket exists.
   */
  readonly bucketName: string;
  /** The bucket by its name, for grants that must not depend on the bucket resource. */
  readonly byName: IBucket;
  /** https://<bucket>.s3.<region>.<suffix>: the host of the presigned download URLs, which the browser fetches. */
  readonly downloadOrigin: string;
  readonly worker: NodejsFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: PontExportsProps) {
    super(scope, id);
    // arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>: lower-case hex and dashes, 49 characters in all.
    this.bucketName = `pont-exports-${Fn.select(2, Fn.split('/', Aws.STACK_ID))}`;
    this.downloadOrigin = `https://${this.bucketName}.s3.${Stack.of(this).region}.${Aws.URL_SUFFIX}`;
    this.bucket = new Bucket(this, 'Packages', {
      bucketName: this.bucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      // One data key per bucket instead of a KMS call per object.
      bucketKeyEnabled: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(EXPORT_RETENTION_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // Kept if the stack is deleted (its objects expire on their own), so deleting a stack never fails half way;
      // removed only by the rollback of the deploy that created it (still empty then).
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No S3 server access logs: every download is recorded in the audit log before its presigned URL is handed out, and packages live 7 days. ' +
        'A log bucket would be one more store to secure; CloudTrail data events can be switched on for the bucket if a reviewer wants object-level logs.',
    });
    // The worker's failed invocations (study and export ids only). SSL-only, with the stage's key.
    this.deadLetters = new Queue(this, 'FailedExports', { encryption: QueueEncryption.KMS, encryptionMasterKey: props.key, enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.worker = pontFunction(this, 'Worker', {
      description: 'Builds anonymised dataset packages',
      entry: path.join(repoRoot, 'functions', 'workers', 'export-worker.ts'),
      // The bound: 10,000 participants × 3 waves × 60 items within a 1 GB function.
      memorySize: 1024,
      timeout: Duration.minutes(15),
      retryAttempts: 1,
      onFailure: new SqsDestination(this.deadLetters),
      key: props.key,
      environment: { TABLE_NAME: props.table.tableName, EXPORT_BUCKET: this.bucketName },
    });
    this.byName = Bucket.fromBucketAttributes(this, 'PackagesByName', { bucketName: this.bucketName, encryptionKey: props.key });
    props.table.grantReadWriteData(this.worker);
    // Packages only: lib-storage puts one in a PutObject, or in parts (each authorised as s3:PutObject)
    // and aborts the upload if a part fails. No tagging, retention or legal holds (CDK's grantPut has them).
    this.worker.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [this.byName.arnForObjects('*')] }));
    // The bucket's key (SSE-KMS): encrypting a package, and Decrypt, which S3 needs to complete a multipart upload.
    props.key.grantEncryptDecrypt(this.worker);
    acknowledge(this.worker, [...lambdaFunction, tableIndexes(props.table), ...keyUse, ...bucketPut(this.byName)]);
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue: the worker\'s on-failure destination (cdk-nag recognises only redrive policies and Lambda DeadLetterConfig).',
    });
  }

  /**
   * Lets the web app, served from `origin`, read packages through their
   * presigned URLs (GET only; the URL's signature remains the credential).
   */
  allowDownloadsFrom(origin: string): void {
    this.bucket.addCorsRule({ allowedMethods: [HttpMethods.GET], allowedOrigins: [origin], maxAge: CORS_MAX_AGE_SECONDS });
  }
}
