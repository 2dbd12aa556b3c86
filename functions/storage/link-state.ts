/**
 * Everything opening a personal link shows about the participant's wave, read
 * in one BatchGetItem: the participant, their consent decision, their
 * check-in request, their link (whether it was opened before) and their
 * response to each instrument the wave runs. Every key is known once the
 * token is resolved, so one round trip replaces five (issue #24: opening a
 * link makes at most two DynamoDB calls, three the first time).
 *
 * Each item is read with its own aggregate's converter; this module only
 * gathers them.
 */
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { toCheckInRequest, type CheckInRequestRecord } from './check-ins.js';
import { db, tableName } from './client.js';
import { toConsentRecord, type ConsentRecord } from './consents.js';
import { keys } from './keys.js';
import type { LinkTarget, ParticipantLink } from './links.js';
import { toParticipant, type Participant } from './participants.js';
import { toStoredResponse, type StoredResponse } from './responses.js';

export type LinkState = {
  participant?: Participant;
  consent?: ConsentRecord;
  checkIn?: CheckInRequestRecord;
  link?: ParticipantLink;
  /** The participant's responses to the given instruments, in their order; missing ones left out. */
  responses: StoredResponse[];
};

type Key = { PK: string; SK: string };
const id = (key: Key) => `${key.PK}\u0000${key.SK}`;

export async function readLinkState(target: LinkTarget, instrumentIds: readonly string[]): Promise<LinkState> {
  const { studyId, participantCode, waveId } = target;
  const wanted = {
    participant: keys.participant(studyId, participantCode),
    consent: keys.consentDecision(studyId, participantCode, waveId),
    checkIn: keys.checkInRequest(studyId, waveId, participantCode),
    link: keys.participantLink(studyId, participantCode, waveId),
  };
  const responseKeys = instrumentIds.map((instrumentId) => keys.response(studyId, participantCode, waveId, instrumentId));
  const items = await batchGet([...Object.values(wanted), ...responseKeys]);
  const found = (key: Key) => items.get(id(key));

  const participant = found(wanted.participant);
  const consent = found(wanted.consent);
  const checkIn = found(wanted.checkIn);
  const link = found(wanted.link);
  return {
    ...(participant ? { participant: toParticipant(participant) } : {}),
    ...(consent ? { consent: toConsentRecord(consent) } : {}),
    ...(checkIn ? { checkIn: toCheckInRequest(checkIn) } : {}),
    ...(link ? { link: link as ParticipantLink } : {}),
    responses: responseKeys.map(found).filter((item) => item !== undefined).map(toStoredResponse),
  };
}

/**
 * Consistent reads, as the single reads were: a decision or an answer saved a
 * moment ago is there. Keys DynamoDB leaves unprocessed (throttling) are asked
 * for again, after a short wait that doubles each time, until none are left.
 */
async function batchGet(keysToGet: Key[]): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  let pending: Record<string, unknown>[] | undefined = keysToGet;
  for (let attempt = 0; pending && pending.length > 0; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    const result: BatchGetCommandOutput = await db().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending, ConsistentRead: true } } }));
    for (const item of result.Responses?.[tableName()] ?? []) items.set(id(item as Key), item);
    pending = result.UnprocessedKeys?.[tableName()]?.Keys;
  }
  return items;
}
