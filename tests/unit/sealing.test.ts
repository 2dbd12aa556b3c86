/** Sealing a link sheet's chunks: only the right key, in the right place, opens one. */
import { describe, expect, it } from 'vitest';
import { newSealingKey, seal, SealBroken, unseal } from '../../functions/domain/sealing.js';

describe('sealing', () => {
  const key = newSealingKey();
  const text = JSON.stringify({ links: [{ participantCode: 'P-001', path: '/s/abcdefghijklmnopqrstuvwx' }] });

  it('opens with the key and context it was sealed with, and hides the text', () => {
    const sealed = seal(key, 'link-sheet/s/j/0', text);
    expect(sealed.toString('latin1')).not.toContain('abcdefghijklmnopqrstuvwx');
    expect(unseal(key, 'link-sheet/s/j/0', sealed)).toBe(text);
  });

  it('seals the same text differently each time (a fresh IV)', () => {
    expect(seal(key, 'c', text).equals(seal(key, 'c', text))).toBe(false);
  });

  it('refuses another key, another context (a chunk moved), a changed byte or a stub', () => {
    const sealed = seal(key, 'link-sheet/s/j/0', text);
    expect(() => unseal(newSealingKey(), 'link-sheet/s/j/0', sealed)).toThrow(SealBroken);
    expect(() => unseal(key, 'link-sheet/s/j/1', sealed)).toThrow(SealBroken);
    const changed = Buffer.from(sealed);
    changed[changed.length - 1]! ^= 1;
    expect(() => unseal(key, 'link-sheet/s/j/0', changed)).toThrow(SealBroken);
    expect(() => unseal(key, 'link-sheet/s/j/0', sealed.subarray(0, 10))).toThrow(SealBroken);
  });
});
