import { defineConfig } from 'vitest/config';

/**
 * Test lanes (vitest projects): `npm run test:unit` while editing, the lane you
 * touch before committing, `npm test` (every lane, what CI runs) before you stop.
 *  - unit: pure code; no DynamoDB Local, no browser, no child processes.
 *  - integration: the real handlers against DynamoDB Local, the embedded platform, the CLI, R and PSPP.
 *  - infra: the CDK app, synthesised offline.
 *  - browser: Debian's Chromium against the embedded platform.
 *  - reliability: crashes and restarts (`npm run test:reliability` runs the full-size variant).
 */
const DYNAMODB_LOCAL = ['tests/support/global-setup.ts'];

export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Two cores: DynamoDB Local, Chromium and CDK synths share them.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // expect.poll gives up after 1 s by default: too short for a page waiting on DynamoDB Local on a busy CI host.
    expect: { poll: { timeout: 10_000 } },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], globalSetup: DYNAMODB_LOCAL } },
      { extends: true, test: { name: 'infra', include: ['tests/infra/**/*.test.ts'], globalSetup: DYNAMODB_LOCAL } },
      // One DynamoDB Local for the lane, each file with tables of its own (sharedDatabase in tests/support/browser.ts).
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], globalSetup: DYNAMODB_LOCAL } },
      { extends: true, test: { name: 'reliability', include: ['tests/reliability/**/*.test.ts'] } },
    ],
  },
});
