/**
 * Study membership and data access groups, checked from the route table
 * (issue #18). For every route that names a study, the test proves: a
 * non-member gets 404, exactly as for a study that does not exist; a member of
 * another group gets 404 for a participant outside their group, exactly as for
 * a participant that does not exist; a member whose study role is too low gets
 * 403; and the right member succeeds. The routes come from functions/routes.ts:
 * a new route that names a study without a scope rule, or without a case here,
 * fails this file.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportsInFlight } from '../../functions/exports/export-jobs.js';
import { linkJobsInFlight } from '../../functions/link-jobs/link-job-runner.js';
import { routes, type Route } from '../../functions/routes.js';
import { recordCheckInRequest } from '../../functions/storage/check-ins.js';
import { setContact } from '../../functions/storage/identities.js';
import { callRoute } from '../support/call-route.js';
import { CONSENT_VERSION } from '../support/fixtures.js';
import { account, addToStudy, studyWithTeam, useMailAndExports, type StudyTeam, type TeamAccount } from '../support/study-team.js';
import { useTestTable } from '../support/test-table.js';
import { parseCsv, readZip } from '../support/zip-and-csv.js';

useTestTable();
useMailAndExports();

const studyRoutes = routes.filter((route) => route.path.includes('{studyId}'));

/** What each study route needs to succeed: who calls it, with what, and the status that means success. */
type Case = {
  as: (team: StudyTeam) => TeamAccount;
  body?: (team: StudyTeam, ids: Ids) => unknown;
  headers?: Record<string, string>;
  status: number;
};
type Ids = { exportId: string; messageId: string; newMember: TeamAccount; jobId: string };

const cardiffResearcher = (team: StudyTeam) => team.cardiffResearcher;
const owner = (team: StudyTeam) => team.owner;
const analyst = (team: StudyTeam) => team.analyst;
const t = (en: string) => ({ en, cy: en });

const cases: Record<string, Case> = {
  ListWaveResponses: { as: cardiffResearcher, status: 200 },
  CreateWave: {
    as: owner,
    body: (team) => ({ waveId: 'follow-up', name: t('Follow-up'), ordinal: 1, window: { kind: 'relative', opensAfterDays: 182, openForDays: 42 }, instruments: [{ id: 'check-in', version: '1.0.0' }], consentVersion: CONSENT_VERSION }),
    status: 201,
  },
  ImportParticipants: { as: cardiffResearcher, body: () => 'participant_code,local_authority\nC-9,cardiff\n', headers: { 'content-type': 'text/csv' }, status: 201 },
  IssueLinks: { as: cardiffResearcher, body: () => ({ reissue: true, participantCodes: ['C-2'] }), status: 200 },
  CreateLinkJob: { as: cardiffResearcher, body: () => ({ reissue: true, participantCodes: ['C-2'] }), status: 202 },
  ListLinkJobs: { as: cardiffResearcher, status: 200 },
  GetLinkJob: { as: cardiffResearcher, status: 200 },
  DownloadLinkSheet: { as: cardiffResearcher, status: 200 },
  StudyProgress: { as: cardiffResearcher, status: 200 },
  WithdrawParticipant: { as: cardiffResearcher, body: () => ({ scope: 'future-waves' }), status: 200 },
  ListCheckIns: { as: cardiffResearcher, status: 200 },
  MarkCheckInHandled: { as: cardiffResearcher, status: 200 },
  SetParticipantContact: { as: cardiffResearcher, body: () => ({ email: 'c-1.new@example.org', reason: 'gave a new address at a visit' }), status: 200 },
  GetParticipantContact: { as: cardiffResearcher, status: 200 },
  CreateExport: { as: analyst, body: () => ({}), status: 202 },
  ListExports: { as: analyst, status: 200 },
  GetExport: { as: analyst, status: 200 },
  DownloadExport: { as: analyst, status: 200 },
  ListParticipants: { as: cardiffResearcher, status: 200 },
  SendReminders: { as: cardiffResearcher, status: 200 },
  ListSentMessages: { as: cardiffResearcher, status: 200 },
  ReadSentMessage: { as: cardiffResearcher, status: 200 },
  AddConsentText: { as: owner, body: () => ({ version: 'consent-v2', text: t('Do you still agree?') }), status: 201 },
  ListConsentTexts: { as: analyst, status: 200 },
  ListMembers: { as: analyst, status: 200 },
  AddMember: { as: owner, body: (_team, ids) => ({ email: ids.newMember.email, role: 'analyst' }), status: 201 },
  RemoveMember: { as: owner, status: 200 },
};

