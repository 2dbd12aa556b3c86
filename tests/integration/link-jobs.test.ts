/**
 * Link jobs (issue #24): a wave's links issued in the background, the sheet
 * kept sealed for the person who asked, refused past its time; and the links
 * route refusing more than one request should issue.
 */
import { describe, expect, it } from 'vitest';
import { batchWriteItems } from '../../cli/bulk-load.js';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { LinkJob, LinkJobList, SYNC_LINK_LIMITS } from '../../functions/contracts/link-jobs.js';
import { IssueLinksResult } from '../../functions/contracts/participants.js';
import { linkJobsInFlight } from '../../functions/link-jobs/link-job-runner.js';
import { LINK_JOB_BATCH } from '../../functions/link-jobs/run-link-job.js';
import { listAuditMonth } from '../../functions/storage/audit.js';
import { shredExpiredLinkSheets } from '../../functions/storage/link-jobs.js';
import { createParticipant, participantItem } from '../../functions/storage/participants.js';
import { withdrawFromFutureWaves } from '../../functions/storage/withdrawals.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const HOUR_MS = 3_600_000;

async function as(userId: string) {
  const { token } = await signLocalResearcherToken({ userId, role: 'researcher' });
  return { authorization: `Bearer ${token}` };
}

async function startJob(studyId: string, userId: string, body: Record<string, unknown>) {
  return callRoute('POST', `/api/studies/${studyId}/waves/baseline/link-jobs`, { headers: await as(userId), body });
}

async function finishedJob(studyId: string, userId: string, jobId: string): Promise<LinkJob> {
  await linkJobsInFlight();
  const got = await callRoute('GET', `/api/studies/${studyId}/link-jobs/${jobId}`, { headers: await as(userId) });
  expect(got.status).toBe(200);
  return LinkJob.parse(got.json);
}

async function sheet(studyId: string, userId: string, jobId: string) {
  return callRoute('POST', `/api/studies/${studyId}/link-jobs/${jobId}/sheet`, { headers: await as(userId) });
}

/** A study with P-001 (already linked) and `more` participants without a link. */
async function studyWith(more: number) {
  const { studyId } = await createLink();
  await joinStudy(studyId, 'researcher-1', 'researcher');
  await joinStudy(studyId, 'researcher-2', 'researcher');
  const createdAt = new Date().toISOString();
  await batchWriteItems(Array.from({ length: more }, (_, i) => participantItem({ studyId, participantCode: `Q-${String(i).padStart(5, '0')}`, createdAt })));
  return studyId;
}

