import { describe, expect, it } from 'vitest';
import { contentHash } from '../../functions/domain/instrument.js';
import { hashPassword, verifyPassword } from '../../functions/domain/passwords.js';
import { waveStatus, type ParticipantWaveFacts } from '../../functions/domain/progress.js';
import { hashToken, isWellFormedToken, newLinkToken } from '../../functions/domain/tokens.js';
import { participantWindow, waveWindowState } from '../../functions/domain/wave-window.js';
import { checkInInstrument } from '../support/fixtures.js';

describe('personal-link tokens', () => {
  it('are 24 URL-safe characters carrying 144 random bits, and differ each time', () => {
    const tokens = Array.from({ length: 1000 }, newLinkToken);

    expect(tokens.every(isWellFormedToken)).toBe(true);
    expect(new Set(tokens).size).toBe(1000);
    expect(Buffer.from(tokens[0]!, 'base64url')).toHaveLength(18);
  });

  it('hash to SHA-256 hex, never to the token itself', () => {
    const token = newLinkToken();

    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toContain(token);
  });

  it('rejects malformed tokens before any lookup', () => {
    expect(isWellFormedToken('short')).toBe(false);
    expect(isWellFormedToken(`${newLinkToken()}x`)).toBe(false);
    expect(isWellFormedToken('../../../../etc/passwd/xxxx')).toBe(false);
  });
});

describe('instrument content hash', () => {
  it('ignores key order and the $schema reference but not content', () => {
    const instrument = checkInInstrument();
    const { contentHash: _hash, ...file } = instrument;
    const reordered = Object.fromEntries(Object.entries(file).reverse()) as typeof file;

    expect(contentHash(reordered)).toBe(contentHash(file));
    expect(contentHash({ ...file, $schema: '../schema.json' })).toBe(contentHash(file));
    expect(contentHash({ ...file, title: { ...file.title, cy: 'Newid' } })).not.toBe(contentHash(file));
  });
});

describe('wave window', () => {
  const window = { opensAt: '2026-01-01T00:00:00.000Z', closesAt: '2026-02-01T00:00:00.000Z' };

  it('is open from its opening time up to, not including, its closing time', () => {
    expect(waveWindowState(window, new Date('2025-12-31T23:59:59.999Z'))).toBe('not_open_yet');
    expect(waveWindowState(window, new Date('2026-01-01T00:00:00.000Z'))).toBe('open');
    expect(waveWindowState(window, new Date('2026-01-31T23:59:59.999Z'))).toBe('open');
    expect(waveWindowState(window, new Date('2026-02-01T00:00:00.000Z'))).toBe('closed');
  });
});

describe('a participant\'s window for a wave', () => {
  it('is the wave\'s dates for a fixed window', () => {
    const fixed = { kind: 'fixed' as const, opensAt: '2026-01-01T00:00:00.000Z', closesAt: '2026-02-01T00:00:00.000Z' };

    expect(participantWindow(fixed, undefined)).toEqual({ opensAt: fixed.opensAt, closesAt: fixed.closesAt });
  });

  it('counts from their own baseline completion for a relative window, and waits until there is one', () => {
    const sixMonthsForSixWeeks = { kind: 'relative' as const, opensAfterDays: 182, openForDays: 42 };

    expect(participantWindow(sixMonthsForSixWeeks, '2026-01-10T09:00:00.000Z')).toEqual({
      opensAt: '2026-07-11T09:00:00.000Z',
      closesAt: '2026-08-22T09:00:00.000Z',
    });
    expect(participantWindow(sixMonthsForSixWeeks, undefined)).toBeUndefined();
    expect(waveWindowState(undefined, new Date())).toBe('awaiting_baseline');
  });
});

describe('a participant\'s status in a wave', () => {
  const facts = (overrides: Partial<ParticipantWaveFacts>): ParticipantWaveFacts => ({
    invited: true,
    opened: true,
    consent: 'agreed',
    responses: [],
    instrumentCount: 2,
    withdrawn: false,
    ...overrides,
  });

  it('stays completed after a withdrawal: only waves they had not completed count as withdrawn', () => {
    expect(waveStatus(facts({ responses: ['complete', 'complete'], withdrawn: true }))).toBe('completed');
    expect(waveStatus(facts({ responses: ['complete', 'partial'], withdrawn: true }))).toBe('withdrawn');
    expect(waveStatus(facts({ consent: 'declined', withdrawn: true }))).toBe('withdrawn');
    expect(waveStatus(facts({ invited: false, opened: false, consent: null, withdrawn: true }))).toBe('withdrawn');
  });
});

describe('local account passwords', () => {
  it('verify only the password they were made from', async () => {
    const stored = await hashPassword('a long passphrase');

    expect(stored).not.toContain('a long passphrase');
    expect(await verifyPassword('a long passphrase', stored)).toBe(true);
    expect(await verifyPassword('a long passphrasE', stored)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });
});
