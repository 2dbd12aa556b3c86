import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiError, ErrorDetail } from '../contracts/common.js';

const baseHeaders = {
  'content-type': 'application/json; charset=utf-8',
  // Answers and link states are personal: no shared or browser caching.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...baseHeaders }, body: JSON.stringify(body) };
}

/**
 * For content that never changes at its address (a published instrument's
 * survey, named by its content hash): any cache may keep it for a year.
 */
export function immutableJson(body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 200, headers: { ...baseHeaders, 'cache-control': 'public, max-age=31536000, immutable' }, body: JSON.stringify(body) };
}

export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  details?: ErrorDetail[],
  revision?: number,
): APIGatewayProxyStructuredResultV2 {
  const body: ApiError = { error: { code, message, ...(details ? { details } : {}), ...(revision !== undefined ? { revision } : {}) } };
  return json(statusCode, body);
}