describe('link jobs', () => {
  it('issues every link of a wave in the background, in batches, and hands the sheet to the person who asked, sealed meanwhile', async () => {
    const participants = 2 * LINK_JOB_BATCH + 1;
    const studyId = await studyWith(participants);

    const started = await startJob(studyId, 'researcher-1', { reissue: false });
    expect(started.status).toBe(202);
    const job = LinkJob.parse(started.json);
    expect(job).toMatchObject({ status: 'queued', waveId: 'baseline', delivery: 'sheet', progress: { done: 0, total: participants + 1 } });

    const finished = await finishedJob(studyId, 'researcher-1', job.jobId);
    expect(finished).toMatchObject({ status: 'finished', progress: { done: participants + 1, total: participants + 1 }, counts: { links: participants, skipped: 1, withdrawn: 0, emailed: 0 } });
    expect(Date.parse(finished.sheetAvailableUntil!)).toBeGreaterThan(Date.now() + 23 * HOUR_MS);

    const downloaded = await sheet(studyId, 'researcher-1', job.jobId);
    expect(downloaded.status).toBe(200);
    const links = IssueLinksResult.parse(downloaded.json);
    expect(links.links).toHaveLength(participants);
    expect(new Set(links.links.map((l) => l.participantCode)).size).toBe(participants);
    expect(links.skipped).toEqual([{ participantCode: 'P-001', reason: expect.stringMatching(/already has a link/) }]);
    // Every link works; none is anywhere in the table in clear, though the sheet is stored there.
    for (const link of [links.links[0]!, links.links[participants - 1]!]) expect((await callRoute('GET', `/api/s/${link.path.slice(3)}`)).status).toBe(200);
    const everything = JSON.stringify(await table.scanAll());
    for (const link of links.links.slice(0, 50)) expect(everything).not.toContain(link.path.slice(3));

    // A second download gives the same sheet (a lost tab loses nothing); each is audited, with counts only.
    expect(IssueLinksResult.parse((await sheet(studyId, 'researcher-1', job.jobId)).json)).toEqual(links);
    const audit = await listAuditMonth(studyId, new Date());
    expect(audit.filter((e) => e.action === 'links.job_started').map((e) => e.detail)).toEqual([{ jobId: job.jobId, waveId: 'baseline', reissue: false, delivery: 'sheet', participants: participants + 1 }]);
    expect(audit.find((e) => e.action === 'links.issued')?.detail).toEqual({ jobId: job.jobId, waveId: 'baseline', count: participants });
    expect(audit.filter((e) => e.action === 'links.sheet_downloaded')).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain(links.links[0]!.path.slice(3));
  }, 120_000);

  it('shows a job and its sheet to the person who started it only; to anyone else they do not exist', async () => {
    const studyId = await studyWith(3);
    const job = LinkJob.parse((await startJob(studyId, 'researcher-1', { reissue: false })).json);
    await finishedJob(studyId, 'researcher-1', job.jobId);

    const other = await callRoute('GET', `/api/studies/${studyId}/link-jobs/${job.jobId}`, { headers: await as('researcher-2') });
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe('link_job_not_found');
    expect((await sheet(studyId, 'researcher-2', job.jobId)).status).toBe(404);
    expect(LinkJobList.parse((await callRoute('GET', `/api/studies/${studyId}/link-jobs`, { headers: await as('researcher-2') })).json).jobs).toEqual([]);
    const own = LinkJobList.parse((await callRoute('GET', `/api/studies/${studyId}/link-jobs`, { headers: await as('researcher-1') })).json);
    expect(own.jobs.map((j) => j.jobId)).toEqual([job.jobId]);
    // Not a member: the study itself does not exist for them.
    expect((await sheet(studyId, 'stranger', job.jobId)).status).toBe(404);
  }, 60_000);

  it('shreds a sheet past its time: its key goes first, then its chunks, and a download answers 410', async () => {
    const studyId = await studyWith(3);
    const job = LinkJob.parse((await startJob(studyId, 'researcher-1', { reissue: false })).json);
    await finishedJob(studyId, 'researcher-1', job.jobId);
    expect((await sheet(studyId, 'researcher-1', job.jobId)).status).toBe(200);
    const sheetItems = async () => (await table.scanAll()).filter((item) => String(item.PK).startsWith(`LINKSHEET#${studyId}#`));
    expect((await sheetItems()).length).toBeGreaterThan(0);

    await shredExpiredLinkSheets(new Date());
    expect((await sheet(studyId, 'researcher-1', job.jobId)).status).toBe(200);
    // The sheets of this file's other tests expire too.
    expect(await shredExpiredLinkSheets(new Date(Date.now() + 25 * HOUR_MS))).toBeGreaterThanOrEqual(1);

    expect(await sheetItems()).toEqual([]);
    const late = await sheet(studyId, 'researcher-1', job.jobId);
    expect(late.status).toBe(410);
    expect(late.json.error.code).toBe('sheet_expired');
    // The job itself stays listed, its links still work.
    expect((await callRoute('GET', `/api/studies/${studyId}/link-jobs/${job.jobId}`, { headers: await as('researcher-1') })).json.status).toBe('finished');
  }, 60_000);

  it('refuses at the start what the job would refuse, and issues nothing to anyone withdrawn meanwhile', async () => {
    const studyId = await studyWith(2);
    const unknown = await startJob(studyId, 'researcher-1', { reissue: false, participantCodes: ['NOPE'] });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.code).toBe('unknown_participants');
    expect((await startJob(studyId, 'researcher-1', { reissue: 'yes' })).status).toBe(400);
    expect((await callRoute('POST', `/api/studies/${studyId}/waves/no-such-wave/link-jobs`, { headers: await as('researcher-1'), body: { reissue: false } })).status).toBe(404);

    await withdrawFromFutureWaves(studyId, 'Q-00000', new Date());
    const job = LinkJob.parse((await startJob(studyId, 'researcher-1', { reissue: true })).json);
    const finished = await finishedJob(studyId, 'researcher-1', job.jobId);
    expect(finished.counts).toMatchObject({ links: 2, withdrawn: 1 });
    const links = IssueLinksResult.parse((await sheet(studyId, 'researcher-1', job.jobId)).json);
    expect(links.links.map((l) => l.participantCode)).toEqual(['P-001', 'Q-00001']);
    expect(links.skipped).toEqual([{ participantCode: 'Q-00000', reason: 'withdrawn from the study' }]);
  }, 60_000);

  it('refuses a second job for a wave while one is still issuing its links, and allows one after', async () => {
    const studyId = await studyWith(LINK_JOB_BATCH);
    const first = LinkJob.parse((await startJob(studyId, 'researcher-1', { reissue: true })).json);
    const second = await startJob(studyId, 'researcher-2', { reissue: true });
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe('link_job_running');
    expect(second.json.error.message).toContain('by another member');
    expect(await finishedJob(studyId, 'researcher-1', first.jobId)).toMatchObject({ status: 'finished', counts: { links: LINK_JOB_BATCH + 1 } });
    const after = await startJob(studyId, 'researcher-2', { reissue: false });
    expect(after.status).toBe(202);
    await linkJobsInFlight();
  }, 60_000);

  it('keeps the links route to what one request issues well within its time, pointing to a link job beyond it', async () => {
    const studyId = await studyWith(SYNC_LINK_LIMITS.sheet);
    const refused = await callRoute('POST', `/api/studies/${studyId}/waves/baseline/links`, { headers: await as('researcher-1'), body: { reissue: true } });
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe('too_many_links_for_one_request');
    expect(refused.json.error.message).toContain('/link-jobs');
    // Nothing was issued: P-001's link still works.
    const audit = await listAuditMonth(studyId, new Date());
    expect(audit.filter((e) => e.action.startsWith('links.'))).toEqual([]);
    await createParticipant({ studyId, participantCode: 'Z-1', createdAt: new Date().toISOString() });
    const few = await callRoute('POST', `/api/studies/${studyId}/waves/baseline/links`, { headers: await as('researcher-1'), body: { reissue: false, participantCodes: ['Z-1'] } });
    expect(few.status).toBe(200);
  }, 60_000);
});
