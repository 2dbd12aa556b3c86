/**
 * The DynamoDB calls each respondent request makes, on a warm container (the
 * study, wave, consent text and instrument already cached), counted on the
 * handlers' own client. Each route has a budget (issue #24): a change that
 * adds a call fails here, and the budget only ever comes down.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../functions/storage/client.js';
import { issueLink } from '../../functions/storage/links.js';
import { createParticipant } from '../../functions/storage/participants.js';
import { callRoute } from '../support/call-route.js';
import { CONSENT_VERSION, createLink, type LinkFixture } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

useTestTable();

const calls: string[] = [];
const COUNTER = 'testCountDynamoCalls';

beforeEach(() => {
  calls.length = 0;
  db().middlewareStack.add(
    (next, context) => (args) => {
      calls.push(String(context.commandName ?? 'unknown').replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: COUNTER },
  );
});

afterEach(() => {
  db().middlewareStack.remove(COUNTER);
});

/** The calls `request` makes, by kind and count, e.g. { BatchGetItem: 1, GetItem: 1 }. */
async function callsOf(request: () => Promise<{ status: number }>, status = 200): Promise<Record<string, number>> {
  calls.length = 0;
  expect((await request()).status).toBe(status);
  const counted: Record<string, number> = {};
  for (const call of calls) counted[call] = (counted[call] ?? 0) + 1;
  return counted;
}

const total = (counted: Record<string, number>) => Object.values(counted).reduce((a, b) => a + b, 0);

/** A second participant in the fixture's study: the container has already read the study for the first. */
async function anotherLink(link: LinkFixture, code: string): Promise<string> {
  await createParticipant({ studyId: link.studyId, participantCode: code, createdAt: new Date().toISOString() });
  return issueLink({ studyId: link.studyId, participantCode: code, waveId: link.waveId }, { reissue: false, now: new Date() });
}

describe('DynamoDB calls per respondent request, on a warm container', () => {
  it('opens a link in 3 calls the first time (the token, everything else in one batch, the first open recorded) and 2 after', async () => {
    const link = await createLink();
    await callRoute('GET', `/api/s/${link.token}`); // warms the container's caches
    const token = await anotherLink(link, 'P-002');

    const first = await callsOf(() => callRoute('GET', `/api/s/${token}`));
    const again = await callsOf(() => callRoute('GET', `/api/s/${token}`));

    expect(first).toEqual({ GetItem: 1, BatchGetItem: 1, UpdateItem: 1 });
    expect(again).toEqual({ GetItem: 1, BatchGetItem: 1 });
    expect(total(again)).toBeLessThanOrEqual(2);
  });

  it('shows what the batch read: the consent decision, the check-in and the saved answers', async () => {
    const link = await createLink();
    const saved = await callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body: { answers: { mood: 4 }, language: 'cy', complete: false, baseRevision: 0 } });
    expect(saved.status).toBe(200);
    expect((await callRoute('POST', `/api/s/${link.token}/check-in`, { body: { language: 'cy' } })).status).toBe(200);

    const opened = await callRoute('GET', `/api/s/${link.token}`);

    expect(opened.json.consent).toMatchObject({ version: CONSENT_VERSION, decision: 'agreed' });
    expect(opened.json.checkInRequested).toBe(true);
    expect(opened.json.instruments[0].response).toMatchObject({ answers: { mood: 4 }, status: 'partial', language: 'cy', revision: 1 });
  });

  it('saves a page in 1 call and submits in 1', async () => {
    const link = await createLink();
    await callRoute('GET', `/api/s/${link.token}`);
    const save = (body: object) => () => callRoute('PUT', `/api/s/${link.token}/responses/check-in`, { body });
    // The first save also keeps the participant's language (a transaction with it); the ones after do not.
    await save({ answers: { mood: 3 }, language: 'en', complete: false, baseRevision: 0 })();

    const autosave = await callsOf(save({ answers: { mood: 4 }, language: 'en', complete: false, baseRevision: 1 }));
    const submit = await callsOf(save({ answers: { mood: 4, has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 2 }));

    expect(autosave).toEqual({ PutItem: 1 });
    expect(submit).toEqual({ TransactWriteItems: 1 });
  });

  it('answers an unknown token in 2 calls (the token, and the count of bad tokens from this client)', async () => {
    const counted = await callsOf(() => callRoute('GET', '/api/s/AAAAAAAAAAAAAAAAAAAAAAAA'), 404);
    expect(counted).toEqual({ GetItem: 1, UpdateItem: 1 });
  });
});
