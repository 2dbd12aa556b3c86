import type { ErrorDetail } from '../contracts/common.js';

/** A failure the client caused or must know about; becomes a JSON ApiError body. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    /** For save_conflict: the stored response's revision (see SaveResponseRequest). */
    readonly revision?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 429: the client may try again in `retryAfterSeconds`, sent as a Retry-After header. */
export class TooManyRequests extends HttpError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, code, message);
    this.name = 'TooManyRequests';
  }
}
