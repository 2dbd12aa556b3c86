/**
 * Personal links: one live token per participant per wave. The token itself
 * is never stored; the TOKEN#<hash> item resolves it, and the participant's
 * LINK#<wave> item records which hash is live, so reissuing can revoke the old one.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashToken, newLinkToken } from '../domain/tokens.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { itemCache } from './item-cache.js';
import { keys } from './keys.js';
import { handOverItems, instrumentsAnswered } from './response-links.js';

export type LinkTarget = { studyId: string; participantCode: string; waveId: string };

export type ParticipantLink = { studyId: string; participantCode: string; waveId: string; tokenHash: string; issuedAt: string; openedAt?: string };

export class LinkAlreadyIssued extends Error {
  constructor(readonly participantCode: string) {
    super(`${participantCode} already has a link for this wave`);
    this.name = 'LinkAlreadyIssued';
  }
}

/** The item that resolves a token (stored only as its hash) to the participant's wave. */
export function linkTokenItem(target: LinkTarget, tokenHash: string, createdAt: string) {
  const { studyId, participantCode, waveId } = target;
  return { ...keys.linkToken(tokenHash), type: 'link', studyId, participantCode, waveId, createdAt };
}

/** The participant's link for a wave: which token hash is live, in the wave index for the progress view. */
export function participantLinkItem(link: ParticipantLink) {
  const { studyId, participantCode, waveId, tokenHash, issuedAt, openedAt } = link;
  return {
    ...keys.participantLink(studyId, participantCode, waveId),
    ...keys.waveIndex(studyId, waveId, participantCode, 'LINK'),
    type: 'participantLink',
    studyId,
    participantCode,
    waveId,
    tokenHash,
    issuedAt,
    ...(openedAt ? { openedAt } : {}),
  };
}

/** A first answer was saved through the old link while it was being replaced: replace it again, handing that answer over too. */
class ResponsesChanged extends Error {
  constructor() {
    super('A response was started while the link was being replaced');
    this.name = 'ResponsesChanged';
  }
}

export class ParticipantWithdrawn extends Error {
  constructor(readonly participantCode: string) {
    super(`${participantCode} has withdrawn from the study`);
    this.name = 'ParticipantWithdrawn';
  }
}

/**
 * Issues a new token for a participant's wave and returns it: the only moment
 * it exists in clear. Without `reissue`, a participant who already has a link
 * is refused; with it, the old token stops working in the same transaction.
 * Answers are keyed by participant and wave, not by token, so partial answers
 * carry over to the new link (and in the same transaction name it as the one
 * they may be autosaved through: response-links.ts), and so does having
 * opened the old one.
 *
 * A participant who has withdrawn is refused (ParticipantWithdrawn) by the
 * transaction itself, not by a read before it: withdrawal sets `withdrawnAt`
 * and then deletes the tokens it finds, so a link issued at the same moment
 * either commits first (and its token is deleted) or is refused.
 */
export async function issueLink(target: { studyId: string; participantCode: string; waveId: string }, options: { reissue: boolean; now: Date }): Promise<string> {
  const read = () => getParticipantLink(target.studyId, target.participantCode, target.waveId);
  let current = options.reissue ? await read() : undefined;
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await tryIssueLink(target, current, options.now);
    if (typeof outcome === 'string') return outcome;
    if (outcome instanceof ResponsesChanged && attempt < 5) continue;
    if (outcome instanceof LinkAlreadyIssued && current && attempt === 1) {
      // The old link was first opened between reading and replacing it: replace it as it is now.
      // Another reissue meanwhile (a new hash) is refused, as before.
      const again = await read();
      if (again?.tokenHash === current.tokenHash) {
        current = again;
        continue;
      }
    }
    throw outcome;
  }
}

