/**
 * Synthesises PontStack for assertion tests. Bundling is skipped unless asked
 * for (`aws:cdk:bundling-stacks: []`): ~0.5 s per synth instead of several
 * seconds of esbuild. Exactly one test should ask for it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { PontStack } from '../../infra/aws/stack.js';

export function synthPontStack(options: { bundle?: boolean; context?: Record<string, unknown> } = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'pont-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      // Records each asset's directory on its resource, as the CLI does.
      'aws:cdk:enable-asset-metadata': true,
      ...options.context,
    },
  });
  const stack = new PontStack(app, 'Pont-test', { stage: 'test', env: { region: 'eu-west-2' } });
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) =>
    stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return { app, stack, template, outdir, logicalId };
}
