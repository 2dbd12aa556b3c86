/**
 * Sealing a short-lived secret (a link job's sheet) with AES-256-GCM under a
 * key of its own: the sealed bytes and the key are kept in different places
 * (the main table and the identity table), and deleting the key makes every
 * copy of the sealed bytes unreadable, backups included.
 *
 * `context` is bound in as additional authenticated data: a sealed chunk moved
 * to another job or another place in the sheet fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function newSealingKey(): Buffer {
  return randomBytes(32);
}

/** iv ‖ tag ‖ ciphertext */
export function seal(key: Uint8Array, context: string, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export class SealBroken extends Error {
  constructor() {
    super('The sealed data does not open with this key and context');
    this.name = 'SealBroken';
  }
}

export function unseal(key: Uint8Array, context: string, sealed: Uint8Array): string {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new SealBroken();
  const bytes = Buffer.from(sealed);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SealBroken();
  }
}
