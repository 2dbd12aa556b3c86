/** Password hashing for embedded-mode accounts: scrypt with a per-password salt. */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(actual, expected);
}

/** A random password of 20 base64url characters (120 bits), printed once on first start. */
export function newPassword(): string {
  return randomBytes(15).toString('base64url');
}

/**
 * What is wrong with a chosen password, if anything. Length is what matters
 * most (NCSC: three random words); no composition rules. Reusing the temporary
 * (or current) password is refused: that one was printed or handed over.
 */
export function newPasswordProblems(chosen: string, current: string, minimumLength: number): string[] {
  const problems: string[] = [];
  if ([...chosen].length < minimumLength) problems.push(`use at least ${minimumLength} characters`);
  if (chosen === current) problems.push('choose a password different from the current one');
  if (chosen.trim() === '') problems.push('a password cannot be only spaces');
  return problems;
}

let decoy: Promise<string> | undefined;

/**
 * A hash to check a password against when the account does not exist, so a
 * wrong email costs the same time as a wrong password and the answer does not
 * reveal which it was.
 */
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword('decoy-password-for-timing');
  return decoy;
}
