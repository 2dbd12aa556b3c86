/**
 * Respondent and public routes are built with apiHandler, researcher routes with
 * researcherHandler (which adds the token check). A handler built the wrong way
 * must fail when its module loads, not serve a researcher route without sign-in.
 */
import { describe, expect, it } from 'vitest';
import { apiHandler } from '../../functions/http/api-handler.js';
import { researcherHandler } from '../../functions/http/researcher-handler.js';
import { json } from '../../functions/http/responses.js';
import { routes } from '../../functions/routes.js';

const steps = async () => json(200, { ok: true });

describe('handler kinds', () => {
  it('refuses to build a researcher route without the token check', () => {
    const researcherRoutes = routes.filter((route) => route.access.kind === 'researcher');
    expect(researcherRoutes.length).toBeGreaterThan(0);
    for (const route of researcherRoutes) {
      expect(() => apiHandler(route.name, steps), route.name).toThrow(/researcher route: build it with researcherHandler/);
      expect(() => researcherHandler(route.name, steps), route.name).not.toThrow();
    }
  });

  it('refuses to build a respondent or public route as a researcher one', () => {
    const openRoutes = routes.filter((route) => route.access.kind !== 'researcher');
    expect(openRoutes.map((route) => route.access.kind)).toEqual(expect.arrayContaining(['respondent', 'public']));
    for (const route of openRoutes) {
      expect(() => researcherHandler(route.name, steps), route.name).toThrow(/not a researcher route/);
      expect(() => apiHandler(route.name, steps), route.name).not.toThrow();
    }
  });

  it('refuses a name the route table does not have', () => {
    expect(() => apiHandler('NoSuchRoute', steps)).toThrow(/No route named NoSuchRoute/);
    expect(() => researcherHandler('NoSuchRoute', steps)).toThrow(/No route named NoSuchRoute/);
  });
});
