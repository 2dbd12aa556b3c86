/**
 * Wraps a route's steps in the middy chain every handler shares: in AWS, the
 * check that the request came through CloudFront; the route's access rule from
 * the route table, JSON errors, and logs without personal data.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { sessionStillValid } from '../auth/local-sessions.js';
import type { Researcher } from '../auth/researcher-tokens.js';
import { routes, type Route } from '../routes.js';
import { HttpError } from './errors.js';
import { originVerification } from './origin-verify.js';
import { errorResponse } from './responses.js';

export type Event = APIGatewayProxyEventV2;
export type Result = APIGatewayProxyStructuredResultV2;

/**
 * No path parameter Pont issues is longer than this (a link token is 24
 * characters; the longest, an outbox message id, 91). Longer ones name
 * nothing, and would make DynamoDB refuse the key (at most 2048 bytes of
 * partition key, 1024 of sort key, which two such parameters stay under)
 * with an error that would surface as a 500.
 */
export const MAX_PATH_PARAMETER_LENGTH = 128;

type Steps<Caller> = (event: Event, caller: Caller, context: Context) => Promise<Result>;
type CallerOf<R extends Route['access']['kind']> = R extends 'researcher' ? Researcher : undefined;

export function apiHandler<Kind extends Route['access']['kind']>(routeName: string, steps: Steps<CallerOf<Kind>>) {
  const route = routes.find((r) => r.name === routeName);
  if (!route) throw new Error(`No route named ${routeName} in functions/routes.ts`);

  return middy<Event, Result>()
    .use(jsonErrors(route))
    // First of the before steps: nothing else runs for a request that bypassed CloudFront.
    .use(originVerification())
    .handler(async (event, context) => {
      const caller = route.access.kind === 'researcher' ? await authenticate(event, route.access.roles) : undefined;
      if (Object.values(event.pathParameters ?? {}).some((value) => (value ?? '').length > MAX_PATH_PARAMETER_LENGTH)) {
        throw new HttpError(404, 'not_found', 'There is nothing at this address');
      }
      return steps(event, caller as CallerOf<Kind>, context);
    });
}

async function authenticate(event: Event, roles: readonly string[]): Promise<Researcher> {
  const header = event.headers?.authorization ?? '';
  const match = /^Bearer (\S+)$/i.exec(header);
  // Loaded at the first researcher request, not at every cold start: the respondent routes, the hot
  // path, never use the JWT library, and evaluating it cost open-link about 3.5 ms of its import time.
  const { verifyResearcherToken } = await import('../auth/researcher-tokens.js');
  const verified = match?.[1] ? await verifyResearcherToken(match[1]) : undefined;
  // Imported statically: reached only through the lazy import above, the session check would make esbuild
  // wrap the DynamoDB client for lazy loading and keep all of it, 56 KB more in every bundle (open-link: 296 -> 352 KB).
  const stillValid = verified?.sessionGeneration === undefined || (await sessionStillValid(verified.userId, verified.sessionGeneration));
  const researcher: Researcher | undefined = verified && stillValid ? { userId: verified.userId, role: verified.role } : undefined;
  if (!researcher) throw new HttpError(401, 'not_signed_in', 'Sign in to use this part of Pont');
  if (!roles.includes(researcher.role)) throw new HttpError(403, 'forbidden', 'Your role does not allow this');
  return researcher;
}

function jsonErrors(route: Route): middy.MiddlewareObj<Event, Result> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof HttpError) {
        request.response = errorResponse(error.statusCode, error.code, error.message, error.details, error.revision);
        return;
      }
      // Only the route and the error's name and message: never the event, whose body holds answers.
      console.error(
        JSON.stringify({
          level: 'error',
          route: route.name,
          requestId: request.event.requestContext?.requestId,
          error: error?.name,
          message: error?.message,
        }),
      );
      request.response = errorResponse(500, 'internal_error', 'Something went wrong on our side. Please try again.');
    },
  };
}
