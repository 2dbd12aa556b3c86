import { describe, expect, it } from 'vitest';
import { hashToken, newLinkToken } from '../../functions/domain/tokens.js';
import { keys } from '../../functions/storage/keys.js';
import { callRoute } from '../support/call-route.js';
import { checkInInstrument, createLink } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();

const completeAnswers = { mood: 4, has_adviser: 'yes', adviser_contact_weeks: 3, services: ['housing'] };

function save(token: string, body: unknown, instrumentId = 'check-in', headers?: Record<string, string>) {
  return callRoute('PUT', `/api/s/${token}/responses/${instrumentId}`, { body, ...(headers ? { headers } : {}) });
}

/** Everything but the expiring counters that rate-limit bad tokens. */
const dataItems = async () => (await table.scanAll()).filter((item) => item.type !== 'rateLimit');

/** Runs `act` and asserts that the table holds exactly the same data afterwards. */
async function expectNothingWritten(act: () => Promise<unknown>) {
  const before = await dataItems();
  await act();
  expect(await dataItems()).toEqual(before);
}

describe('opening a personal link', () => {
  it('shows the wave and its instrument with no answers yet', async () => {
    const link = await createLink();

    const result = await callRoute('GET', `/api/s/${link.token}`);

    expect(result.status).toBe(200);
    expect(result.headers['cache-control']).toBe('no-store');
    expect(result.json.instruments).toHaveLength(1);
    expect(result.json.instruments[0]).toMatchObject({ id: 'check-in', version: '1.0.0', contentHash: link.instrument.contentHash, response: null });
    // The fixture's consent was given in English: the link opens in the language of the participant's last choice.
    expect(result.json.language).toBe('en');
  });

  it('names nothing a participant should not see: the study by its public name, the wave only by a name written for them, each part by its respondent title', async () => {
    const withTitle = checkInInstrument({ id: 'plain-title', respondentTitle: { en: 'How things are going', cy: "Sut mae pethau'n mynd" } });
    const plain = await createLink({ instrument: withTitle, publicTitle: { en: 'Your say', cy: 'Eich llais' } });
    const named = await createLink({ wavePublicName: { en: 'Six months on', cy: 'Chwe mis yn ddiweddarach' } });

    const [first, second] = await Promise.all([callRoute('GET', `/api/s/${plain.token}`), callRoute('GET', `/api/s/${named.token}`)]);

    expect(first.json.study.title).toEqual({ en: 'Your say', cy: 'Eich llais' });
    expect(first.json.wave.name).toBeNull();
    expect(first.json.instruments[0].title).toEqual({ en: 'How things are going', cy: "Sut mae pethau'n mynd" });
    // Without them: the study's title, and the instrument's.
    expect(second.json.study.title).toEqual({ en: 'Test study', cy: 'Astudiaeth brawf' });
    expect(second.json.wave.name).toEqual({ en: 'Six months on', cy: 'Chwe mis yn ddiweddarach' });
    expect(second.json.instruments[0].title).toEqual(named.instrument.title);
  });

  it('has no language of its own before the participant has chosen one', async () => {
    const link = await createLink({ consent: null });

    const result = await callRoute('GET', `/api/s/${link.token}`);

    expect(result.json.language).toBeNull();
  });

  it('answers an unknown token and a malformed one with the same "not valid" error', async () => {
    const unknown = await callRoute('GET', `/api/s/${newLinkToken()}`);
    const malformed = await callRoute('GET', '/api/s/short');

    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('link_not_valid');
    expect(malformed.status).toBe(404);
    expect(malformed.json).toEqual(unknown.json);
  });

  it('says when a wave has not opened yet or has closed', async () => {
    const future = await createLink({ opensAt: new Date(Date.now() + 86_400_000), closesAt: new Date(Date.now() + 2 * 86_400_000) });
    const past = await createLink({ opensAt: new Date(Date.now() - 2 * 86_400_000), closesAt: new Date(Date.now() - 86_400_000) });

    const notYet = await callRoute('GET', `/api/s/${future.token}`);
    const closed = await callRoute('GET', `/api/s/${past.token}`);

    expect(notYet.status).toBe(403);
    expect(notYet.json.error.code).toBe('link_not_open_yet');
    expect(closed.status).toBe(410);
    expect(closed.json.error.code).toBe('link_closed');
  });
});

