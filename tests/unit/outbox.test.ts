/** The respondent's outbox (web/src/respondent/outbox.ts): what is kept on the phone wins over what it should. */
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenLinkResult } from '../../functions/contracts/respondent.js';
import { createOutbox } from '../../web/src/respondent/outbox';

/** localStorage as a phone keeps it between page loads. */
class PhoneStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

function linkWithServerAnswers(answers: Record<string, unknown>, savedAt: string): OpenLinkResult {
  return {
    study: { title: { en: 'S', cy: 'S' }, supportContacts: [] },
    consent: { version: 'v1', text: { en: '', cy: '' }, decision: 'agreed', decidedAt: savedAt },
    checkInRequested: false,
    wave: { name: { en: 'W', cy: 'W' }, closesAt: '2099-01-01T00:00:00.000Z' },
    language: 'en',
    instruments: [{ id: 'ons4', version: '1.0.0', contentHash: 'h', title: { en: 'O', cy: 'O' }, response: { answers, status: 'partial', language: 'en', savedAt, pageName: 'first' } }],
  };
}

afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage;
});

describe('answers kept on the phone', () => {
  it('win over an older save of the same phone that reached the server only after the tab was closed', async () => {
    (globalThis as { localStorage?: unknown }).localStorage = new PhoneStorage();
    const never = () => new Promise<never>(() => undefined); // the first page's save: still on its way when the tab closes
    const before = createOutbox('token-1', never);
    await before.ready;
    before.save('ons4', { answers: { a: 1 }, language: 'en', pageName: 'first' });
    before.stash('ons4', { answers: { a: 1, b: 2 }, language: 'en', pageName: 'second' });

    // That save lands later than the change was made, by the server's clock.
    const landedAt = new Date(Date.now() + 60_000).toISOString();
    const after = createOutbox('token-1', async () => ({ status: 'partial', savedAt: landedAt }));
    const reopened = await after.reconcile(linkWithServerAnswers({ a: 1 }, landedAt));

    expect(reopened.instruments[0]!.response).toMatchObject({ answers: { a: 1, b: 2 }, pageName: 'second' });
  });

  it('give way to answers saved elsewhere after they were changed, when no save of this phone was on its way', async () => {
    (globalThis as { localStorage?: unknown }).localStorage = new PhoneStorage();
    const offline = createOutbox('token-2', () => Promise.reject(new TypeError('offline')));
    await offline.ready;
    offline.stash('ons4', { answers: { a: 1 }, language: 'en', pageName: 'first' });

    const elsewhereAt = new Date(Date.now() + 60_000).toISOString();
    const after = createOutbox('token-2', async () => ({ status: 'partial', savedAt: elsewhereAt }));
    const reopened = await after.reconcile(linkWithServerAnswers({ a: 9, c: 3 }, elsewhereAt));

    expect(reopened.instruments[0]!.response).toMatchObject({ answers: { a: 9, c: 3 } });
  });
});
