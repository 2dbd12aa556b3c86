/**
 * Issuing a large wave's links (issue #24): no researcher request may run past
 * 10 s at 10,000 participants. A study of the bench's own with 10,000
 * participants and no links; over HTTP to the embedded platform, as the
 * console does it: start a link job, poll it every 500 ms until it finishes,
 * download its sheet; then the links route at its limit (SYNC_LINK_LIMITS
 * links reissued in one request), and the same route refusing the whole wave.
 */
import { batchWriteItems } from '../cli/bulk-load.js';
import { signLocalResearcherToken } from '../functions/auth/researcher-tokens.js';
import { LinkJob, SYNC_LINK_LIMITS } from '../functions/contracts/link-jobs.js';
import { IssueLinksResult } from '../functions/contracts/participants.js';
import { firstOwner } from '../functions/storage/members.js';
import { participantItem } from '../functions/storage/participants.js';
import { createStudyWithConsent, createWave } from '../functions/storage/studies.js';
import { DEMO_INSTRUMENTS } from '../infra/local/seed.js';
import { figure, kb, type Row } from './stats.js';

const PARTICIPANTS = Number(process.env.BENCH_LINK_PARTICIPANTS ?? 10_000);
const POLL_MS = 500;
/** The issue's bound on any researcher request. */
const REQUEST_LIMIT_MS = 10_000;
const DAY_MS = 86_400_000;

export async function benchLinkJobs(platform: { url: string }, log: (line: string) => void): Promise<Row[]> {
  const studyId = `bench-links-${Date.now().toString(36)}`;
  const owner = { userId: `${studyId}-owner`, email: `${studyId}-owner@pont.local` };
  const createdAt = new Date().toISOString();
  const t = (en: string) => ({ en, cy: en });
  await createStudyWithConsent(
    { studyId, title: t('Link job bench'), supportContacts: [], attributes: [], createdAt },
    { studyId, version: 'bench-consent', text: t('Do you agree?'), createdAt },
    firstOwner(studyId, owner, createdAt),
  );
  await createWave({
    studyId,
    waveId: 'baseline',
    ordinal: 0,
    name: t('Baseline'),
    window: { kind: 'fixed', opensAt: createdAt, closesAt: new Date(Date.now() + 30 * DAY_MS).toISOString() },
    instruments: DEMO_INSTRUMENTS,
    consentVersion: 'bench-consent',
  });
  await batchWriteItems(Array.from({ length: PARTICIPANTS }, (_, i) => participantItem({ studyId, participantCode: `L-${String(i).padStart(6, '0')}`, createdAt })));
  const { token } = await signLocalResearcherToken({ userId: owner.userId, role: 'researcher' });
  const call = async (method: string, path: string, body?: unknown) => {
    const started = performance.now();
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, ms: performance.now() - started, bytes: Buffer.byteLength(text), json: JSON.parse(text) as unknown };
  };
  const expectStatus = (result: { status: number; json: unknown }, status: number, what: string) => {
    if (result.status !== status) throw new Error(`${what}: ${result.status} ${JSON.stringify(result.json)}`);
  };

  const jobStarted = performance.now();
  const start = await call('POST', `/api/studies/${studyId}/waves/baseline/link-jobs`, { reissue: false });
  expectStatus(start, 202, 'start a link job');
  let job = LinkJob.parse(start.json);
  const polls: number[] = [];
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((done) => setTimeout(done, POLL_MS));
    const poll = await call('GET', `/api/studies/${studyId}/link-jobs/${job.jobId}`);
    expectStatus(poll, 200, 'poll the link job');
    polls.push(poll.ms);
    job = LinkJob.parse(poll.json);
  }
  const jobMs = performance.now() - jobStarted;
  if (job.status !== 'finished') throw new Error(`The link job failed: ${job.error}`);
  const download = await call('POST', `/api/studies/${studyId}/link-jobs/${job.jobId}/sheet`);
  expectStatus(download, 200, 'download the sheet');
  const sheet = IssueLinksResult.parse(download.json);
  if (sheet.links.length !== PARTICIPANTS) throw new Error(`The sheet holds ${sheet.links.length} links, not ${PARTICIPANTS}`);
  log(`  job: started in ${Math.round(start.ms)} ms, finished in ${Math.round(jobMs)} ms (${polls.length} polls, longest ${Math.round(Math.max(...polls))} ms); sheet ${Math.round(download.ms)} ms, ${Math.round(kb(download.bytes))} KB`);

  // The links route at its limit: the most one request issues (reissued, the heavier case: each hands the participant's responses over).
  const limit = SYNC_LINK_LIMITS.sheet;
  const atLimit = await call('POST', `/api/studies/${studyId}/waves/baseline/links`, { reissue: true, participantCodes: sheet.links.slice(0, limit).map((l) => l.participantCode) });
  expectStatus(atLimit, 200, 'the links route at its limit');
  const refused = await call('POST', `/api/studies/${studyId}/waves/baseline/links`, { reissue: true });
  expectStatus(refused, 422, 'the links route asked for the whole wave');
  log(`  links route: ${limit.toLocaleString('en-GB')} reissued in ${Math.round(atLimit.ms)} ms; the whole wave refused in ${Math.round(refused.ms)} ms`);

  const scale = `${PARTICIPANTS.toLocaleString('en-GB')} participants`;
  const bound = { op: '<=' as const, value: REQUEST_LIMIT_MS };
  return [
    { area: 'Link issuing', measure: 'Start a link job (the request)', unit: 'ms', figure: figure([start.ms]), target: bound, note: `${scale}: plans the run (reads the participant list), stores the job, answers 202` },
    { area: 'Link issuing', measure: 'Longest progress poll while it runs', unit: 'ms', figure: figure([Math.max(...polls)]), target: bound, note: `${polls.length} polls, one every ${POLL_MS} ms` },
    { area: 'Link issuing', measure: 'Download the sheet', unit: 'ms', figure: figure([download.ms]), target: bound, note: `${sheet.links.length.toLocaleString('en-GB')} links, ${Math.round(kb(download.bytes))} KB of JSON, opened from ${Math.ceil(sheet.links.length / 2000)} sealed chunks` },
    { area: 'Link issuing', measure: 'Link job, start to finish (in the background)', unit: 'ms', figure: figure([jobMs]), note: `${Math.round(PARTICIPANTS / (jobMs / 1000))} links a second on DynamoDB Local (one conditional write each, 8 at a time)` },
    { area: 'Link issuing', measure: `Links route at its limit (${limit.toLocaleString('en-GB')} reissued in one request)`, unit: 'ms', figure: figure([atLimit.ms]), target: bound, note: `larger runs are refused (${Math.round(refused.ms)} ms for the whole wave here) and pointed to a link job` },
  ];
}
