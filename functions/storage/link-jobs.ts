/**
 * Link jobs and their sheets (issue #24).
 *
 *  - The job: one item in the study's partition (`LINKJOB#<id>`), kept a week
 *    (TTL), with what was asked, by whom, and how far it has got.
 *  - The sheet: the links as issued, sealed (domain/sealing.ts) in chunks of
 *    at most CHUNK_ENTRIES entries in a partition of their own
 *    (`LINKSHEET#<study>#<job>`), written as the job goes, so the links issued
 *    before a failure are not lost with it.
 *  - The sheet's key: in the identity table, which nothing that reads answers
 *    or exports is granted. Both expire after LINK_SHEET_HOURS (DynamoDB's TTL
 *    in AWS; the embedded platform's hourly sweep, shredExpiredLinkSheets, as
 *    DynamoDB Local has no TTL). Without the key the chunks are noise.
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IssueLinksRequest, IssueLinksResult } from '../contracts/participants.js';
import { LINK_SHEET_HOURS, type LinkJob } from '../contracts/link-jobs.js';
import { newSealingKey, seal, unseal } from '../domain/sealing.js';
import type { StudyAccess } from '../domain/study-access.js';
import { writeAudited, type AuditNote } from './audit.js';
import { db, isConditionalCheckFailed, queryAll, tableName } from './client.js';
import { identityTableName } from './identities.js';

/** Entries (links, emailed codes, skipped) sealed together: at most about 150 KB, well within an item's 400 KB. */
export const CHUNK_ENTRIES = 2000;
/** A job's item (not its sheet) is kept this long, for the console's list. */
const JOB_DAYS = 7;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The embedded sweep's listing of sheets by expiry. */
const SHEETS_BY_EXPIRY = 'LINKSHEETS';

const jobKey = (studyId: string, jobId: string) => ({ PK: `STUDY#${studyId}`, SK: `LINKJOB#${jobId}` });
const sheetPartition = (studyId: string, jobId: string) => `LINKSHEET#${studyId}#${jobId}`;
const chunkKey = (studyId: string, jobId: string, index: number) => ({ PK: sheetPartition(studyId, jobId), SK: `CHUNK#${String(index).padStart(6, '0')}` });
const sheetKeyKey = (studyId: string, jobId: string) => ({ PK: sheetPartition(studyId, jobId), SK: 'KEY' });
/** Binds a chunk to its job and place: one moved elsewhere does not open. */
const chunkContext = (studyId: string, jobId: string, index: number) => `link-sheet/${studyId}/${jobId}/${index}`;
const seconds = (ms: number) => Math.floor(ms / 1000);

/** What the job item holds beyond the contract: who asked, as whom, and exactly what. */
export type StoredLinkJob = LinkJob & { requestedBy: string; group?: StudyAccess['group']; request: IssueLinksRequest; sheetExpiresAt?: string; updatedAt?: string };

/** A job not heard from for this long has stopped (the worker's limit is 15 minutes; progress is written every few seconds). */
const STALLED_MS = 16 * 60_000;

/** Sortable by time, unguessable. */
export function newLinkJobId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(6).toString('hex')}`;
}

export async function createLinkJob(job: StoredLinkJob, audit: AuditNote): Promise<void> {
  const requestedAt = Date.parse(job.requestedAt);
  await writeAudited(
    { Put: { TableName: tableName(), Item: { ...jobKey(job.studyId, job.jobId), type: 'linkJob', ...job, expiresAt: seconds(requestedAt + JOB_DAYS * DAY_MS) }, ConditionExpression: 'attribute_not_exists(PK)' } },
    audit,
    new Date(requestedAt),
  );
}

export async function getLinkJob(studyId: string, jobId: string): Promise<StoredLinkJob | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: jobKey(studyId, jobId), ConsistentRead: true }));
  return Item ? toStoredLinkJob(Item) : undefined;
}

/** A member's own jobs in a study, newest first (the last 50 of the study's). */
export async function listLinkJobsOf(studyId: string, userId: string): Promise<StoredLinkJob[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :job)',
      ExpressionAttributeValues: { ':pk': `STUDY#${studyId}`, ':job': 'LINKJOB#' },
      ScanIndexForward: false,
      Limit: 50,
    }),
  );
  return Items.map(toStoredLinkJob).filter((job) => job.requestedBy === userId);
}

