/**
 * The browser's API client. Every response body is parsed with its contract
 * (zod/mini, shared with the server), so the UI only ever sees checked data.
 *
 * This module is in the respondent's first-screen chunk: keep it to the
 * respondent endpoints. Researcher endpoints live in console/consoleApi.ts,
 * which reuses `requestJson` from here.
 */
import { ApiError, type ErrorDetail } from '../../functions/contracts/common.js';
import {
  CheckInResult,
  ConsentResult,
  InstrumentSurveyResult,
  OpenLinkResult,
  SaveResponseResult,
  type CheckInRequest,
  type ConsentRequest,
  type SaveResponseRequest,
} from '../../functions/contracts/respondent.js';

/** The minimal shape of a zod/mini schema that we need. */
type Schema<T> = { parse(data: unknown): T };

/** The server answered with an error status (and, usually, an ApiError body). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** save_conflict: the stored response's revision. */
    readonly revision?: number,
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

/** No usable answer: offline, timed out, or a body that broke its contract. */
export class NetworkProblem extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'NetworkProblem';
  }
}

const TIMEOUT_MS = 20_000;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  /** A researcher JWT, sent as `Authorization: Bearer …`. */
  bearer?: string;
  /** Let the request outlive the page (saving while the tab is closed). */
  keepalive?: boolean;
  /** The browser's HTTP cache: skipped ('no-store') unless the answer is immutable. */
  cache?: RequestCache;
};

export async function requestJson<T>(schema: Schema<T>, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;

  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: options.cache ?? 'no-store',
      keepalive: options.keepalive,
      signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(TIMEOUT_MS) : undefined,
    });
  } catch (error) {
    throw new NetworkProblem('request failed', error);
  }

  return parseJsonResponse(schema, response);
}

/** Reads a response: an ApiError body becomes an ApiProblem, a good body is parsed with its contract. */
export async function parseJsonResponse<T>(schema: Schema<T>, response: Response): Promise<T> {
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    if (!response.ok) throw new ApiProblem(response.status, `http_${response.status}`, response.statusText);
    throw new NetworkProblem('response is not JSON', error);
  }

  if (!response.ok) {
    const parsed = ApiError.safeParse(json);
    if (parsed.success) {
      const { code, message, details, revision } = parsed.data.error;
      throw new ApiProblem(response.status, code, message, details ?? [], revision);
    }
    throw new ApiProblem(response.status, `http_${response.status}`, response.statusText);
  }

  try {
    return schema.parse(json);
  } catch (error) {
    throw new NetworkProblem('response broke its contract', error);
  }
}

// --- Respondent endpoints -------------------------------------------------

declare global {
  interface Window {
    /** The link's state, asked for by respondent/open-link-early.js before this code arrived. */
    pontOpenLink?: { path: string; response: Promise<Response> };
  }
}

/** GET /api/s/{token}: the answer open-link-early.js already asked for, if it is for this token (once). */
export function openLink(token: string): Promise<OpenLinkResult> {
  const path = `/api/s/${encodeURIComponent(token)}`;
  const early = globalThis.window?.pontOpenLink;
  if (!early) return requestJson(OpenLinkResult, path);
  delete window.pontOpenLink;
  if (early.path !== path) return requestJson(OpenLinkResult, path);
  return early.response.then(
    (response) => parseJsonResponse(OpenLinkResult, response),
    (error: unknown) => {
      throw new NetworkProblem('request failed', error);
    },
  );
}

/** GET /api/surveys/{instrumentId}/{version}/{contentHash}: immutable, so the browser's cache may answer it. */
export function fetchInstrumentSurvey(instrument: { id: string; version: string; contentHash: string }): Promise<InstrumentSurveyResult> {
  const path = [instrument.id, instrument.version, instrument.contentHash].map(encodeURIComponent).join('/');
  return requestJson(InstrumentSurveyResult, `/api/surveys/${path}`, { cache: 'default' });
}

/** PUT /api/s/{token}/responses/{instrumentId} */
export function saveResponse(
  token: string,
  instrumentId: string,
  body: SaveResponseRequest,
  options: { keepalive?: boolean } = {},
): Promise<SaveResponseResult> {
  return requestJson(
    SaveResponseResult,
    `/api/s/${encodeURIComponent(token)}/responses/${encodeURIComponent(instrumentId)}`,
    { method: 'PUT', body, keepalive: options.keepalive },
  );
}

/** POST /api/s/{token}/consent */
export function recordConsent(token: string, body: ConsentRequest): Promise<ConsentResult> {
  return requestJson(ConsentResult, `/api/s/${encodeURIComponent(token)}/consent`, { method: 'POST', body });
}

/** POST /api/s/{token}/check-in: asks for someone to get in touch; sends no answers. */
export function requestCheckIn(token: string, body: CheckInRequest): Promise<CheckInResult> {
  return requestJson(CheckInResult, `/api/s/${encodeURIComponent(token)}/check-in`, { method: 'POST', body });
}
