/**
 * The cheaper request path of saving answers (issue #9): an autosave of an
 * existing response is one conditional Put instead of a transaction, and the
 * study and wave come from the container's cache. These check that the
 * guarantees of the transaction still hold on that path.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../functions/domain/tokens.js';
import { db } from '../../functions/storage/client.js';
import { recordConsent } from '../../functions/storage/consents.js';
import { keys } from '../../functions/storage/keys.js';
import { getParticipantLink, issueLink, recordEmailDelivery, reissueForReminder } from '../../functions/storage/links.js';
import { handOverItems, instrumentsAnswered, LIVE_LINK } from '../../functions/storage/response-links.js';
import { ParticipantNotFound, saveResponse, type ResponseToSave } from '../../functions/storage/responses.js';
import { createWave, getWaveCached } from '../../functions/storage/studies.js';
import { eraseParticipant, withdrawFromFutureWaves } from '../../functions/storage/withdrawals.js';
import { callRoute } from '../support/call-route.js';
import { CONSENT_VERSION, createLink, type LinkFixture } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();

function save(token: string, body: unknown) {
  return callRoute('PUT', `/api/s/${token}/responses/check-in`, { body });
}

function partial(link: LinkFixture, answers: Record<string, unknown>): ResponseToSave {
  return {
    studyId: link.studyId,
    participantCode: link.participantCode,
    waveId: link.waveId,
    instrumentId: link.instrument.id,
    instrumentVersion: link.instrument.version,
    contentHash: link.instrument.contentHash,
    answers,
    status: 'partial',
    language: 'en',
    savedAt: new Date().toISOString(),
  };
}

describe('autosaving a response that already exists', () => {
  it('keeps the latest answers and page, and remembers a language changed between saves', async () => {
    const link = await createLink();

    const first = await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0, pageName: 'first' });
    const second = await save(link.token, { answers: { mood: 3 }, language: 'en', complete: false, baseRevision: 1, pageName: 'second' });
    const inWelsh = await save(link.token, { answers: { mood: 4 }, language: 'cy', complete: false, baseRevision: 2, pageName: 'second' });

    expect([first.status, second.status, inWelsh.status]).toEqual([200, 200, 200]);
    expect([first.json.revision, second.json.revision, inWelsh.json.revision]).toEqual([1, 2, 3]);
    const item = await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'));
    expect(item).toMatchObject({ status: 'partial', language: 'cy', pageName: 'second' });
    expect(JSON.parse(item!.answersJson as string)).toEqual({ mood: 4 });
    expect((await table.getItem(keys.participant(link.studyId, link.participantCode)))!.language).toBe('cy');
  });

  it('refuses it once the participant was erased, even with the language it read before', async () => {
    const link = await createLink();
    await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0 });
    await eraseParticipant(link.studyId, link.participantCode, [link.waveId], new Date());

    // A request that read the participant just before the erasure.
    const racing = saveResponse(partial(link, { mood: 3 }), { baseline: true, baseRevision: 1, participantLanguage: 'en' });

    // The in-place write finds no response, so the transaction runs and finds neither participant nor consent.
    await expect(racing).rejects.toBeInstanceOf(ParticipantNotFound);
    const left = (await table.scanAll()).filter((item) => item.studyId === link.studyId && item.participantCode === link.participantCode);
    expect(left).toEqual([]);
  });
});

describe('an autosave in place, which reads no token: only the live link may write it', () => {
  const responseKey = (link: LinkFixture) => keys.response(link.studyId, link.participantCode, link.waveId, 'check-in');
  /** Opens the link (this process then remembers its token) and saves a first page. */
  async function started(link: LinkFixture) {
    expect((await callRoute('GET', `/api/s/${link.token}`)).status).toBe(200);
    expect((await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0, pageName: 'first' })).status).toBe(200);
    expect((await table.getItem(responseKey(link)))![LIVE_LINK]).toBe(hashToken(link.token));
  }

  it('refuses the old link once the link was reissued, though this server remembers its token, and the new link saves in place', async () => {
    const link = await createLink();
    await started(link);

    const newToken = await issueLink(link, { reissue: true, now: new Date() });
    const old = await save(link.token, { answers: { mood: 5 }, language: 'en', complete: false, baseRevision: 1, pageName: 'second' });
    const renewed = await save(newToken, { answers: { mood: 4 }, language: 'en', complete: false, baseRevision: 1, pageName: 'second' });

    expect(old.status).toBe(404);
    expect(old.json.error.code).toBe('link_not_valid');
    expect(renewed.status).toBe(200);
    const item = (await table.getItem(responseKey(link)))!;
    expect(item).toMatchObject({ revision: 2, pageName: 'second', [LIVE_LINK]: hashToken(newToken) });
    expect(JSON.parse(item.answersJson as string)).toEqual({ mood: 4 });
  });

  it('refuses the old link once a reminder reissued it', async () => {
    const link = await createLink();
    await started(link);
    await recordEmailDelivery(link, hashToken(link.token), new Date());

    const newToken = await reissueForReminder((await getParticipantLink(link.studyId, link.participantCode, link.waveId))!, 1, new Date());
    const old = await save(link.token, { answers: { mood: 5 }, language: 'en', complete: false, baseRevision: 1 });

    expect(old.status).toBe(404);
    expect((await table.getItem(responseKey(link)))![LIVE_LINK]).toBe(hashToken(newToken));
    expect((await save(newToken, { answers: { mood: 4 }, language: 'en', complete: false, baseRevision: 1 })).status).toBe(200);
  });

  it('refuses a participant who withdrew after this server remembered their token, and keeps what they gave', async () => {
    const link = await createLink();
    await started(link);

    await withdrawFromFutureWaves(link.studyId, link.participantCode, new Date());
    const late = await save(link.token, { answers: { mood: 5 }, language: 'en', complete: false, baseRevision: 1 });

    expect(late.status).toBe(404);
    const item = (await table.getItem(responseKey(link)))!;
    expect(item[LIVE_LINK]).toBeUndefined();
    expect(JSON.parse(item.answersJson as string)).toEqual({ mood: 2 });
  });

  it('makes a reissue fail, to be tried again, when a first answer through the old link lands between its read and its write', async () => {
    const link = await createLink();
    const answeredBefore = await instrumentsAnswered(link);
    // The first save lands after the reissue read which responses exist.
    await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0 });

    const handOver = db().send(new TransactWriteCommand({ TransactItems: await handOverItems(link, answeredBefore, hashToken('B'.repeat(24))) }));

    expect(answeredBefore).toEqual([]);
    await expect(handOver).rejects.toBeInstanceOf(TransactionCanceledException);
    // Tried again, the reissue reads the response and hands it over.
    const newToken = await issueLink(link, { reissue: true, now: new Date() });
    expect((await table.getItem(responseKey(link)))![LIVE_LINK]).toBe(hashToken(newToken));
  });

  it('goes through the transaction once for a response that names no link (saved before links were named), then names it', async () => {
    const link = await createLink();
    await started(link);
    const { [LIVE_LINK]: _named, ...unnamed } = (await table.getItem(responseKey(link)))!;
    await table.putItem(unnamed);

    const saved = await save(link.token, { answers: { mood: 3 }, language: 'en', complete: false, baseRevision: 1 });

    expect(saved.status).toBe(200);
    expect((await table.getItem(responseKey(link)))).toMatchObject({ revision: 2, [LIVE_LINK]: hashToken(link.token) });
  });
});

