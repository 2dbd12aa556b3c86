import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { HttpError } from './errors.js';

/** Bodies larger than this are refused before parsing; no instrument page needs more. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Reads a text body of one media type (e.g. text/csv), refusing others and oversized ones. */
export function readTextBody(event: APIGatewayProxyEventV2, mediaType: string, maxBytes: number): string {
  const contentType = event.headers?.['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith(mediaType)) {
    throw new HttpError(415, 'unsupported_media_type', `Send the body as ${mediaType}`);
  }
  const raw = bodyText(event);
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new HttpError(413, 'body_too_large', `The body must be at most ${maxBytes} bytes`);
  }
  return raw;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text. Bytes that are not UTF-8 (a body the gateway could only
 * pass base64-encoded) are refused, never turned into U+FFFD: a stored answer
 * must be exactly what was sent.
 */
function bodyText(event: APIGatewayProxyEventV2): string {
  if (!event.isBase64Encoded) return event.body ?? '';
  try {
    return strictUtf8.decode(Buffer.from(event.body ?? '', 'base64'));
  } catch {
    throw new HttpError(400, 'body_encoding_invalid', 'The body is not valid UTF-8 text');
  }
}

/**
 * JSON.parse makes `"__proto__"` an own key, but copying it (as the contract's
 * parse does) sets a prototype instead: `{"answers":{"__proto__":{…}}}` would
 * be stored as `{}`, wiping the answers saved before. Such a key names nothing
 * Pont has, so it is refused. The key-by-key check runs only for a body that
 * could hold one (it says `proto`, or escapes a character), keeping the save
 * path's parse as it was.
 */
function parseJson(raw: string): unknown {
  if (!raw.includes('proto') && !raw.includes('\\u')) return JSON.parse(raw);
  let forbidden = false;
  const value: unknown = JSON.parse(raw, function (key, item) {
    if (key === '__proto__' && !Array.isArray(this)) forbidden = true;
    return item;
  });
  if (forbidden) throw new HttpError(400, 'body_invalid', 'The body has a key named "__proto__", which is not allowed', [{ path: '(body)', message: 'remove the key "__proto__"' }]);
  return value;
}

/** Reads a JSON body and checks it against its contract; every failure is a clear 4xx. */
export function parseJsonBody<Schema extends z.ZodMiniType>(
  event: APIGatewayProxyEventV2,
  schema: Schema,
  maxBytes = MAX_BODY_BYTES,
): z.infer<Schema> {
  const contentType = event.headers?.['content-type'] ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json');
  }
  const raw = bodyText(event);
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new HttpError(413, 'body_too_large', `The body must be at most ${maxBytes} bytes`);
  }
  let value: unknown;
  try {
    value = parseJson(raw);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'body_not_json', 'The body is not valid JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(
      400,
      'body_invalid',
      'The body does not match what this endpoint expects',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
    );
  }
  return parsed.data as z.infer<Schema>;
}
