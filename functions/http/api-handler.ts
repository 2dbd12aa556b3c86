/**
 * Wraps a route's steps in the middy chain every handler shares: in AWS, the
 * check that the request came through CloudFront; JSON errors, and logs
 * without personal data. Respondent and public routes use `apiHandler`;
 * researcher routes use `researcherHandler` (researcher-handler.ts), which adds
 * the token check. The split keeps the JWT library and the user store out of
 * the respondent functions' bundles: their cold start is the hot path's.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { routes, type Route } from '../routes.js';
import { HttpError, TooManyRequests } from './errors.js';
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

export type Steps<Caller> = (event: Event, caller: Caller, context: Context) => Promise<Result>;

/** A respondent or public route's handler: the route's steps run for anyone who reaches them. */
export function apiHandler(routeName: string, steps: Steps<undefined>) {
  const route = routeNamed(routeName);
  if (route.access.kind === 'researcher') throw new Error(`${routeName} is a researcher route: build it with researcherHandler`);
  return wrapSteps(route, async () => undefined, steps);
}

export function routeNamed(routeName: string): Route {
  const route = routes.find((r) => r.name === routeName);
  if (!route) throw new Error(`No route named ${routeName} in functions/routes.ts`);
  return route;
}

/** The middy chain around a route's steps, for the caller `identify` establishes (or refuses, by throwing an HttpError). */
export function wrapSteps<Caller>(route: Route, identify: (event: Event) => Promise<Caller>, steps: Steps<Caller>) {
  return middy<Event, Result>()
    .use(jsonErrors(route))
    // First of the before steps: nothing else runs for a request that bypassed CloudFront.
    .use(originVerification())
    .handler(async (event, context) => {
      const caller = await identify(event);
      refuseOverlongPathParameters(event);
      return steps(event, caller, context);
    });
}

/** Path parameters longer than any Pont issues name nothing: 404 before any key is made of them. */
export function refuseOverlongPathParameters(event: Event): void {
  if (Object.values(event.pathParameters ?? {}).some((value) => (value ?? '').length > MAX_PATH_PARAMETER_LENGTH)) {
    throw new HttpError(404, 'not_found', 'There is nothing at this address');
  }
}

function jsonErrors(route: Route): middy.MiddlewareObj<Event, Result> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof HttpError) {
        request.response = errorResponse(error.statusCode, error.code, error.message, error.details, error.revision);
        if (error instanceof TooManyRequests) request.response.headers = { ...request.response.headers, 'retry-after': String(error.retryAfterSeconds) };
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