async function tryIssueLink(target: LinkTarget, current: ParticipantLink | undefined, now: Date): Promise<string | Error> {
  const { studyId, participantCode, waveId } = target;
  const token = newLinkToken();
  const tokenHash = hashToken(token);
  const issuedAt = now.toISOString();
  const handOver = current ? await handOverItems(target, await instrumentsAnswered(target), tokenHash) : [];
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: linkTokenItem(target, tokenHash, issuedAt),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: tableName(),
              // Having opened an earlier link is still a fact about this wave (progress counts it).
              Item: participantLinkItem({ studyId, participantCode, waveId, tokenHash, issuedAt, ...(current?.openedAt ? { openedAt: current.openedAt } : {}) }),
              // Guards against two issues at once: only the link we read may be replaced, and
              // only as it was read, so a first open recorded meanwhile is not lost (a retry reads it).
              ConditionExpression: current
                ? `tokenHash = :current AND ${current.openedAt ? 'openedAt = :opened' : 'attribute_not_exists(openedAt)'}`
                : 'attribute_not_exists(PK)',
              ...(current
                ? { ExpressionAttributeValues: { ':current': current.tokenHash, ...(current.openedAt ? { ':opened': current.openedAt } : {}) } }
                : {}),
            },
          },
          ...(current ? [{ Delete: { TableName: tableName(), Key: keys.linkToken(current.tokenHash) } }] : []),
          ...handOver,
          // Last, so its cancellation reason is the last one.
          {
            ConditionCheck: {
              TableName: tableName(),
              Key: keys.participant(studyId, participantCode),
              ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(withdrawnAt)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      const participant = reasons[reasons.length - 1];
      if (participant?.Code === 'ConditionalCheckFailed') {
        return participant.Item ? new ParticipantWithdrawn(participantCode) : new Error(`No participant ${participantCode} in ${studyId}`);
      }
      const handOverFailed = reasons.slice(-1 - handOver.length, -1).some((reason) => reason.Code !== undefined && reason.Code !== 'None');
      if (handOverFailed) return new ResponsesChanged();
      return new LinkAlreadyIssued(participantCode);
    }
    throw error;
  }
  return token;
}

export async function getParticipantLink(studyId: string, participantCode: string, waveId: string): Promise<ParticipantLink | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.participantLink(studyId, participantCode, waveId), ConsistentRead: true }),
  );
  return Item as ParticipantLink | undefined;
}

/** Marks a link opened the first time only; later opens change nothing. */
export async function markLinkOpened(studyId: string, participantCode: string, waveId: string, now: Date): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.participantLink(studyId, participantCode, waveId),
        UpdateExpression: 'SET openedAt = :now',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(openedAt)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/**
 * What a token (by its hash) points to, read from the table: this is what
 * opening a link, and every save that is not a final submission, relies on
 * to refuse a revoked link. A target found is remembered for
 * resolveLinkTokenRemembered.
 */
export async function resolveLinkToken(tokenHash: string): Promise<LinkTarget | undefined> {
  const target = await readLinkToken(tokenHash);
  if (target) linkTargets.remember(tokenHash, target);
  return target;
}

/**
 * What a token points to, from the container's memory when it resolved the
 * token in the last 15 minutes (the respondent opened the link and saved
 * pages before submitting), else from the table. A token's target never
 * changes, but the token can be revoked (reissued, withdrawn, erased) and
 * still be remembered here: only for a caller whose write checks, in the
 * same transaction, that the token item still exists (linkIsLiveCheck).
 */
export function resolveLinkTokenRemembered(tokenHash: string): Promise<LinkTarget | undefined> {
  return linkTargets.get(tokenHash, () => readLinkToken(tokenHash));
}

/** The transaction item that refuses a write through a link revoked since its token was resolved. */
export function linkIsLiveCheck(tokenHash: string) {
  return { ConditionCheck: { TableName: tableName(), Key: keys.linkToken(tokenHash), ConditionExpression: 'attribute_exists(PK)' } };
}

const linkTargets = itemCache<LinkTarget>({ ttlMs: 15 * 60_000, maxEntries: 20_000 });

async function readLinkToken(tokenHash: string): Promise<LinkTarget | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.linkToken(tokenHash) }));
  if (!Item) return undefined;
  const { studyId, participantCode, waveId } = Item as LinkTarget;
  return { studyId, participantCode, waveId };
}

// --- Links delivered by email ---------------------------------------------------

/**
 * A link item that was emailed carries how it was delivered and its reminder
 * state. Any reissue by the researchers (issueLink) replaces the item without
 * these, so a link handed out on a sheet is never reminded.
 */
