import { createHash, randomBytes } from 'node:crypto';

/**
 * Personal-link tokens: 144 random bits (more than the 128 required), base64url,
 * so a link is 24 characters after /s/. Only the SHA-256 of a token is stored:
 * a copy of the database cannot be turned back into working links.
 */
const TOKEN_BYTES = 18;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{24}$/;

export function newLinkToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
