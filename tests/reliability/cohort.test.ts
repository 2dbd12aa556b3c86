/**
 * A cohort answering on the same evening over a bad connection: every
 * acknowledged save is stored, each submission is stored once, and the server
 * never answers 5xx. Size: PONT_RELIABILITY_SIZE (small in `npm test`, 500 in
 * `npm run test:reliability`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../infra/local/platform.js';
import { adminPasswordOf } from '../support/admin-password.js';
import { isRunning } from './support/api-process.js';
import { enrol, findProblems, planCohort, signInAdmin, startCohort } from './support/cohort.js';
import { newStats, RetryingClient, summary } from './support/faulty-client.js';
import { cohortSize, runSeed, seededRandom } from './support/size.js';

const size = cohortSize();
const seed = runSeed();
let platform: Platform;
let adminToken: string;

beforeAll(async () => {
  platform = await startPlatform({ port: 0, host: '127.0.0.1', seed: true });
  await adminPasswordOf(platform);
  adminToken = await signInAdmin(platform.url, platform.adminEmail);
});
afterAll(async () => {
  const dynamoPid = platform?.dynamo.pid;
  await platform?.stop();
  // No DynamoDB Local left behind.
  if (dynamoPid) expect(isRunning(dynamoPid)).toBe(false);
});

describe('a cohort answering over a connection that drops requests and replies', () => {
  it('keeps every acknowledged save, stores each submission once, and never answers 5xx', { timeout: 600_000 }, async () => {
    // Arrange
    const random = seededRandom(seed);
    const codes = Array.from({ length: size }, (_, i) => `REL-${String(i + 1).padStart(4, '0')}`);
    const plans = planCohort(await enrol(platform.url, adminToken, codes), random);
    const stats = newStats();
    const rates = { failBeforeSend: 0.1, dropReply: 0.1, delay: 0.1 };

    // Act
    const started = performance.now();
    const { outcomes, finished } = startCohort(plans, () => new RetryingClient(platform.url, random, rates, stats), {
      concurrency: 16,
      thinkMs: () => random() * 20,
    });
    await finished;
    const seconds = (performance.now() - started) / 1000;

    // Assert
    const problems = await findProblems(platform.url, adminToken, outcomes);
    const submitted = plans.filter((p) => p.saves.at(-1)?.complete).length;
    console.log(
      summary('Reliability, cohort', size, stats, `; ${submitted} submitted (${plans.filter((p) => p.doubleSubmit).length} twice at once), ` +
        `${plans.filter((p) => new Set(p.saves.map((s) => s.language)).size > 1).length} switched language; ${seconds.toFixed(1)} s; seed ${seed}`),
    );
    expect(stats.serverErrorSamples).toEqual([]);
    expect(stats.serverErrors).toBe(0);
    expect(stats.clientErrors).toEqual({});
    expect(problems).toEqual([]);
    // The faults were really injected, and really retried.
    expect(stats.injected.failBeforeSend).toBeGreaterThan(0);
    expect(stats.injected.dropReply).toBeGreaterThan(0);
    expect(stats.retries).toBeGreaterThanOrEqual(stats.injected.failBeforeSend + stats.injected.dropReply);
  });
});
