import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Two cores: DynamoDB Local, Chromium and CDK synths share them.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // expect.poll gives up after 1 s by default: too short for a page waiting on DynamoDB Local on a busy CI host.
    expect: { poll: { timeout: 10_000 } },
  },
});
