/** The respondent's outbox (web/src/respondent/outbox.ts): what is kept on the phone wins over what it should. */
import { describe, expect, it } from 'vitest';
import type { OpenLinkResult, SaveResponseRequest } from '../../functions/contracts/respondent.js';
import { ApiProblem, NetworkProblem } from '../../web/src/api';
import { createOutbox } from '../../web/src/respondent/outbox';
import type { PhoneStore } from '../../web/src/respondent/phone-store';

/** What a phone keeps between page loads (IndexedDB in the browser), with every write able to be held back. */
class Phone implements PhoneStore {
  readonly items = new Map<string, unknown>();
  /** While set, writes wait for it: a slow, busy phone. */
  hold: Promise<void> | null = null;
  writes = 0;
  async read(key: string) {
    return structuredClone(this.items.get(key));
  }
  async write(key: string, value: unknown) {
    this.writes++;
    const copy = structuredClone(value);
    await this.hold;
    if (copy === null) this.items.delete(key);
    else this.items.set(key, copy);
  }
}

function linkWithServerAnswers(answers: Record<string, unknown>, savedAt: string): OpenLinkResult {
  return {
    study: { title: { en: 'S', cy: 'S' }, supportContacts: [] },
    consent: { version: 'v1', text: { en: '', cy: '' }, decision: 'agreed', decidedAt: savedAt },
    checkInRequested: false,
    wave: { name: { en: 'W', cy: 'W' }, closesAt: '2099-01-01T00:00:00.000Z' },
    language: 'en',
    instruments: [{ id: 'ons4', version: '1.0.0', contentHash: 'h', title: { en: 'O', cy: 'O' }, response: { answers, status: 'partial', language: 'en', savedAt, pageName: 'first', revision: 2 } }],
  };
}

describe('answers kept on the phone', () => {
  it('win over an older save of the same phone that reached the server only after the tab was closed', async () => {
    const phone = new Phone();
    const never = () => new Promise<never>(() => undefined); // the first page's save: still on its way when the tab closes
    const before = createOutbox('token-1', never, phone);
    await before.ready;
    before.save('ons4', { answers: { a: 1 }, language: 'en', pageName: 'first' });
    before.stash('ons4', { answers: { a: 1, b: 2 }, language: 'en', pageName: 'second' });

    // That save lands later than the change was made, by the server's clock.
    const landedAt = new Date(Date.now() + 60_000).toISOString();
    await before.kept();
    const after = createOutbox('token-1', async () => ({ status: 'partial', savedAt: landedAt, revision: 3 }), phone);
    const reopened = await after.reconcile(linkWithServerAnswers({ a: 1 }, landedAt));

    expect(reopened.instruments[0]!.response).toMatchObject({ answers: { a: 1, b: 2 }, pageName: 'second' });
  });

  it('give way to answers saved elsewhere after they were changed, when no save of this phone was on its way', async () => {
    const phone = new Phone();
    const offline = createOutbox('token-2', () => Promise.reject(new TypeError('offline')), phone);
    await offline.ready;
    offline.stash('ons4', { answers: { a: 1 }, language: 'en', pageName: 'first' });

    const elsewhereAt = new Date(Date.now() + 60_000).toISOString();
    await offline.kept();
    const after = createOutbox('token-2', async () => ({ status: 'partial', savedAt: elsewhereAt, revision: 3 }), phone);
    const reopened = await after.reconcile(linkWithServerAnswers({ a: 9, c: 3 }, elsewhereAt));

    expect(reopened.instruments[0]!.response).toMatchObject({ answers: { a: 9, c: 3 } });
  });
});

