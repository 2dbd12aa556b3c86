/**
 * Export pseudonyms: participant codes never leave the platform. Each export
 * replaces them with a keyed hash (HMAC-SHA-256) under a key made for that
 * export alone and then forgotten, so two exports cannot be joined row by row
 * and nobody, the platform included, can turn a pseudonym back into a code.
 * A study-stable key (kept by the platform, audited when used) gives the same
 * pseudonyms in every export of a study, for teams who must join exports.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** 64 bits: collisions among a study's participants are vanishingly rare, and checked for anyway. */
const PSEUDONYM_HEX_DIGITS = 16;

export type Pseudonymiser = (participantCode: string) => string;

/** A fresh 256-bit key for one export. */
export function newPseudonymKey(): Buffer {
  return randomBytes(32);
}

export function pseudonymiser(key: Buffer): Pseudonymiser {
  return (participantCode) => `p${createHmac('sha256', key).update(participantCode, 'utf8').digest('hex').slice(0, PSEUDONYM_HEX_DIGITS)}`;
}
