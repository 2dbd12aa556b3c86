/**
 * Draft reviews (issue #22, co-production): an instrument author shares a
 * draft through an expiring review link; reviewers without an account see it
 * and comment on a question or on the whole; the author reads the comments
 * per question; the link stops working when it expires; nothing a reviewer
 * does is stored as an answer.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DraftDetail, DraftList, OpenReviewResult, ShareDraftResult } from '../../functions/contracts/reviews.js';
import { listAuditMonth, PLATFORM_SCOPE } from '../../functions/storage/audit.js';
import { db, tableName } from '../../functions/storage/client.js';
import { keys } from '../../functions/storage/keys.js';
import { callRoute } from '../support/call-route.js';
import { checkInInstrument } from '../support/fixtures.js';
import { account } from '../support/study-team.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();

function draftFile(id: string, overrides: Record<string, unknown> = {}) {
  const { contentHash: _hash, ...file } = checkInInstrument({ id });
  return { ...file, version: '0.1.0', ...overrides };
}

async function share(id: string, days = 14) {
  const author = await account('researcher', `author-${id}`, { instrumentAuthor: true });
  const result = await callRoute('POST', '/api/drafts', { body: { instrument: draftFile(id), days }, headers: await author.headers() });
  expect(result.status, JSON.stringify(result.json)).toBe(201);
  const shared = ShareDraftResult.parse(result.json);
  return { author, shared, token: shared.reviewPath.replace('/review/', '') };
}

const comment = (token: string, body: unknown) => callRoute('POST', `/api/review/${token}/comments`, { body });

describe('sharing a draft for review', () => {
  it('gives a review link that shows the draft as respondents will see it, and audits the sharing', async () => {
    const { author, shared, token } = await share('review-open');

    const opened = await callRoute('GET', `/api/review/${token}`);

    expect(shared.reviewPath).toMatch(/^\/review\/[A-Za-z0-9_-]{24}$/);
    expect(opened.status).toBe(200);
    const review = OpenReviewResult.parse(opened.json);
    expect(review.instrument).toMatchObject({ id: 'review-open', version: '0.1.0', survey: draftFile('review-open').survey });
    expect(review.questions.map((q) => q.name)).toEqual(['mood', 'has_adviser', 'adviser_contact_weeks', 'services', 'anything_else']);
    expect(review.questions[0]!.title).toEqual({ en: 'Mood', cy: 'Hwyliau' });
    // Only the token's hash is stored.
    expect(JSON.stringify(await table.scanAll())).not.toContain(token);
    const audit = await listAuditMonth(PLATFORM_SCOPE, new Date());
    expect(audit.filter((e) => e.detail.draftId === shared.draftId)).toEqual([expect.objectContaining({ actor: author.userId, action: 'instrument.draft_shared' })]);
  });

  it('refuses a draft with problems (each with its path), a published version, and anyone without the author permission', async () => {
    const author = await account('researcher', 'review-refusals', { instrumentAuthor: true });
    const plain = await account('researcher', 'review-not-author');
    const before = await table.scanAll();

    const invalid = await callRoute('POST', '/api/drafts', { body: { instrument: draftFile('review-bad', { title: { en: 'Only English' } }), days: 7 }, headers: await author.headers() });
    const notAuthor = await callRoute('POST', '/api/drafts', { body: { instrument: draftFile('review-other'), days: 7 }, headers: await plain.headers() });
    const tooLong = await callRoute('POST', '/api/drafts', { body: { instrument: draftFile('review-other'), days: 365 }, headers: await author.headers() });

    expect(invalid.status).toBe(422);
    expect(invalid.json.error.details).toContainEqual({ path: 'instrument.title.cy', message: expect.any(String) });
    expect(notAuthor.status).toBe(403);
    expect(tooLong.status).toBe(400);
    expect(await table.scanAll()).toEqual(before);

    const file = draftFile('review-published', { version: '1.0.0' });
    expect((await callRoute('PUT', '/api/instruments/review-published/versions/1.0.0', { body: file, headers: await author.headers() })).status).toBe(201);
    const published = await callRoute('POST', '/api/drafts', { body: { instrument: file, days: 7 }, headers: await author.headers() });
    expect(published.status).toBe(409);
    expect(published.json.error.code).toBe('version_already_published');
  });
});

describe('reviewing a draft', () => {
  it('keeps a comment on a question in Welsh, and one on the whole, for the author to read beside the question', async () => {
    const { author, shared, token } = await share('review-comments');
    const answersBefore = (await table.scanAll()).filter((item) => item.type === 'response');

    const onQuestion = await comment(token, { questionName: 'mood', text: "Mae'r cwestiwn hwn yn rhy fyr", name: 'Cerys', language: 'cy' });
    const onWhole = await comment(token, { questionName: null, text: 'Clear and short.', language: 'en' });
    const detail = await callRoute('GET', `/api/drafts/${shared.draftId}`, { headers: await author.headers() });
    const list = await callRoute('GET', '/api/drafts', { headers: await author.headers() });

    expect([onQuestion.status, onWhole.status]).toEqual([201, 201]);
    const { draft, questions, comments } = DraftDetail.parse(detail.json);
    expect(comments).toEqual([
      { commentId: onQuestion.json.commentId, questionName: 'mood', text: "Mae'r cwestiwn hwn yn rhy fyr", name: 'Cerys', language: 'cy', at: onQuestion.json.at },
      { commentId: onWhole.json.commentId, questionName: null, text: 'Clear and short.', name: null, language: 'en', at: onWhole.json.at },
    ]);
    expect(questions[0]).toEqual({ name: 'mood', title: { en: 'Mood', cy: 'Hwyliau' } });
    expect(draft).toMatchObject({ id: 'review-comments', version: '0.1.0', commentCount: 2, sharedBy: author.email, published: false });
    expect(DraftList.parse(list.json).drafts.find((d) => d.draftId === shared.draftId)?.commentCount).toBe(2);
    // A comment is never an answer.
    expect((await table.scanAll()).filter((item) => item.type === 'response')).toEqual(answersBefore);
  });

  it('refuses a comment on a question the draft does not have, an empty one, and a bad token, storing nothing', async () => {
    const { token } = await share('review-bad-comments');
    const before = await table.scanAll();

    const unknown = await comment(token, { questionName: 'no_such_question', text: 'Hello', language: 'en' });
    const empty = await comment(token, { questionName: null, text: '   ', language: 'en' });
    const badToken = await comment('AAAAAAAAAAAAAAAAAAAAAAAA', { questionName: null, text: 'Hello', language: 'en' });

    expect([unknown.status, empty.status, badToken.status]).toEqual([422, 400, 404]);
    expect(badToken.json.error.code).toBe('review_not_valid');
    // Only the bad token's rate-limit counter is new.
    expect((await table.scanAll()).filter((item) => !String(item.PK).startsWith('RATE#'))).toEqual(before.filter((item) => !String(item.PK).startsWith('RATE#')));
  });

  it('stops working when the link expires: neither the draft nor a comment, while the author keeps every comment', async () => {
    const { author, shared, token } = await share('review-expiry', 1);
    expect((await comment(token, { questionName: 'mood', text: 'Before it closed', language: 'en' })).status).toBe(201);
    await db().send(
      new UpdateCommand({ TableName: tableName(), Key: keys.draft(shared.draftId), UpdateExpression: 'SET reviewUntil = :past', ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() } }),
    );

    const opened = await callRoute('GET', `/api/review/${token}`);
    const late = await comment(token, { questionName: 'mood', text: 'Too late', language: 'en' });
    const detail = DraftDetail.parse((await callRoute('GET', `/api/drafts/${shared.draftId}`, { headers: await author.headers() })).json);

    expect([opened.status, late.status]).toEqual([410, 410]);
    expect(opened.json.error.code).toBe('review_closed');
    expect(detail.comments.map((c) => c.text)).toEqual(['Before it closed']);
  });
});
