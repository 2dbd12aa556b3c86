/** Consent per wave, check-in requests, resuming at a page, and rate-limiting of bad links. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reloadConfig } from '../../functions/config.js';
import { newLinkToken } from '../../functions/domain/tokens.js';
import { BAD_TOKEN_POLICY } from '../../functions/http/personal-link.js';
import { keys } from '../../functions/storage/keys.js';
import { callRoute } from '../support/call-route.js';
import { CONSENT_VERSION, createLink } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const outbox = mkdtempSync(join(tmpdir(), 'pont-outbox-'));
beforeAll(() => {
  process.env.OUTBOX_DIR = outbox;
  reloadConfig();
});
afterAll(() => rmSync(outbox, { recursive: true, force: true }));

const answers = { mood: 4, has_adviser: 'no' };
const consent = (token: string, decision: 'agreed' | 'declined', version = CONSENT_VERSION, ip?: string) =>
  callRoute('POST', `/api/s/${token}/consent`, { body: { version, decision, language: 'cy' }, ...(ip ? { sourceIp: ip } : {}) });
const save = (token: string, body: Record<string, unknown>) => callRoute('PUT', `/api/s/${token}/responses/check-in`, { body });

describe('consent', () => {
  it('is asked before anything else: the link shows the text and no decision yet, and answers are refused', async () => {
    const link = await createLink({ consent: null });

    const opened = await callRoute('GET', `/api/s/${link.token}`);
    const early = await save(link.token, { answers, language: 'en', complete: false, baseRevision: 0 });

    expect(opened.json.consent).toEqual({ version: CONSENT_VERSION, text: { en: 'Do you agree?', cy: "Ydych chi'n cytuno?" }, decision: null, decidedAt: null });
    expect(early.status).toBe(409);
    expect(early.json.error.code).toBe('consent_required');
    expect(await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'))).toBeUndefined();
  });

  it('records agreement with the version and time, after which answers are kept', async () => {
    const link = await createLink({ consent: null });

    const agreed = await consent(link.token, 'agreed');
    const saved = await save(link.token, { answers, language: 'en', complete: true, baseRevision: 0 });

    expect(agreed.status).toBe(200);
    expect(agreed.json.decision).toBe('agreed');
    expect(await table.getItem(keys.consentDecision(link.studyId, link.participantCode, link.waveId))).toMatchObject({
      decision: 'agreed',
      consentVersion: CONSENT_VERSION,
      language: 'cy',
      decidedAt: agreed.json.decidedAt,
    });
    expect(saved.status).toBe(200);
  });

  it('after declining, shows no questions and stores no answers', async () => {
    const link = await createLink({ consent: null });

    await consent(link.token, 'declined');
    const opened = await callRoute('GET', `/api/s/${link.token}`);
    const refused = await save(link.token, { answers, language: 'en', complete: false, baseRevision: 0 });

    expect(opened.json.consent.decision).toBe('declined');
    expect(opened.json.instruments).toEqual([]);
    // Declined in Welsh: the link opens in Welsh when they come back, on any phone.
    expect(opened.json.language).toBe('cy');
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('consent_declined');
    expect(await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'))).toBeUndefined();
  });

  it('treats the same decision twice as one, and refuses to flip it from the link', async () => {
    const link = await createLink({ consent: null });

    const first = await consent(link.token, 'agreed');
    const again = await consent(link.token, 'agreed');
    const flipped = await consent(link.token, 'declined');

    expect(again.status).toBe(200);
    expect(again.json.decidedAt).toBe(first.json.decidedAt);
    expect(flipped.status).toBe(409);
    expect(flipped.json.error.code).toBe('consent_already_recorded');
  });

  it('refuses a decision about a consent text the wave no longer asks for', async () => {
    const link = await createLink({ consent: null });

    const stale = await consent(link.token, 'agreed', 'consent-v0');

    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('consent_version_changed');
  });
});

describe('resuming', () => {
  it('remembers the page of the last save, for any device', async () => {
    const link = await createLink();

    await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0, pageName: 'second' });
    const reopened = await callRoute('GET', `/api/s/${link.token}`);

    expect(reopened.json.instruments[0].response).toMatchObject({ status: 'partial', pageName: 'second', answers: { mood: 2 } });
  });
});

describe('asking for a check-in', () => {
  it('records one request per wave and tells the study team without any answer', async () => {
    const link = await createLink();
    await save(link.token, { answers: { mood: 1, has_adviser: 'no', anything_else: 'a private thought' }, language: 'en', complete: true, baseRevision: 0 });
    const before = readdirSync(outbox).length;

    const first = await callRoute('POST', `/api/s/${link.token}/check-in`, { body: { language: 'cy' } });
    const second = await callRoute('POST', `/api/s/${link.token}/check-in`, { body: { language: 'cy' } });
    const opened = await callRoute('GET', `/api/s/${link.token}`);

    expect(first.status).toBe(200);
    expect(second.json.requestedAt).toBe(first.json.requestedAt);
    expect(opened.json.checkInRequested).toBe(true);
    const messages = readdirSync(outbox).slice(before);
    expect(messages).toHaveLength(1);
    const message = readFileSync(join(outbox, messages[0]!), 'utf8');
    expect(message).toContain(link.participantCode);
    expect(message).toContain('Welsh');
    expect(message).not.toContain('private thought');
    expect(message).not.toContain(link.token);
  });
});

describe('rate-limiting bad links', () => {
  it('answers a client\'s bad links with 429 after too many, still serves its valid ones, and keeps no IP', async () => {
    const link = await createLink();
    const guesser = '198.51.100.7';
    for (let i = 0; i < BAD_TOKEN_POLICY.limit; i++) {
      const miss = await callRoute('GET', `/api/s/${newLinkToken()}`, { sourceIp: guesser });
      expect(miss.status).toBe(404);
    }

    const blocked = await callRoute('GET', `/api/s/${newLinkToken()}`, { sourceIp: guesser });
    const validFromSameAddress = await callRoute('GET', `/api/s/${link.token}`, { sourceIp: guesser });
    const someoneElse = await callRoute('GET', `/api/s/${newLinkToken()}`, { sourceIp: '203.0.113.9' });

    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe('too_many_attempts');
    expect(validFromSameAddress.status).toBe(200);
    expect(someoneElse.status).toBe(404);
    expect(JSON.stringify(await table.scanAll())).not.toContain(guesser);
  });
});