/** A job of the wave's still issuing links (queued or running, and heard from lately), if any, whoever started it. */
export async function unfinishedLinkJobOfWave(studyId: string, waveId: string, now: Date): Promise<StoredLinkJob | undefined> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :job)',
    FilterExpression: 'waveId = :wave AND #status IN (:queued, :running)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':pk': `STUDY#${studyId}`, ':job': 'LINKJOB#', ':wave': waveId, ':queued': 'queued', ':running': 'running' },
  });
  return items.map(toStoredLinkJob).find((job) => linkJobView(job, now).status !== 'failed');
}

/** queued → running, once: a second worker for the same job (an asynchronous Lambda retry) leaves it alone. */
export async function claimLinkJob(studyId: string, jobId: string, now: Date): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: jobKey(studyId, jobId),
        UpdateExpression: 'SET #status = :running, updatedAt = :now',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':now': now.toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export async function updateLinkJobProgress(studyId: string, jobId: string, progress: LinkJob['progress'], now: Date): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: jobKey(studyId, jobId),
      UpdateExpression: 'SET progress = :progress, updatedAt = :now',
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':progress': progress, ':running': 'running', ':now': now.toISOString() },
    }),
  );
}

/** running → finished, the sheet readable until `sheetExpiresAt`, listed for the embedded sweep. */
export async function finishLinkJob(studyId: string, jobId: string, outcome: { finishedAt: Date; counts: NonNullable<LinkJob['counts']>; progress: LinkJob['progress']; sheetExpiresAt: Date }, audit: AuditNote): Promise<void> {
  await writeAudited(
    {
      Update: {
        TableName: tableName(),
        Key: jobKey(studyId, jobId),
        UpdateExpression: 'SET #status = :finished, finishedAt = :at, updatedAt = :at, counts = :counts, progress = :progress, sheetExpiresAt = :expires, GSI1PK = :sheets, GSI1SK = :listing',
        ConditionExpression: '#status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':finished': 'finished',
          ':running': 'running',
          ':at': outcome.finishedAt.toISOString(),
          ':counts': outcome.counts,
          ':progress': outcome.progress,
          ':expires': outcome.sheetExpiresAt.toISOString(),
          ':sheets': SHEETS_BY_EXPIRY,
          ':listing': `${outcome.sheetExpiresAt.toISOString()}#${studyId}#${jobId}`,
        },
      },
    },
    audit,
    outcome.finishedAt,
  );
}

/** Failed: why, for the person who asked; what was sealed so far is shredded (its links are on no sheet anyone can read). */
export async function failLinkJob(studyId: string, jobId: string, message: string, at: Date, audit: AuditNote): Promise<void> {
  await shredSheet(studyId, jobId);
  await writeAudited(
    {
      Update: {
        TableName: tableName(),
        Key: jobKey(studyId, jobId),
        UpdateExpression: 'SET #status = :failed, #error = :message, finishedAt = :at, updatedAt = :at',
        ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: { ':failed': 'failed', ':message': message, ':at': at.toISOString() },
      },
    },
    audit,
    at,
  );
}

/**
 * A sheet being written: a new key in the identity table, then sealed chunks.
 * Both expire LINK_SHEET_HOURS after the job started, whatever happens to it.
 */
export class SheetWriter {
  private index = 0;
  private readonly expiresAt: number;

  private constructor(
    private readonly studyId: string,
    private readonly jobId: string,
    private readonly key: Buffer,
    startedAt: Date,
  ) {
    this.expiresAt = seconds(startedAt.getTime() + LINK_SHEET_HOURS * HOUR_MS);
  }

  static async open(studyId: string, jobId: string, startedAt: Date): Promise<SheetWriter> {
    const writer = new SheetWriter(studyId, jobId, newSealingKey(), startedAt);
    await db().send(
      new PutCommand({
        TableName: identityTableName(),
        Item: { ...sheetKeyKey(studyId, jobId), key: writer.key, expiresAt: writer.expiresAt },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return writer;
  }

  /** When the sheet stops being readable. */
  get expires(): Date {
    return new Date(this.expiresAt * 1000);
  }

  /** Seals what a batch issued, in chunks of at most CHUNK_ENTRIES entries. */
  async append(part: Partial<IssueLinksResult>): Promise<void> {
    const pieces: Partial<IssueLinksResult>[] = [];
    for (const field of ['links', 'emailed', 'skipped'] as const) {
      const entries = (part[field] ?? []) as unknown[];
      for (let i = 0; i < entries.length; i += CHUNK_ENTRIES) pieces.push({ [field]: entries.slice(i, i + CHUNK_ENTRIES) });
    }
    if (part.withdrawn) pieces.push({ withdrawn: part.withdrawn });
    for (const piece of pieces) {
      const index = this.index++;
      await db().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...chunkKey(this.studyId, this.jobId, index), sealed: seal(this.key, chunkContext(this.studyId, this.jobId, index), JSON.stringify(piece)), expiresAt: this.expiresAt },
        }),
      );
    }
  }
}

