/**
 * Contracts are written with `zod/mini` because the same schemas ship in the
 * respondent page, where full zod would add ~93 KB gzip against ~4 KB.
 */
import * as z from 'zod/mini';

export const Language = z.enum(['en', 'cy']);
export type Language = z.infer<typeof Language>;

export const LocalisedText = z.object({ en: z.string(), cy: z.string() });
export type LocalisedText = z.infer<typeof LocalisedText>;

export const ErrorDetail = z.object({ path: z.string(), message: z.string() });
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** Every 4xx/5xx body. `code` is stable for clients; `message` is for people. */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.optional(z.array(ErrorDetail)),
    /** save_conflict: the revision the stored response is at, to build the next save on. */
    revision: z.optional(z.number()),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/**
 * 254: the longest address SMTP delivers to (RFC 5321's 256-octet path, less
 * its angle brackets). Also keeps keys made from it under DynamoDB's limits.
 */
export const EmailAddress = z.email().check(z.maxLength(254, 'an email address is at most 254 characters'));
