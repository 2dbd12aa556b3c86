/** Dataset export jobs, and the study-stable pseudonym key some exports use. */
import { randomBytes } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ExportJob } from '../contracts/exports.js';
import { writeAudited, type AuditNote } from './audit.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { keys, prefixes } from './keys.js';

/** Sortable by time, unguessable enough that ids are not enumerable. */
export function newExportId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(4).toString('hex')}`;
}

export async function createExportJob(job: ExportJob & { requestedBy: string }, audit?: AuditNote): Promise<void> {
  await writeAudited(
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.exportJob(job.studyId, job.exportId), type: 'export', ...job },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    audit,
    new Date(job.requestedAt),
  );
}

export async function getExportJob(studyId: string, exportId: string): Promise<ExportJob | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.exportJob(studyId, exportId), ConsistentRead: true }));
  return Item ? toExportJob(Item) : undefined;
}

/** The newest first. */
export async function listExportJobs(studyId: string, limit = 50): Promise<ExportJob[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :export)',
      ExpressionAttributeValues: { ':pk': keys.study(studyId).PK, ':export': prefixes.exportJob },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map(toExportJob);
}

/**
 * queued → running, once: a second worker started for the same job (an
 * asynchronous Lambda retry) finds it running and leaves it alone.
 */
export async function claimExportJob(studyId: string, exportId: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.exportJob(studyId, exportId),
        UpdateExpression: 'SET #status = :running',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export async function updateExportProgress(studyId: string, exportId: string, progress: ExportJob['progress']): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.exportJob(studyId, exportId),
      UpdateExpression: 'SET progress = :progress',
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':progress': progress, ':running': 'running' },
    }),
  );
}

export async function finishExportJob(
  studyId: string,
  exportId: string,
  outcome: Required<Pick<ExportJob, 'finishedAt' | 'fileName' | 'bytes' | 'summary'>>,
): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.exportJob(studyId, exportId),
      UpdateExpression: 'SET #status = :done, progress = :progress, finishedAt = :finishedAt, fileName = :fileName, bytes = :bytes, summary = :summary',
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':done': 'done',
        ':running': 'running',
        ':progress': { phase: 'done', done: 1, total: 1 },
        ':finishedAt': outcome.finishedAt,
        ':fileName': outcome.fileName,
        ':bytes': outcome.bytes,
        ':summary': outcome.summary,
      },
    }),
  );
}

export async function failExportJob(studyId: string, exportId: string, message: string, at: Date): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.exportJob(studyId, exportId),
      UpdateExpression: 'SET #status = :failed, #error = :message, finishedAt = :at',
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
      ExpressionAttributeValues: { ':failed': 'failed', ':message': message, ':at': at.toISOString() },
    }),
  );
}

/**
 * The study's stable pseudonym key, made on first use. Two exports asking at
 * once both try to create it; the conditional write lets one win and hands the
 * other the winner's key, so both use the same.
 */
export async function studyPseudonymKey(studyId: string, now: Date): Promise<Buffer> {
  const candidate = randomBytes(32).toString('base64');
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.pseudonymKey(studyId), type: 'pseudonymKey', key: candidate, createdAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return Buffer.from(candidate, 'base64');
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const stored = unmarshall((error as { Item?: Record<string, AttributeValue> }).Item ?? {});
    return Buffer.from(stored.key as string, 'base64');
  }
}

function toExportJob(item: Record<string, unknown>): ExportJob {
  const { PK: _pk, SK: _sk, type: _type, requestedBy: _by, ...job } = item;
  return job as ExportJob;
}