export class SheetGone extends Error {}

/** The whole sheet, opened; SheetGone once its key has expired or been shredded. */
export async function readSheet(studyId: string, jobId: string): Promise<IssueLinksResult> {
  const { Item } = await db().send(new GetCommand({ TableName: identityTableName(), Key: sheetKeyKey(studyId, jobId), ConsistentRead: true }));
  // TTL deletes late: an expired key is treated as gone.
  if (!Item || (Item.expiresAt as number) <= seconds(Date.now())) throw new SheetGone();
  const key = Item.key as Uint8Array;
  const chunks = await queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :chunk)', ExpressionAttributeValues: { ':pk': sheetPartition(studyId, jobId), ':chunk': 'CHUNK#' }, ConsistentRead: true });
  const sheet: IssueLinksResult = { links: [], skipped: [], withdrawn: 0 };
  for (const chunk of chunks) {
    const index = Number((chunk.SK as string).slice('CHUNK#'.length));
    const piece = JSON.parse(unseal(key, chunkContext(studyId, jobId, index), chunk.sealed as Uint8Array)) as Partial<IssueLinksResult>;
    sheet.links.push(...(piece.links ?? []));
    sheet.skipped.push(...(piece.skipped ?? []));
    sheet.withdrawn += piece.withdrawn ?? 0;
    if (piece.emailed) (sheet.emailed ??= []).push(...piece.emailed);
  }
  sheet.links.sort((a, b) => a.participantCode.localeCompare(b.participantCode));
  sheet.skipped.sort((a, b) => a.participantCode.localeCompare(b.participantCode));
  sheet.emailed?.sort();
  return sheet;
}

/** Deletes a sheet's key first (from then on it cannot be read), then its chunks. */
export async function shredSheet(studyId: string, jobId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: identityTableName(), Key: sheetKeyKey(studyId, jobId) }));
  const chunks = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': sheetPartition(studyId, jobId) }, ProjectionExpression: 'PK, SK' });
  for (let i = 0; i < chunks.length; i += 25) {
    await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: chunks.slice(i, i + 25).map((c) => ({ DeleteRequest: { Key: { PK: c.PK, SK: c.SK } } })) } }));
  }
}

/**
 * The embedded platform's stand-in for DynamoDB's TTL: shreds every sheet past
 * its time and takes its job off the listing. Returns how many it shredded.
 */
export async function shredExpiredLinkSheets(now: Date): Promise<number> {
  const due = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :sheets AND GSI1SK < :now',
    ExpressionAttributeValues: { ':sheets': SHEETS_BY_EXPIRY, ':now': now.toISOString() },
  });
  for (const job of due) {
    const { studyId, jobId } = job as { studyId: string; jobId: string };
    await shredSheet(studyId, jobId);
    await db().send(new UpdateCommand({ TableName: tableName(), Key: jobKey(studyId, jobId), UpdateExpression: 'REMOVE GSI1PK, GSI1SK' }));
  }
  return due.length;
}

function toStoredLinkJob(item: Record<string, unknown>): StoredLinkJob {
  const { PK: _pk, SK: _sk, type: _type, expiresAt: _expires, GSI1PK: _g, GSI1SK: _gs, ...job } = item;
  return job as StoredLinkJob;
}

/** The contract's view of a job: `sheetAvailableUntil` null once the sheet has expired. */
export function linkJobView(job: StoredLinkJob, now: Date): LinkJob {
  const { requestedBy: _by, group: _group, request: _request, sheetExpiresAt, updatedAt, ...view } = job;
  const unfinished = job.status === 'queued' || job.status === 'running';
  if (unfinished && now.getTime() - Date.parse(updatedAt ?? job.requestedAt) > STALLED_MS) {
    return {
      ...view,
      status: 'failed',
      error: `The job stopped after ${job.progress.done.toLocaleString('en-GB')} of ${job.progress.total.toLocaleString('en-GB')} participants. The links it issued are on no sheet: start it again to issue the rest, with "reissue" to replace those too.`,
    };
  }
  return {
    ...view,
    ...(job.status === 'finished' ? { sheetAvailableUntil: sheetExpiresAt && Date.parse(sheetExpiresAt) > now.getTime() ? sheetExpiresAt : null } : {}),
  };
}