describe('autosaves build on the revision they saw (optimistic locking)', () => {
  it('refuses a slow older save that lands after a newer one, and keeps the newer answers', async () => {
    const link = await createLink();
    await save(link.token, { answers: { mood: 1 }, language: 'en', complete: false, baseRevision: 0, pageName: 'first' });
    // Sent on revision 1; its reply never came, so the phone sent newer answers on revision 1 too, which landed first.
    const newer = await save(link.token, { answers: { mood: 4 }, language: 'en', complete: false, baseRevision: 1, pageName: 'second' });

    const late = await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 1, pageName: 'first' });

    expect(newer.status).toBe(200);
    expect(late.status).toBe(409);
    expect(late.json.error).toMatchObject({ code: 'save_conflict', revision: 2 });
    const item = await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'));
    expect(item).toMatchObject({ revision: 2, pageName: 'second' });
    expect(JSON.parse(item!.answersJson as string)).toEqual({ mood: 4 });
  });

  it('accepts a save built on the revision the conflict named', async () => {
    const link = await createLink();
    await save(link.token, { answers: { mood: 1 }, language: 'en', complete: false, baseRevision: 0 });
    await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 1 });
    const stale = await save(link.token, { answers: { mood: 5 }, language: 'en', complete: false, baseRevision: 1 });

    const rebuilt = await save(link.token, { answers: { mood: 5 }, language: 'en', complete: false, baseRevision: stale.json.error.revision });

    expect(stale.status).toBe(409);
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.json).toMatchObject({ status: 'partial', revision: 3 });
    const item = await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'));
    expect(JSON.parse(item!.answersJson as string)).toEqual({ mood: 5 });
  });

  it('answers a retried save whose first reply was lost as if it were the first, without writing again', async () => {
    const link = await createLink();
    const body = { answers: { mood: 3 }, language: 'en', complete: false, baseRevision: 0, pageName: 'first' };
    const first = await save(link.token, body);
    const before = await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'));

    const retried = await save(link.token, body);

    expect(retried.status).toBe(200);
    expect(retried.json.revision).toBe(first.json.revision);
    expect(await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'))).toEqual(before);
  });

  it('refuses a save on an old revision even when it also changes the language', async () => {
    const link = await createLink();
    await save(link.token, { answers: { mood: 1 }, language: 'en', complete: false, baseRevision: 0 });
    await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 1 });

    const late = await save(link.token, { answers: { mood: 1 }, language: 'cy', complete: false, baseRevision: 1 });

    expect(late.status).toBe(409);
    expect(late.json.error).toMatchObject({ code: 'save_conflict', revision: 2 });
    expect((await table.getItem(keys.participant(link.studyId, link.participantCode)))!.language).toBe('en');
  });

  it('takes a response stored before revisions were kept as revision 0', async () => {
    const link = await createLink();
    await save(link.token, { answers: { mood: 1 }, language: 'en', complete: false, baseRevision: 0 });
    const key = keys.response(link.studyId, link.participantCode, link.waveId, 'check-in');
    const { revision: _, ...older } = (await table.getItem(key))!;
    await table.putItem(older);

    const opened = await callRoute('GET', `/api/s/${link.token}`);
    const saved = await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: opened.json.instruments[0].response.revision });

    expect(opened.json.instruments[0].response.revision).toBe(0);
    expect(saved.status).toBe(200);
    expect(saved.json.revision).toBe(1);
  });

  it('refuses, as a bad body, a save that does not say which revision it builds on or names an impossible one', async () => {
    const link = await createLink();

    const unsaid = await save(link.token, { answers: { mood: 1 }, language: 'en', complete: false });
    const unsaidFinal = await save(link.token, { answers: { mood: 1, has_adviser: 'no' }, language: 'en', complete: true });
    const negative = await save(link.token, { answers: { mood: 1 }, language: 'en', complete: false, baseRevision: -1 });
    const fraction = await save(link.token, { answers: { mood: 1 }, language: 'en', complete: false, baseRevision: 1.5 });

    expect([unsaid.status, unsaidFinal.status, negative.status, fraction.status]).toEqual([400, 400, 400, 400]);
    expect(unsaid.json.error).toMatchObject({ code: 'body_invalid', details: [expect.objectContaining({ path: 'baseRevision' })] });
    expect(await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'))).toBeUndefined();
  });
});