describe('keeping answers on the phone', () => {
  const offline = () => Promise.reject(new NetworkProblem('offline', null));
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  function holdWrites(phone: Phone) {
    let release!: () => void;
    phone.hold = new Promise<void>((resolve) => (release = resolve));
    return () => {
      phone.hold = null;
      release();
    };
  }

  it('says "saved on this phone" only once the phone has committed the answers', async () => {
    const phone = new Phone();
    const outbox = createOutbox('token-3', offline, phone);
    await outbox.ready;
    await outbox.kept();
    const release = holdWrites(phone);

    outbox.save('ons4', { answers: { a: 1 }, language: 'en' });
    await tick();
    expect(outbox.state('ons4')).toBe('saving');

    release();
    await outbox.kept();
    await tick();
    expect(outbox.state('ons4')).toBe('local');
    expect([...phone.items.values()]).toMatchObject([{ ons4: { answers: { a: 1 } } }]);
  });

  it('queues a final submission without a signal only once it is kept', async () => {
    const phone = new Phone();
    const outbox = createOutbox('token-4', offline, phone);
    await outbox.ready;
    await outbox.kept();
    const release = holdWrites(phone);

    let outcome: string | null = null;
    void outbox.submit('ons4', { answers: { a: 1 }, language: 'en' }).then((result) => (outcome = result));
    await tick();
    expect(outcome).toBeNull();

    release();
    await outbox.kept();
    await tick();
    expect(outcome).toBe('queued');
    expect([...phone.items.values()]).toMatchObject([{ ons4: { complete: true } }]);
  });

  it('writes one change at a time and ends with the latest answers, however fast they change', async () => {
    const phone = new Phone();
    const outbox = createOutbox('token-5', offline, phone);
    await outbox.ready;
    await outbox.kept();
    const release = holdWrites(phone);
    const writesBefore = phone.writes;

    for (let i = 1; i <= 20; i++) outbox.stash('ons4', { answers: { text: 'x'.repeat(i) }, language: 'en' });
    let kept = false;
    void outbox.kept().then(() => (kept = true));
    await tick();
    expect(kept).toBe(false);

    release();
    await outbox.kept();
    expect(kept).toBe(true);
    // One write on its way when the typing started, one more for everything typed meanwhile.
    expect(phone.writes - writesBefore).toBe(2);
    expect([...phone.items.values()]).toMatchObject([{ ons4: { answers: { text: 'x'.repeat(20) } } }]);
  });

  it('brings back what a closed page kept, under a key that is not the token', async () => {
    const phone = new Phone();
    const first = createOutbox('secret-token', offline, phone);
    await first.ready;
    first.stash('ons4', { answers: { a: 2 }, language: 'cy', pageName: 'p2' });
    await first.kept();

    const [key] = [...phone.items.keys()];
    expect(key).toMatch(/^pont\.outbox\.[0-9a-f]{64}$/);
    expect(JSON.stringify([...phone.items])).not.toContain('secret-token');

    const second = createOutbox('secret-token', offline, phone);
    const reopened = await second.reconcile(linkWithServerAnswers({}, new Date(0).toISOString()));
    expect(reopened.instruments[0]!.response).toMatchObject({ answers: { a: 2 }, language: 'cy', pageName: 'p2' });
  });

  it('carries on without the phone when its storage never answers, and leaves what it holds untouched', async () => {
    const phone = new Phone();
    phone.items.set('kept-by-an-earlier-visit', { ons4: { answers: { a: 1 } } });
    phone.read = () => new Promise<never>(() => undefined); // an IndexedDB open that never answers
    const outbox = createOutbox('token-6', async () => ({ status: 'partial', savedAt: new Date().toISOString(), revision: 3 }), phone, { readTimeoutMs: 20 });

    const reopened = await outbox.reconcile(linkWithServerAnswers({ a: 9 }, new Date(0).toISOString()));
    outbox.save('ons4', { answers: { a: 10 }, language: 'en' });
    await outbox.kept();

    expect(reopened.instruments[0]!.response).toMatchObject({ answers: { a: 9 } });
    expect(phone.writes).toBe(0);
    expect([...phone.items.keys()]).toEqual(['kept-by-an-earlier-visit']);
  });
});

describe('each save builds on the revision the server last stored', () => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  it('sends the revision the link showed, then the one each save was stored as', async () => {
    const sent: SaveResponseRequest[] = [];
    const outbox = createOutbox('token-7', async (_id, body) => {
      sent.push(body);
      return { status: 'partial', savedAt: new Date().toISOString(), revision: (body.baseRevision ?? 0) + 1 };
    }, new Phone());
    await outbox.reconcile(linkWithServerAnswers({ a: 1 }, new Date(0).toISOString()));

    outbox.save('ons4', { answers: { a: 2 }, language: 'en' });
    await settle();
    outbox.save('ons4', { answers: { a: 3 }, language: 'en' });
    await settle();

    expect(sent.map((body) => body.baseRevision)).toEqual([2, 3]);
  });

  it('sends its answers again on the stored revision when a slower save got there first', async () => {
    const sent: SaveResponseRequest[] = [];
    const outbox = createOutbox('token-8', async (_id, body) => {
      sent.push(body);
      if (body.baseRevision === 2) throw new ApiProblem(409, 'save_conflict', 'saved elsewhere', [], 5);
      return { status: 'partial', savedAt: new Date().toISOString(), revision: 6 };
    }, new Phone());
    await outbox.reconcile(linkWithServerAnswers({ a: 1 }, new Date(0).toISOString()));
    const states: string[] = [];
    outbox.subscribe((event) => event.kind === 'state' && states.push(event.state));

    outbox.save('ons4', { answers: { a: 7 }, language: 'en' });
    await settle();

    expect(sent.map((body) => [body.baseRevision, body.answers])).toEqual([[2, { a: 7 }], [5, { a: 7 }]]);
    expect(states.at(-1)).toBe('saved');
    expect(outbox.hasKept()).toBe(false);
  });

  it('stops resending after repeated conflicts and keeps the answers for a later try', async () => {
    let sends = 0;
    const outbox = createOutbox('token-9', async () => {
      sends += 1;
      throw new ApiProblem(409, 'save_conflict', 'saved elsewhere', [], 10 + sends);
    }, new Phone());
    await outbox.reconcile(linkWithServerAnswers({ a: 1 }, new Date(0).toISOString()));

    outbox.save('ons4', { answers: { a: 7 }, language: 'en' });
    await settle();

    expect(sends).toBe(4);
    expect(outbox.hasKept()).toBe(true);
  });
});