export type LinkDeliveryState = ParticipantLink & {
  delivery?: 'email';
  /** When the invitation email was sent: reminder days count from it. */
  invitedAt?: string;
  /** Reminder steps sent so far. */
  remindersSent?: number;
  /** The last reminder email could not be sent after its link was issued. */
  emailFailedAt?: string;
};

/** Records that this link (and no later one) was emailed as an invitation. */
export async function recordEmailDelivery(target: LinkTarget, tokenHash: string, now: Date): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.participantLink(target.studyId, target.participantCode, target.waveId),
        UpdateExpression: 'SET delivery = :email, invitedAt = :now, remindersSent = :none REMOVE emailFailedAt',
        // A link reissued meanwhile was not the one emailed.
        ConditionExpression: 'tokenHash = :hash',
        ExpressionAttributeValues: { ':email': 'email', ':now': now.toISOString(), ':none': 0, ':hash': tokenHash },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

export class ReminderAlreadyClaimed extends Error {
  constructor() {
    super('This reminder was sent, or the link changed, since it was read');
    this.name = 'ReminderAlreadyClaimed';
  }
}

/**
 * Claims reminder `step` for an emailed link and reissues the link for it, in
 * one transaction, and returns the new token. The old token cannot be
 * recovered (only its hash is stored), so a reminder needs a new link.
 *
 * The condition is the claim: the link item must still name the token hash and
 * the number of reminders sent that were read. Two runs at the same time (the
 * daily schedule and a researcher's button), or a repeated run, read the same
 * state; only the first transaction matches it, and the others are refused
 * before any email is written, so each step goes out once. A retry after a
 * failed email claims the same step again the same way (the failed link is
 * replaced, so it too can only be retried once per run).
 */
export async function reissueForReminder(link: LinkDeliveryState, step: number, now: Date): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await tryReissueForReminder(link, step, now);
    if (typeof outcome === 'string') return outcome;
    if (!(outcome instanceof ResponsesChanged) || attempt >= 5) throw new ReminderAlreadyClaimed();
  }
}

async function tryReissueForReminder(link: LinkDeliveryState, step: number, now: Date): Promise<string | Error> {
  const { studyId, participantCode, waveId } = link;
  const token = newLinkToken();
  const tokenHash = hashToken(token);
  const at = now.toISOString();
  const item = {
    // Having opened an earlier link is still a fact about this wave (progress counts it).
    ...participantLinkItem({ studyId, participantCode, waveId, tokenHash, issuedAt: at, ...(link.openedAt ? { openedAt: link.openedAt } : {}) }),
    delivery: 'email',
    invitedAt: link.invitedAt!,
    remindersSent: step,
    lastReminderAt: at,
  };
  const handOver = await handOverItems(link, await instrumentsAnswered(link), tokenHash);
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: linkTokenItem(link, tokenHash, at),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: item,
              ConditionExpression: 'tokenHash = :current AND delivery = :email AND remindersSent = :sent',
              ExpressionAttributeValues: { ':current': link.tokenHash, ':email': 'email', ':sent': link.remindersSent ?? 0 },
            },
          },
          { Delete: { TableName: tableName(), Key: keys.linkToken(link.tokenHash) } },
          ...handOver,
          {
            // Someone withdrawn since the wave was read gets nothing more.
            ConditionCheck: {
              TableName: tableName(),
              Key: keys.participant(studyId, participantCode),
              ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(withdrawnAt)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const claimLost = reasons.slice(0, 3).some((reason) => reason.Code !== undefined && reason.Code !== 'None');
    const handOverFailed = reasons.slice(3, 3 + handOver.length).some((reason) => reason.Code !== undefined && reason.Code !== 'None');
    return handOverFailed && !claimLost ? new ResponsesChanged() : new ReminderAlreadyClaimed();
  }
  return token;
}

/** The reminder's email failed: nobody holds the new link, so the next run sends this step again. */
export async function recordEmailFailed(target: LinkTarget, tokenHash: string, now: Date): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.participantLink(target.studyId, target.participantCode, target.waveId),
        UpdateExpression: 'SET emailFailedAt = :now',
        ConditionExpression: 'tokenHash = :hash',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':hash': tokenHash },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
