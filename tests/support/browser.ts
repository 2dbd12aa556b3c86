/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { inject } from 'vitest';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Without the background-networking flags Chromium keeps trying to reach
    // Google's hosts, which this machine's closed network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The browser lane's one DynamoDB Local (tests/support/global-setup.ts), with
 * tables of this file's own: pass to startPlatform instead of letting each
 * file start a Java process.
 */
export function sharedDatabase(): { endpoint: string; tableName: string; identityTableName: string } {
  const id = randomUUID();
  return { endpoint: inject('dynamoEndpoint'), tableName: `browser-${id}`, identityTableName: `browser-${id}-identity` };
}
