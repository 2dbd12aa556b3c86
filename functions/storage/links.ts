/**
 * Personal links: one live token per participant per wave. The token itself
 * is never stored; the TOKEN#<hash> item resolves it, and the participant's
 * LINK#<wave> item records which hash is live, so reissuing can revoke the old one.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashToken, newLinkToken } from '../domain/tokens.js';
import { db, isConditionalCheckFailed, tableName } from './client.js';
import { keys } from './keys.js';

export type LinkTarget = { studyId: string; participantCode: string; waveId: string };

export type ParticipantLink = { studyId: string; participantCode: string; waveId: string; tokenHash: string; issuedAt: string; openedAt?: string };

export class LinkAlreadyIssued extends Error {
  constructor(readonly participantCode: string) {
    super(`${participantCode} already has a link for this wave`);
    this.name = 'LinkAlreadyIssued';
  }
}

/**
 * Issues a new token for a participant's wave and returns it: the only moment
 * it exists in clear. Without `reissue`, a participant who already has a link
 * is refused; with it, the old token stops working in the same transaction.
 * Answers are keyed by participant and wave, not by token, so partial answers
 * carry over to the new link.
 */
export async function issueLink(target: { studyId: string; participantCode: string; waveId: string }, options: { reissue: boolean; now: Date }): Promise<string> {
  const { studyId, participantCode, waveId } = target;
  const linkKey = keys.participantLink(studyId, participantCode, waveId);
  const current = options.reissue ? await getParticipantLink(studyId, participantCode, waveId) : undefined;
  const token = newLinkToken();
  const tokenHash = hashToken(token);
  const issuedAt = options.now.toISOString();
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: { ...keys.linkToken(tokenHash), type: 'link', studyId, participantCode, waveId, createdAt: issuedAt },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: { ...linkKey, ...keys.waveIndex(studyId, waveId, participantCode, 'LINK'), type: 'participantLink', studyId, participantCode, waveId, tokenHash, issuedAt },
              // Guards against two issues at once: only the link we read may be replaced.
              ConditionExpression: current ? 'tokenHash = :current' : 'attribute_not_exists(PK)',
              ...(current ? { ExpressionAttributeValues: { ':current': current.tokenHash } } : {}),
            },
          },
          ...(current ? [{ Delete: { TableName: tableName(), Key: keys.linkToken(current.tokenHash) } }] : []),
          {
            ConditionCheck: {
              TableName: tableName(),
              Key: keys.participant(studyId, participantCode),
              ConditionExpression: 'attribute_exists(PK)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      if (reasons[reasons.length - 1]?.Code === 'ConditionalCheckFailed') throw new Error(`No participant ${participantCode} in ${studyId}`);
      throw new LinkAlreadyIssued(participantCode);
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

export async function resolveLinkToken(tokenHash: string): Promise<LinkTarget | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.linkToken(tokenHash) }));
  if (!Item) return undefined;
  const { studyId, participantCode, waveId } = Item as LinkTarget;
  return { studyId, participantCode, waveId };
}
