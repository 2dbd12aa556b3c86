/**
 * Pulling the plug: the API process (npm start's infra/local/start.ts, data
 * on disk) is SIGKILLed while respondents are mid-survey and started again on
 * the same port and data. Its DynamoDB Local, orphaned by the kill, is
 * stopped by the new start (infra/local/dynamodb-local.ts) and restarted on
 * its on-disk data. The respondents' clients just keep retrying.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/dynamodb-local.js';
import { ADMIN_EMAIL } from '../../infra/local/seed.js';
import { adminPasswordOf } from '../support/admin-password.js';
import { processesMentioning, startApiProcess, stopApiProcess, type ApiProcess } from './support/api-process.js';
import { acknowledgedShare, enrol, findProblems, planCohort, signInAdmin, startCohort } from './support/cohort.js';
import { newStats, RetryingClient, summary } from './support/faulty-client.js';
import { cohortSize, runSeed, seededRandom } from './support/size.js';

// On-disk DynamoDB Local writes about 15 times slower than in memory: a fifth of the cohort.
const size = Math.max(10, Math.round(cohortSize() / 5));
const seed = runSeed();
const dataDir = mkdtempSync(join(tmpdir(), 'pont-crash-'));
const running: ApiProcess[] = [];

afterAll(async () => {
  for (const api of running) await stopApiProcess(api, 'SIGTERM');
  // No DynamoDB Local on our data may outlive the test (the one orphaned by the kill included).
  const leftovers = processesMentioning(dataDir);
  for (const pid of leftovers) process.kill(pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  expect(leftovers, 'processes left running on the test data').toEqual([]);
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('the API process killed while respondents are mid-survey', () => {
  it('loses no acknowledged write, duplicates nothing, and the clients recover by retrying', { timeout: 600_000 }, async () => {
    // Arrange: the platform as npm start runs it, and a cohort enrolled through the API.
    const port = await freePort();
    const first = await startApiProcess({ dataDir, port });
    running.push(first);
    await adminPasswordOf({ url: first.url, adminEmail: ADMIN_EMAIL, adminPassword: first.adminPassword });
    const adminToken = await signInAdmin(first.url, ADMIN_EMAIL);
    const random = seededRandom(seed);
    const codes = Array.from({ length: size }, (_, i) => `CRASH-${String(i + 1).padStart(4, '0')}`);
    const plans = planCohort(await enrol(first.url, adminToken, codes), random);
    const stats = newStats();
    const rates = { failBeforeSend: 0.05, dropReply: 0.05, delay: 0.05 };

    // Act: a quarter of the cohort answering at a time; kill the server part-way through.
    const started = performance.now();
    const { outcomes, finished } = startCohort(plans, () => new RetryingClient(first.url, random, rates, stats), {
      concurrency: Math.max(4, Math.ceil(size / 4)),
      thinkMs: () => random() * 100,
    });
    // Pull the plug once 40% of the writes are acknowledged, with some respondents done and some mid-survey.
    const finishedOne = () => outcomes.some((o) => o.finished);
    const midSurvey = () => outcomes.filter((o) => o.consented && !o.finished).length;
    await waitFor(() => acknowledgedShare(outcomes) >= 0.4 && finishedOne() && midSurvey() > 0, 'respondents to be part-way through');
    const atKill = { finished: outcomes.filter((o) => o.finished).length, midSurvey: midSurvey(), saves: outcomes.reduce((n, o) => n + o.acknowledged.length, 0) };
    const orphanedDynamo = processesMentioning(join(dataDir, 'dynamodb'));
    await stopApiProcess(first, 'SIGKILL');
    // The kill leaves DynamoDB Local running, holding the data: the restart must deal with it.
    expect(orphanedDynamo).toHaveLength(1);
    expect(processesMentioning(join(dataDir, 'dynamodb'))).toEqual(orphanedDynamo);
    const downAt = performance.now();
    const second = await startApiProcess({ dataDir, port });
    running.push(second);
    const downSeconds = (performance.now() - downAt) / 1000;
    await finished;
    const seconds = (performance.now() - started) / 1000;

    // Assert
    const problems = await findProblems(second.url, await signInAdmin(second.url, ADMIN_EMAIL), outcomes);
    console.log(
      summary('Reliability, crash', size, stats, `; killed with ${atKill.finished} finished and ${atKill.midSurvey} mid-survey, ` +
        `${atKill.saves} saves acknowledged before the kill; down ${downSeconds.toFixed(1)} s; ${seconds.toFixed(1)} s; seed ${seed}`),
    );
    // The orphan was stopped, and a new DynamoDB Local serves the data from disk (those who finished before the kill wrote only to the old one).
    const restartedDynamo = processesMentioning(join(dataDir, 'dynamodb'));
    expect(restartedDynamo).toHaveLength(1);
    expect(restartedDynamo).not.toContain(orphanedDynamo[0]);
    expect(stats.networkErrors).toBeGreaterThan(0);
    expect(stats.serverErrorSamples).toEqual([]);
    expect(stats.serverErrors).toBe(0);
    expect(stats.clientErrors).toEqual({});
    expect(problems).toEqual([]);
  });
});