describe('a final submission, which reads the participant only for a relative window', () => {
  it('stores nothing for a participant erased while it ran, and says the link is not valid', async () => {
    const link = await createLink();
    await eraseParticipant(link.studyId, link.participantCode, [link.waveId], new Date());

    const racing = saveResponse({ ...partial(link, { mood: 3, has_adviser: 'no' }), status: 'complete' }, { baseline: true });

    await expect(racing).rejects.toBeInstanceOf(ParticipantNotFound);
    const left = (await table.scanAll()).filter((item) => item.studyId === link.studyId && item.participantCode === link.participantCode);
    expect(left).toEqual([]);
  });

  it('still sets the participant\'s language and the baseline date follow-ups count from', async () => {
    const link = await createLink();

    const saved = await save(link.token, { answers: { mood: 5, has_adviser: 'no' }, language: 'cy', complete: true, baseRevision: 0 });

    expect(saved.status).toBe(200);
    expect(await table.getItem(keys.participant(link.studyId, link.participantCode))).toMatchObject({ language: 'cy', baselineCompletedAt: saved.json.savedAt });
  });
});

describe("the participant's copy of the waves they agreed to, which the save's transaction checks", () => {
  const participantKey = (link: LinkFixture) => keys.participant(link.studyId, link.participantCode);
  /** The participant item as stored before the copy existed, or after a crash between the decision and the copy. */
  async function withoutCopy(link: LinkFixture) {
    const { agreedWaves, ...rest } = (await table.getItem(participantKey(link)))!;
    expect(agreedWaves).toEqual(new Set([link.waveId]));
    await table.putItem(rest);
  }

  it('is repaired from the decision when it is missing, and the save goes through', async () => {
    const link = await createLink();
    await withoutCopy(link);

    const saved = await save(link.token, { answers: { mood: 2, has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 0 });

    expect(saved.status).toBe(200);
    expect((await table.getItem(participantKey(link)))!.agreedWaves).toEqual(new Set([link.waveId]));
    expect(await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'))).toMatchObject({ status: 'complete' });
  });

  it('is never made without an agreement: no decision, or a decline, stores nothing and copies nothing', async () => {
    for (const consent of [null, 'declined'] as const) {
      const link = await createLink({ consent });

      const refused = await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0 });

      expect(refused.status).toBe(consent ? 403 : 409);
      expect(refused.json.error.code).toBe(consent ? 'consent_declined' : 'consent_required');
      expect((await table.getItem(participantKey(link)))!.agreedWaves).toBeUndefined();
      expect(await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'))).toBeUndefined();
    }
  });

  it('counts only for its own wave', async () => {
    const link = await createLink();
    const participant = (await table.getItem(participantKey(link)))!;
    await table.putItem({ ...participant, agreedWaves: new Set(['another-wave']) });

    const refused = await save(link.token, { answers: { mood: 2 }, language: 'en', complete: false, baseRevision: 0 });

    // The decision item for this wave still says agreed, so the copy is repaired and the save stored.
    expect(refused.status).toBe(200);
    expect((await table.getItem(participantKey(link)))!.agreedWaves).toEqual(new Set(['another-wave', link.waveId]));
  });

  it('is written again when the same decision is recorded again (a retry after a crash between the two writes)', async () => {
    const link = await createLink();
    await withoutCopy(link);

    await recordConsent({ studyId: link.studyId, participantCode: link.participantCode, waveId: link.waveId, consentVersion: CONSENT_VERSION, decision: 'agreed', language: 'en', decidedAt: new Date().toISOString() });

    expect((await table.getItem(participantKey(link)))!.agreedWaves).toEqual(new Set([link.waveId]));
  });

  it('is no way past erasure, which marks the participant withdrawn before it lists what to delete', async () => {
    const link = await createLink();
    // What erasure does first; a save whose token resolved before the tokens were deleted arrives now.
    const participant = (await table.getItem(participantKey(link)))!;
    await table.putItem({ ...participant, withdrawnAt: new Date().toISOString() });

    const racing = saveResponse({ ...partial(link, { mood: 3, has_adviser: 'no' }), status: 'complete' }, { baseline: true });

    await expect(racing).rejects.toBeInstanceOf(ParticipantNotFound);
    expect(await table.getItem(keys.response(link.studyId, link.participantCode, link.waveId, 'check-in'))).toBeUndefined();
  });
});

describe('a final submission in a follow-up counted from the baseline', () => {
  it('reads the participant for their own window: refused before their baseline, then until their date', async () => {
    const link = await createLink();
    await createWave({ ...(await getWaveCached(link.studyId, link.waveId))!, waveId: 'follow-up', ordinal: 1, window: { kind: 'relative', opensAfterDays: 1, openForDays: 10 } });
    const followUp = await issueLink({ studyId: link.studyId, participantCode: link.participantCode, waveId: 'follow-up' }, { reissue: false, now: new Date() });
    await recordConsent({ studyId: link.studyId, participantCode: link.participantCode, waveId: 'follow-up', consentVersion: CONSENT_VERSION, decision: 'agreed', language: 'en', decidedAt: new Date().toISOString() });
    const answers = { mood: 3, has_adviser: 'no' };

    const beforeBaseline = await save(followUp, { answers, language: 'en', complete: true, baseRevision: 0 });
    await save(link.token, { answers, language: 'en', complete: true, baseRevision: 0 });
    const afterBaseline = await save(followUp, { answers, language: 'en', complete: true, baseRevision: 0 });

    expect(beforeBaseline.status).toBe(403);
    expect(beforeBaseline.json.error.message).toMatch(/after you finish the first part/);
    expect(afterBaseline.status).toBe(403);
    expect(afterBaseline.json.error.message).toMatch(new RegExp(`opens on ${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}`));
  });
});

describe('the study and wave a personal link reads', () => {
  it('are shared between requests frozen, so no request can change them for the next', async () => {
    const link = await createLink();

    const wave = await getWaveCached(link.studyId, link.waveId);

    expect(wave).toBe(await getWaveCached(link.studyId, link.waveId));
    expect(() => (wave!.instruments as { id: string }[]).push({ id: 'other' })).toThrow(TypeError);
  });

  it('are never cached as missing: a wave created after a miss is found at once', async () => {
    const link = await createLink();

    expect(await getWaveCached(link.studyId, 'follow-up')).toBeUndefined();
    await createWave({ ...(await getWaveCached(link.studyId, link.waveId))!, waveId: 'follow-up', ordinal: 1 });

    expect(await getWaveCached(link.studyId, 'follow-up')).toMatchObject({ waveId: 'follow-up', ordinal: 1 });
  });
});
