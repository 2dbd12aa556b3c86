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

export function errorResponse(statusCode: number, code: string, message: string, details?: ErrorDetail[]): APIGatewayProxyStructuredResultV2 {
  const body: ApiError = { error: { code, message, ...(details ? { details } : {}) } };
  return json(statusCode, body);
}
