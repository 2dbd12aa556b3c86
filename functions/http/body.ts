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
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new HttpError(413, 'body_too_large', `The body must be at most ${maxBytes} bytes`);
  }
  return raw;
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
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new HttpError(413, 'body_too_large', `The body must be at most ${maxBytes} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
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
