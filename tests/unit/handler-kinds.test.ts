/**
 * Respondent and public routes are built with apiHandler, researcher routes with
 * researcherHandler (which adds the token check), and routes that name a study
 * with studyHandler (which adds the membership check). A handler built the wrong
 * way must fail when its module loads, not serve a researcher route without
 * sign-in or a study's data without membership.
 */
import { describe, expect, it } from 'vitest';
import { apiHandler } from '../../functions/http/api-handler.js';
import { researcherHandler, studyHandler } from '../../functions/http/researcher-handler.js';
import { json } from '../../functions/http/responses.js';
import { routes } from '../../functions/routes.js';

const steps = async () => json(200, { ok: true });

describe('handler kinds', () => {
  it('refuses to build a researcher route without the token check', () => {
    const researcherRoutes = routes.filter((route) => route.access.kind === 'researcher');
    expect(researcherRoutes.length).toBeGreaterThan(0);
    for (const route of researcherRoutes) {
      expect(() => apiHandler(route.name, steps), route.name).toThrow(/researcher route: build it with researcherHandler/);
      const namesStudy = route.access.kind === 'researcher' && !!route.access.study;
      if (namesStudy) expect(() => studyHandler(route.name, steps), route.name).not.toThrow();
      else expect(() => researcherHandler(route.name, steps), route.name).not.toThrow();
    }
  });

  it('refuses to build a route that names a study without the membership check, and the reverse', () => {
    const studyRoutes = routes.filter((route) => route.access.kind === 'researcher' && route.access.study);
    const platformRoutes = routes.filter((route) => route.access.kind === 'researcher' && !route.access.study);
    expect(studyRoutes.length).toBeGreaterThan(0);
    expect(platformRoutes.length).toBeGreaterThan(0);
    for (const route of studyRoutes) expect(() => researcherHandler(route.name, steps), route.name).toThrow(/names a study: build it with studyHandler/);
    for (const route of platformRoutes) expect(() => studyHandler(route.name, steps), route.name).toThrow(/names no study scope/);
  });

  it('gives every route whose path names a study a study scope', () => {
    for (const route of routes.filter((r) => r.path.includes('{studyId}'))) {
      expect(route.access.kind === 'researcher' && route.access.study, route.name).toBeTruthy();
    }
  });

  it('refuses to build a respondent or public route as a researcher one', () => {
    const openRoutes = routes.filter((route) => route.access.kind !== 'researcher');
    expect(openRoutes.map((route) => route.access.kind)).toEqual(expect.arrayContaining(['respondent', 'public']));
    for (const route of openRoutes) {
      expect(() => researcherHandler(route.name, steps), route.name).toThrow(/not a researcher route/);
      expect(() => studyHandler(route.name, steps), route.name).toThrow(/not a researcher route/);
      expect(() => apiHandler(route.name, steps), route.name).not.toThrow();
    }
  });

  it('refuses a name the route table does not have', () => {
    expect(() => apiHandler('NoSuchRoute', steps)).toThrow(/No route named NoSuchRoute/);
    expect(() => researcherHandler('NoSuchRoute', steps)).toThrow(/No route named NoSuchRoute/);
  });
});
