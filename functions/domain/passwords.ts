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

/** An email's local part shorter than this is too common a string to refuse in passwords ("al", "jo"). */
export const MIN_EMAIL_NAME_LENGTH = 3;

/**
 * What is wrong with a chosen password, if anything. Length is what matters
 * most (NCSC: three random words); no composition rules. Reusing the temporary
 * (or current) password is refused: that one was printed or handed over. The
 * name in the account's email (the part before @) is the first word an
 * attacker who knows the email tries. Guessability (common passwords, a low
 * zxcvbn score) is checked by password-strength.ts, which needs dictionaries
 * this module must not pull into every bundle that hashes a password.
 */
export function newPasswordProblems(chosen: string, current: string, minimumLength: number, email: string): string[] {
  const problems: string[] = [];
  if ([...chosen].length < minimumLength) problems.push(`use at least ${minimumLength} characters`);
  if (chosen === current) problems.push('choose a password different from the current one');
  if (chosen.trim() === '') problems.push('a password cannot be only spaces');
  const name = emailName(email);
  if (name.length >= MIN_EMAIL_NAME_LENGTH && chosen.toLowerCase().includes(name)) {
    problems.push('do not use the name in your email address (the part before the @) in your password');
  }
  return problems;
}

/** The local part of an email address, lower-cased ("Jo.Bloggs@x.org" gives "jo.bloggs"). */
export function emailName(email: string): string {
  const at = email.lastIndexOf('@');
  return (at === -1 ? email : email.slice(0, at)).toLowerCase();
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
