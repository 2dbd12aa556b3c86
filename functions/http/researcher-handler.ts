/**
 * A researcher route's handler: the shared middy chain (api-handler.ts) plus
 * the bearer token check and the route's roles from the route table.
 */
import { sessionStillValid } from '../auth/local-sessions.js';
import { verifyResearcherToken, type Researcher } from '../auth/researcher-tokens.js';
import { routeNamed, wrapSteps, type Event, type Steps } from './api-handler.js';
import { HttpError } from './errors.js';

export function researcherHandler(routeName: string, steps: Steps<Researcher>) {
  const route = routeNamed(routeName);
  if (route.access.kind !== 'researcher') throw new Error(`${routeName} is not a researcher route: build it with apiHandler`);
  const { roles } = route.access;
  return wrapSteps(route, (event) => authenticate(event, roles), steps);
}

async function authenticate(event: Event, roles: readonly string[]): Promise<Researcher> {
  const match = /^Bearer (\S+)$/i.exec(event.headers?.authorization ?? '');
  const verified = match?.[1] ? await verifyResearcherToken(match[1]) : undefined;
  const stillValid = verified?.sessionGeneration === undefined || (await sessionStillValid(verified.userId, verified.sessionGeneration));
  const researcher: Researcher | undefined = verified && stillValid ? { userId: verified.userId, role: verified.role } : undefined;
  if (!researcher) throw new HttpError(401, 'not_signed_in', 'Sign in to use this part of Pont');
  if (!roles.includes(researcher.role)) throw new HttpError(403, 'forbidden', 'Your role does not allow this');
  return researcher;
}