/** The route's path with every parameter filled: the participant is the caller's own group's unless named. */
function pathOf(route: Route, team: StudyTeam, ids: Ids, over: { studyId?: string; participantCode?: string } = {}): string {
  return route.path
    .replace('{studyId}', over.studyId ?? team.studyId)
    .replace('{waveId}', team.waveId)
    .replace('{participantCode}', over.participantCode ?? 'C-1')
    .replace('{exportId}', ids.exportId)
    .replace('{jobId}', ids.jobId)
    .replace('{messageId}', ids.messageId)
    .replace('{userId}', ids.newMember.userId);
}

async function call(route: Route, who: TeamAccount, path: string, team: StudyTeam, ids: Ids) {
  const rule = cases[route.name];
  const body = rule?.body?.(team, ids) ?? (route.method === 'POST' || route.method === 'PUT' ? {} : undefined);
  return callRoute(route.method, path, { headers: { ...(await who.headers()), ...(rule?.headers ?? {}) }, ...(body !== undefined ? { body } : {}) });
}

describe('every route that names a study checks membership in the handler chain', () => {
  let team: StudyTeam;
  let ids: Ids;

  beforeAll(async () => {
    team = await studyWithTeam();
    const { studyId, waveId } = team;
    // A contact the Cardiff researcher manages, a check-in, an email sent about C-1, and a finished export.
    await setContact({ studyId, participantCode: 'C-1', email: 'c-1@example.org', updatedAt: new Date().toISOString() }, team.cardiffResearcher.userId);
    await recordCheckInRequest({ studyId, waveId, participantCode: 'C-1', language: 'en', requestedAt: new Date().toISOString() });
    const emailed = await callRoute('POST', `/api/studies/${studyId}/waves/${waveId}/links`, { headers: await team.cardiffResearcher.headers(), body: { reissue: true, delivery: 'email', participantCodes: ['C-1'] } });
    expect(emailed.json.emailed).toEqual(['C-1']);
    const messages = await callRoute('GET', `/api/studies/${studyId}/messages`, { headers: await team.cardiffResearcher.headers() });
    const started = await callRoute('POST', `/api/studies/${studyId}/exports`, { headers: await team.analyst.headers(), body: {} });
    const linkJob = await callRoute('POST', `/api/studies/${studyId}/waves/${waveId}/link-jobs`, { headers: await team.cardiffResearcher.headers(), body: { reissue: true, participantCodes: ['C-1'] } });
    await Promise.all([exportsInFlight(), linkJobsInFlight()]);
    ids = { exportId: started.json.exportId, messageId: messages.json.messages[0].id, newMember: await account('researcher', 'newcomer'), jobId: linkJob.json.jobId };
  });

  it('names a study scope for every route with {studyId}, and a case in this file for each', () => {
    expect(studyRoutes.length).toBeGreaterThan(20);
    for (const route of studyRoutes) {
      expect(route.access.kind === 'researcher' && route.access.study, `${route.name} names a study but declares no study scope`).toBeTruthy();
      expect(cases[route.name], `${route.name}: add its case to tests/integration/study-access.test.ts`).toBeDefined();
    }
  });

  it.each(studyRoutes.map((route) => [route.name, route] as const))('%s: a non-member gets the same 404 as for a study that does not exist', async (_name, route) => {
    const nonMembers = [team.outsider, ...(route.access.kind === 'researcher' && route.access.study?.admins ? [] : [team.admin])];
    for (const who of nonMembers) {
      const hidden = await call(route, who, pathOf(route, team, ids), team, ids);
      const missing = await call(route, who, pathOf(route, team, ids, { studyId: 'no-such-study' }), team, ids);
      expect(hidden.status, `${who.userId} on ${route.name}`).toBe(404);
      expect(hidden.json).toEqual(missing.json);
    }
  });

  it.each(studyRoutes.filter((route) => route.path.includes('{participantCode}')).map((route) => [route.name, route] as const))(
    '%s: a member of another group gets the same 404 as for a participant that does not exist',
    async (_name, route) => {
      const otherGroup = await call(route, team.cardiffResearcher, pathOf(route, team, ids, { participantCode: 'S-1' }), team, ids);
      const missing = await call(route, team.cardiffResearcher, pathOf(route, team, ids, { participantCode: 'NOPE-9' }), team, ids);
      expect(otherGroup.status).toBe(404);
      expect(otherGroup.json).toEqual(missing.json);
    },
  );

  it.each(studyRoutes.map((route) => [route.name, route] as const))('%s: a member whose study role is too low gets 403', async (_name, route) => {
    const allowed = route.access.kind === 'researcher' ? (route.access.study?.roles ?? []) : [];
    const lower = [
      { role: 'analyst', who: team.analyst },
      { role: 'researcher', who: team.researcher },
    ].filter(({ role }) => !allowed.includes(role as 'analyst'));
    if (lower.length === 0) {
      // Every study role may use it: there is no role too low.
      expect([...allowed].sort()).toEqual(['analyst', 'owner', 'researcher']);
      return;
    }
    for (const { who } of lower) {
      const refused = await call(route, who, pathOf(route, team, ids), team, ids);
      expect(refused.status, `${who.userId} on ${route.name}`).toBe(403);
      expect(refused.json.error.code).toBe('study_role_insufficient');
    }
  });

  // Last: the successful calls change the study (a wave, an import, a withdrawal, a member added then removed).
  it.each(studyRoutes.map((route) => [route.name, route] as const))('%s: the right member succeeds', async (_name, route) => {
    const rule = cases[route.name]!;
    const result = await call(route, rule.as(team), pathOf(route, team, ids), team, ids);
    expect(result.status, JSON.stringify(result.json)).toBe(rule.status);
  });
});

