/**
 * Researcher routes' handlers: the shared middy chain (api-handler.ts) plus
 * the bearer token check, the route's platform roles and permission from the
 * route table and, for a route that names a study, the caller's membership of
 * it. Access is decided here, once, from the route table: a handler never
 * decides who may see what; it only filters lists by the StudyAccess it is given.
 */
import { sessionStillValid } from '../auth/local-sessions.js';
import { verifyResearcherToken, type Researcher } from '../auth/researcher-tokens.js';
import { effectiveStudyRole, groupOf, seesParticipant, type StudyAccess } from '../domain/study-access.js';
import type { Route, StudyScope } from '../routes.js';
import { getMember } from '../storage/members.js';
import { getParticipant } from '../storage/participants.js';
import { getStudyCached } from '../storage/studies.js';
import { refuseOverlongPathParameters, routeNamed, wrapSteps, type Event, type Steps } from './api-handler.js';
import { HttpError } from './errors.js';

/** A caller on a route that names a study, with what the chain established there. */
export type StudyCaller = Researcher & { access: StudyAccess };

/** A researcher route that names no study (the platform's accounts, instruments, the list of studies). */
export function researcherHandler(routeName: string, steps: Steps<Researcher>) {
  const route = researcherRoute(routeName);
  if (route.access.study) throw new Error(`${routeName} names a study: build it with studyHandler`);
  return wrapSteps(route, (event) => authenticate(event, route), steps);
}

/** A researcher route that names a study: the chain checks membership, study role and data access group first. */
export function studyHandler(routeName: string, steps: Steps<StudyCaller>) {
  const route = researcherRoute(routeName);
  const scope = route.access.study;
  if (!scope) throw new Error(`${routeName} names no study scope in functions/routes.ts: build it with researcherHandler`);
  return wrapSteps(
    route,
    async (event) => {
      const researcher = await authenticate(event, route);
      // Before the membership read: an overlong id would make DynamoDB refuse the key.
      refuseOverlongPathParameters(event);
      return { ...researcher, access: await studyAccess(event, researcher, scope) };
    },
    steps,
  );
}

function researcherRoute(routeName: string): Route & { access: { kind: 'researcher' } } {
  const route = routeNamed(routeName);
  if (route.access.kind !== 'researcher') throw new Error(`${routeName} is not a researcher route: build it with apiHandler`);
  return route as Route & { access: { kind: 'researcher' } };
}

async function authenticate(event: Event, route: Route & { access: { kind: 'researcher' } }): Promise<Researcher> {
  const match = /^Bearer (\S+)$/i.exec(event.headers?.authorization ?? '');
  const verified = match?.[1] ? await verifyResearcherToken(match[1]) : undefined;
  const stillValid = verified?.sessionGeneration === undefined || (await sessionStillValid(verified.userId, verified.sessionGeneration));
  if (!verified || !stillValid) throw new HttpError(401, 'not_signed_in', 'Sign in to use this part of Pont');
  const { sessionGeneration: _generation, ...researcher } = verified;
  if (!route.access.roles.includes(researcher.role)) throw new HttpError(403, 'forbidden', 'Your role does not allow this');
  if (route.access.permission === 'instrumentAuthor' && !researcher.instrumentAuthor) {
    throw new HttpError(403, 'not_instrument_author', 'Publishing instruments needs the instrument author permission: ask an admin');
  }
  return researcher;
}

/**
 * The same answer for a study that does not exist and one the caller is not a
 * member of: one consistent GetItem either way, so neither the body nor the
 * work done tells them apart.
 */
const noSuchStudy = () => new HttpError(404, 'study_not_found', 'There is no such study');
const noSuchParticipant = () => new HttpError(404, 'participant_not_found', 'There is no such participant in this study');

async function studyAccess(event: Event, researcher: Researcher, scope: StudyScope): Promise<StudyAccess> {
  const studyId = event.pathParameters?.studyId ?? '';
  const member = await getMember(studyId, researcher.userId);
  const helpingAdmin = scope.admins === true && researcher.role === 'admin';
  if (!member) {
    if (helpingAdmin) return { studyId, role: null };
    throw noSuchStudy();
  }
  const role = effectiveStudyRole(member.role, researcher.role);
  if (!scope.roles.includes(role) && !helpingAdmin) throw new HttpError(403, 'study_role_insufficient', `Your role in this study (${role}) does not allow this`);
  const group = member.group ? groupOf({ role, group: member.group }, (await getStudyCached(studyId))?.groupBy) : undefined;
  const access: StudyAccess = { studyId, role, ...(group ? { group } : {}) };

  // A participant outside the member's group answers exactly as one that does not exist.
  const participantCode = event.pathParameters?.participantCode;
  if (participantCode !== undefined) {
    const participant = await getParticipant(studyId, participantCode);
    if (!participant || !seesParticipant(access, participant)) throw noSuchParticipant();
  }
  return access;
}
