/**
 * Synthesises the Pont app (firewall stack + platform stack) for assertion
 * tests, exactly as infra/aws/app.ts builds it. Bundling is skipped unless
 * asked for (`aws:cdk:bundling-stacks: []`): ~0.5 s per synth instead of
 * several seconds of esbuild. Exactly one test should ask for it.
 *
 * The web app is a placeholder built here (index.html and one asset), so the
 * tests need no `npm run build:web`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { definePont } from '../../infra/aws/pont.js';

let placeholder: string | undefined;

/** A stand-in for web/dist, made once per test process. */
export function placeholderWebDist(): string {
  if (placeholder) return placeholder;
  const dir = mkdtempSync(path.join(tmpdir(), 'pont-web-'));
  placeholder = dir;
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Pont</title><script type="module" src="/assets/index-test.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'index-test.js'), 'export {};');
  return dir;
}

export function synthPontApp(options: { bundle?: boolean; context?: Record<string, unknown>; configure?: (app: App) => void } = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'pont-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      // Records each asset's directory on its resource, as the CLI does.
      'aws:cdk:enable-asset-metadata': true,
      stage: 'test',
      webDist: placeholderWebDist(),
      ...options.context,
    },
  });
  try {
    const { firewall, platform } = definePont(app);
    options.configure?.(app);
    return { app, firewall, platform, outdir };
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}

export function synthPontStack(options: { bundle?: boolean; context?: Record<string, unknown> } = {}) {
  const { app, firewall, platform: stack, outdir } = synthPontApp(options);
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) => logicalIdIn(stack, construct);
  return { app, stack, firewall, template, outdir, logicalId };
}

export const logicalIdIn = (stack: Stack, construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