describe("fetching an instrument's survey", () => {
  it('sends the survey of the version the link lists, cacheable for a year, and keeps it out of the link itself', async () => {
    const link = await createLink();
    const opened = await callRoute('GET', `/api/s/${link.token}`);
    const { id, version, contentHash } = opened.json.instruments[0];
    expect(opened.json.instruments[0]).not.toHaveProperty('survey');

    const result = await callRoute('GET', `/api/surveys/${id}/${version}/${contentHash}`);

    expect(result.status).toBe(200);
    expect(result.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(result.json).toEqual({ id, version, contentHash, survey: link.instrument.survey });
  });

  it('answers a wrong hash exactly as it answers a version that does not exist', async () => {
    const link = await createLink();
    const { id, version, contentHash } = link.instrument;
    const wrongHash = contentHash.replace(/^./, (c) => (c === '0' ? '1' : '0'));

    const wrong = await callRoute('GET', `/api/surveys/${id}/${version}/${wrongHash}`);
    const missing = await callRoute('GET', `/api/surveys/${id}/9.9.9/${contentHash}`);

    expect(wrong.status).toBe(404);
    expect(wrong.json.error.code).toBe('not_found');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual(wrong.json);
    expect(wrong.headers['cache-control']).toBe('no-store');
  });
});

describe('saving answers', () => {
  it('round-trips a final response through the handler into DynamoDB', async () => {
    const link = await createLink();

    const saved = await save(link.token, { answers: completeAnswers, language: 'cy', complete: true, baseRevision: 0 });

    expect(saved.status).toBe(200);
    expect(saved.json.status).toBe('complete');
    const item = await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'));
    expect(item).toMatchObject({ status: 'complete', language: 'cy', instrumentVersion: '1.0.0', contentHash: link.instrument.contentHash });
    expect(JSON.parse(item!.answersJson as string)).toEqual(completeAnswers);
    const participant = await table.getItem(keys.participant(link.studyId, link.participantCode));
    expect(participant!.language).toBe('cy');

    const reopened = await callRoute('GET', `/api/s/${link.token}`);
    expect(reopened.json.language).toBe('cy');
    expect(reopened.json.instruments[0].response).toMatchObject({ status: 'complete', answers: completeAnswers });
  });

  it('keeps a partial save without requiring unanswered questions, then completes it', async () => {
    const link = await createLink();

    const partial = await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0 });
    const reopened = await callRoute('GET', `/api/s/${link.token}`);
    const final = await save(link.token, { answers: completeAnswers, language: 'en', complete: true, baseRevision: 0 });

    expect(partial.status).toBe(200);
    expect(partial.json.status).toBe('partial');
    expect(reopened.json.instruments[0].response).toMatchObject({ status: 'partial', answers: { mood: 2 } });
    expect(final.json.status).toBe('complete');
  });

  it('treats a repeated final submission with the same answers as a no-op', async () => {
    const link = await createLink();

    const first = await save(link.token, { answers: completeAnswers, language: 'en', complete: true, baseRevision: 0 });
    const itemsAfterFirst = await table.scanAll();
    const second = await save(link.token, { answers: completeAnswers, language: 'en', complete: true, baseRevision: 0 });
    // The same answers sent by another client, its keys in another order.
    const reordered = Object.fromEntries(Object.entries(completeAnswers).reverse());
    const third = await save(link.token, { answers: reordered, language: 'en', complete: true, baseRevision: 0 });

    expect(first.status).toBe(200);
    expect([second.status, third.status]).toEqual([200, 200]);
    expect([second.json.savedAt, third.json.savedAt]).toEqual([first.json.savedAt, first.json.savedAt]);
    expect(await table.scanAll()).toEqual(itemsAfterFirst);
  });

  it('refuses to change or reopen a completed response', async () => {
    const link = await createLink();
    await save(link.token, { answers: completeAnswers, language: 'en', complete: true, baseRevision: 0 });

    await expectNothingWritten(async () => {
      const changed = await save(link.token, { answers: { ...completeAnswers, mood: 1 }, language: 'en', complete: true, baseRevision: 0 });
      const reopened = await save(link.token, { answers: { mood: 1 }, language: 'en', complete: false, baseRevision: 0 });
      expect(changed.status).toBe(409);
      expect(changed.json.error.code).toBe('already_completed');
      expect(reopened.status).toBe(409);
    });
  });

  it('accepts a final response that leaves a hidden required question unanswered', async () => {
    const link = await createLink();

    const saved = await save(link.token, { answers: { mood: 5, has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 0 });

    expect(saved.status).toBe(200);
  });
});