describe('a member placed in a data access group', () => {
  let team: StudyTeam;
  beforeAll(async () => {
    team = await studyWithTeam();
    for (const code of ['C-1', 'S-1']) await recordCheckInRequest({ studyId: team.studyId, waveId: team.waveId, participantCode: code, language: 'en', requestedAt: new Date().toISOString() });
  });
  const get = async (who: TeamAccount, path: string) => callRoute('GET', `/api/studies/${team.studyId}${path}`, { headers: await who.headers() });

  it('sees only their group in the participants list, progress and check-ins; an ungrouped member sees all', async () => {
    const listed = await get(team.cardiffResearcher, '/participants');
    const progress = await get(team.cardiffResearcher, '/progress');
    const checkIns = await get(team.cardiffResearcher, '/check-ins');
    const wholeStudy = await get(team.researcher, '/participants');

    expect(listed.json.participants.map((p: { participantCode: string }) => p.participantCode)).toEqual(['C-1', 'C-2']);
    expect(progress.json.participants).toBe(2);
    expect(progress.json.group).toBe('cardiff');
    expect(checkIns.json.checkIns.map((c: { participantCode: string }) => c.participantCode)).toEqual(['C-1']);
    expect(wholeStudy.json.participants.map((p: { participantCode: string }) => p.participantCode)).toEqual(['C-1', 'C-2', 'S-1', 'S-2']);
  });

  it('cannot issue links to, or import, participants of another group: they answer as unknown', async () => {
    const issued = await callRoute('POST', `/api/studies/${team.studyId}/waves/${team.waveId}/links`, { headers: await team.cardiffResearcher.headers(), body: { reissue: true, participantCodes: ['S-1'] } });
    const imported = await callRoute('POST', `/api/studies/${team.studyId}/participants/import`, {
      headers: { ...(await team.cardiffResearcher.headers()), 'content-type': 'text/csv' },
      body: 'participant_code,local_authority\nS-9,swansea\n',
    });

    expect(issued.status).toBe(422);
    expect(issued.json.error.code).toBe('unknown_participants');
    expect(imported.status).toBe(422);
    expect(imported.json.error.details[0].path).toBe('line 2');
  });

  it('is moved or removed with effect at their next request, with no new sign-in', async () => {
    const headers = await team.cardiffResearcher.headers();
    const moved = await callRoute('POST', `/api/studies/${team.studyId}/members`, { headers: await team.owner.headers(), body: { email: team.cardiffResearcher.email, role: 'researcher', group: 'swansea' } });
    const afterMove = await callRoute('GET', `/api/studies/${team.studyId}/participants`, { headers });
    const removed = await callRoute('DELETE', `/api/studies/${team.studyId}/members/${team.cardiffResearcher.userId}`, { headers: await team.owner.headers() });
    const afterRemoval = await callRoute('GET', `/api/studies/${team.studyId}/participants`, { headers });

    expect(moved.status).toBe(200);
    expect(afterMove.json.participants.map((p: { participantCode: string }) => p.participantCode)).toEqual(['S-1', 'S-2']);
    expect(removed.status).toBe(200);
    expect(afterRemoval.status).toBe(404);
  });

  it('keeps a study’s last owner: removing or demoting them is refused', async () => {
    const removed = await callRoute('DELETE', `/api/studies/${team.studyId}/members/${team.owner.userId}`, { headers: await team.owner.headers() });
    const demoted = await callRoute('POST', `/api/studies/${team.studyId}/members`, { headers: await team.owner.headers(), body: { email: team.owner.email, role: 'researcher' } });
    const members = await get(team.owner, '/members');

    expect(removed.status).toBe(409);
    expect(demoted.status).toBe(409);
    expect(members.json.members.find((m: { userId: string }) => m.userId === team.owner.userId).role).toBe('owner');
  });

  it('refuses a study role above the account’s platform role, and a group that is not the study’s', async () => {
    const analystAsOwner = await callRoute('POST', `/api/studies/${team.studyId}/members`, { headers: await team.owner.headers(), body: { email: team.analyst.email, role: 'owner' } });
    const unknownGroup = await callRoute('POST', `/api/studies/${team.studyId}/members`, { headers: await team.owner.headers(), body: { email: team.researcher.email, role: 'researcher', group: 'newport' } });

    expect(analystAsOwner.status).toBe(422);
    expect(analystAsOwner.json.error.code).toBe('role_not_allowed');
    expect(unknownGroup.status).toBe(422);
    expect(unknownGroup.json.error.code).toBe('group_unknown');
  });

  it('exports only their group, says so in the package, and cannot see the whole study’s exports', async () => {
    // Arrange: a complete response from a participant of each group, and an analyst placed in Cardiff.
    for (const code of ['C-1', 'S-1']) {
      const saved = await callRoute('PUT', `/api/s/${team.tokens[code]}/responses/check-in`, {
        body: { answers: { mood: 4, has_adviser: 'no' }, language: 'en', complete: true, baseRevision: 0, pageName: 'second' },
      });
      expect(saved.status).toBe(200);
    }
    const cardiffAnalyst = await account('analyst', 'cardiff-analyst');
    await addToStudy(team.studyId, cardiffAnalyst, 'analyst', 'cardiff');
    const wholeStudy = await callRoute('POST', `/api/studies/${team.studyId}/exports`, { headers: await team.analyst.headers(), body: {} });

    // Act
    const started = await callRoute('POST', `/api/studies/${team.studyId}/exports`, { headers: await cardiffAnalyst.headers(), body: { k: 2 } });
    await exportsInFlight();
    const listed = await callRoute('GET', `/api/studies/${team.studyId}/exports`, { headers: await cardiffAnalyst.headers() });
    const other = await callRoute('GET', `/api/studies/${team.studyId}/exports/${wholeStudy.json.exportId}`, { headers: await cardiffAnalyst.headers() });

    // Assert
    expect(listed.json.exports.map((e: { exportId: string }) => e.exportId)).toEqual([started.json.exportId]);
    expect(listed.json.exports[0].status).toBe('done');
    expect(listed.json.exports[0].summary.participants).toBe(1);
    expect(other.status).toBe(404);
    const files = await readZip(join(process.env.EXPORT_DIR!, team.studyId, `${started.json.exportId}.zip`));
    expect(files.get('README.txt')!.toString('utf8')).toContain('only the participants whose local_authority is cardiff');
    expect(parseCsv(files.get('responses_long.csv')!.toString('utf8')).rows).toHaveLength(1);
  });

  it('lets an admin who is not a member see the members page and add themselves, audited and marked', async () => {
    const before = await get(team.admin, '/participants');
    const added = await callRoute('POST', `/api/studies/${team.studyId}/members`, { headers: await team.admin.headers(), body: { email: team.admin.email, role: 'researcher' } });
    const members = await get(team.admin, '/members');
    const after = await get(team.admin, '/participants');

    expect(before.status).toBe(404);
    expect(added.status).toBe(201);
    expect(members.json.members.find((m: { userId: string }) => m.userId === team.admin.userId).selfAddedAdmin).toBe(true);
    expect(after.status).toBe(200);
  });
});
