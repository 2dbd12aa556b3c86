/**
 * Study membership (issue #18): who belongs to a study, with which study role
 * and data access group. Members live in the study's partition (listed by one
 * Query for the members page) and are listed per account under GSI1 (the
 * caller's studies). The handler chain reads one member per request, with a
 * consistent read: a change takes effect at the member's next request.
 *
 * A study always keeps an owner. The number of owners is an item of its own
 * (`OWNERS`), and every write that adds or removes an owner changes it in the
 * same transaction as the member, on condition that it stays at least 1. Two
 * owners removing each other at once cannot both win: the second transaction
 * finds the count at 1 and is cancelled.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Member, StudyRole } from '../contracts/members.js';
import { auditPut, type AuditNote } from './audit.js';
import { db, queryAll, tableName } from './client.js';
import { keys, prefixes } from './keys.js';

export type StoredMember = Member & { studyId: string };

/** The stored item of a member (also used by the study's creation transaction and data upgrades). */
export function memberItem(member: StoredMember) {
  return { ...keys.member(member.studyId, member.userId), ...keys.membershipListing(member.studyId, member.userId), type: 'member', ...member };
}

/** The owner count's item for a study created with `owners` owners. */
export function studyOwnersItem(studyId: string, owners: number) {
  return { ...keys.studyOwners(studyId), type: 'studyOwners', studyId, count: owners };
}

/** The first owner of a new study: its creator. */
export function firstOwner(studyId: string, account: { userId: string; email: string }, at: string): StoredMember {
  return { studyId, userId: account.userId, email: account.email, role: 'owner', addedAt: at, addedBy: account.userId };
}

export async function getMember(studyId: string, userId: string): Promise<StoredMember | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.member(studyId, userId), ConsistentRead: true }));
  return Item ? toMember(Item) : undefined;
}

export async function listMembers(studyId: string): Promise<StoredMember[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :member)',
    ExpressionAttributeValues: { ':pk': keys.study(studyId).PK, ':member': prefixes.member },
    ConsistentRead: true,
  });
  return items.map(toMember).sort((a, b) => a.email.localeCompare(b.email));
}

/** The studies an account is a member of, with its role in each. */
export async function listMembershipsOf(userId: string): Promise<StoredMember[]> {
  const items = await queryAll({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :member',
    ExpressionAttributeValues: { ':member': keys.membershipListing('', userId).GSI1PK },
  });
  return items.map(toMember);
}

export class MembershipRefused extends Error {
  constructor(readonly reason: 'last_owner' | 'conflict') {
    super(reason === 'last_owner' ? 'A study must keep at least one owner' : 'The member was changed at the same time');
    this.name = 'MembershipRefused';
  }
}

/**
 * Adds a member, or replaces `previous` (the member as read before) with the
 * new role or group. The condition on the previous role makes a change made
 * meanwhile by someone else cancel this one rather than be overwritten, which
 * also keeps the owner count true.
 */
export async function putMember(member: StoredMember, previous: StoredMember | undefined, audit?: AuditNote): Promise<void> {
  const ownerChange = (member.role === 'owner' ? 1 : 0) - (previous?.role === 'owner' ? 1 : 0);
  await transact([
    {
      Put: {
        TableName: tableName(),
        Item: memberItem(member),
        ...(previous
          ? { ConditionExpression: '#role = :previous', ExpressionAttributeNames: { '#role': 'role' }, ExpressionAttributeValues: { ':previous': previous.role } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    },
    ...ownerCountChange(member.studyId, ownerChange),
    ...(audit ? [auditPut(audit)] : []),
  ]);
}

/** Removes a member as read (`member`); refused when they are the study's last owner. */
export async function removeMember(member: StoredMember, audit?: AuditNote): Promise<void> {
  await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: keys.member(member.studyId, member.userId),
        ConditionExpression: '#role = :role',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':role': member.role },
      },
    },
    ...ownerCountChange(member.studyId, member.role === 'owner' ? -1 : 0),
    ...(audit ? [auditPut(audit)] : []),
  ]);
}

function ownerCountChange(studyId: string, change: number) {
  if (change === 0) return [];
  return [
    {
      Update: {
        TableName: tableName(),
        Key: keys.studyOwners(studyId),
        UpdateExpression: 'SET #type = :type, studyId = :studyId ADD #count :change',
        // Removing an owner needs another one left; adding one needs nothing.
        ...(change < 0 ? { ConditionExpression: '#count > :one' } : {}),
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
        ExpressionAttributeValues: { ':change': change, ':type': 'studyOwners', ':studyId': studyId, ...(change < 0 ? { ':one': 1 } : {}) },
      },
    },
  ];
}

async function transact(TransactItems: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<void> {
  try {
    await db().send(new TransactWriteCommand({ TransactItems }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    // The second item, when there is one, is the owner count (the audit entry, last, has no condition).
    throw new MembershipRefused(reasons[1]?.Code === 'ConditionalCheckFailed' ? 'last_owner' : 'conflict');
  }
}

function toMember(item: Record<string, unknown>): StoredMember {
  const { studyId, userId, email, role, group, addedAt, addedBy, selfAddedAdmin } = item as StoredMember;
  return {
    studyId,
    userId,
    email,
    role: role as StudyRole,
    ...(group ? { group } : {}),
    addedAt,
    addedBy,
    ...(selfAddedAdmin ? { selfAddedAdmin } : {}),
  };
}