describe('refusing bad requests without writing anything', () => {
  it.each([
    ['a body that is not JSON', '{"answers":', { 'content-type': 'application/json' }, 400, 'body_not_json'],
    ['a body of the wrong content type', 'answers=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
    ['a body missing the language', { answers: {}, complete: true }, undefined, 400, 'body_invalid'],
    ['a body with an unexpected field', { answers: {}, language: 'en', complete: false, baseRevision: 0, admin: true }, undefined, 400, 'body_invalid'],
    ['a body in an unsupported language', { answers: {}, language: 'fr', complete: false, baseRevision: 0 }, undefined, 400, 'body_invalid'],
    ['a body over 256 KB', { answers: { anything_else: 'x'.repeat(300_000) }, language: 'en', complete: false, baseRevision: 0 }, undefined, 413, 'body_too_large'],
  ])('refuses %s', async (_name, body, headers, status, code) => {
    const link = await createLink();

    await expectNothingWritten(async () => {
      const result = await save(link.token, body, 'check-in', headers);
      expect(result.status).toBe(status);
      expect(result.json.error.code).toBe(code);
      expect(result.json.error.message).toEqual(expect.any(String));
    });
  });

  it('names the field when the body does not match the contract', async () => {
    const link = await createLink();

    const result = await save(link.token, { answers: {}, complete: true });

    expect(result.json.error.details).toContainEqual(expect.objectContaining({ path: 'language' }));
  });

  it('refuses an unknown token', async () => {
    await expectNothingWritten(async () => {
      const result = await save(newLinkToken(), { answers: completeAnswers, language: 'en', complete: true, baseRevision: 0 });
      expect(result.status).toBe(404);
      expect(result.json.error.code).toBe('link_not_valid');
    });
  });

  it('refuses an instrument that is not part of the wave', async () => {
    const link = await createLink();

    await expectNothingWritten(async () => {
      const result = await save(link.token, { answers: {}, language: 'en', complete: false, baseRevision: 0 }, 'swemwbs');
      expect(result.status).toBe(404);
      expect(result.json.error.code).toBe('instrument_not_in_wave');
    });
  });

  it.each([
    ['an answer to a question the instrument does not have', { ...completeAnswers, favourite_colour: 'blue' }, 'favourite_colour'],
    ['a rating outside its range', { ...completeAnswers, mood: 6 }, 'mood'],
    ['a rating of the wrong type', { ...completeAnswers, mood: '4' }, 'mood'],
    ['a choice that is not offered', { ...completeAnswers, has_adviser: 'maybe' }, 'has_adviser'],
    ['a checkbox value that is not offered', { ...completeAnswers, services: ['housing', 'prison'] }, 'services'],
    ['a number question answered with text', { ...completeAnswers, adviser_contact_weeks: 'three' }, 'adviser_contact_weeks'],
    ['text longer than the question allows', { ...completeAnswers, anything_else: 'x'.repeat(501) }, 'anything_else'],
    ['a missing required answer', { has_adviser: 'no' }, 'mood'],
    ['a visible required question left empty', { mood: 3, has_adviser: 'yes' }, 'adviser_contact_weeks'],
  ])('refuses %s with a 422 naming the question', async (_name, answers, path) => {
    const link = await createLink();

    await expectNothingWritten(async () => {
      const result = await save(link.token, { answers, language: 'en', complete: true, baseRevision: 0 });
      expect(result.status).toBe(422);
      expect(result.json.error.code).toBe('answers_invalid');
      expect(result.json.error.details.map((d: { path: string }) => d.path)).toContain(path);
    });
  });

  it('checks the shape of partial saves too', async () => {
    const link = await createLink();

    await expectNothingWritten(async () => {
      const result = await save(link.token, { answers: { mood: 99 }, language: 'en', complete: false, baseRevision: 0 });
      expect(result.status).toBe(422);
    });
  });

  it('gives validation messages in the respondent\'s language', async () => {
    const link = await createLink();

    const english = await save(link.token, { answers: { has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 0 });
    const welsh = await save(link.token, { answers: { has_adviser: 'no' }, language: 'cy', complete: true, baseRevision: 0 });

    expect(english.json.error.details[0].message).not.toBe(welsh.json.error.details[0].message);
  });
});

describe('token storage', () => {
  it('stores only the hash of a link token', async () => {
    const link = await createLink();

    const items = await table.scanAll();

    expect(JSON.stringify(items)).not.toContain(link.token);
    expect(await table.getItem(keys.linkToken(hashToken(link.token)))).toBeDefined();
  });
});
