/**
 * cdk-nag's AWS Solutions pack over the whole app (both stacks), as `cdk synth`
 * runs it (infra/aws/app.ts): no finding may be left unacknowledged, and
 * every acknowledgement carries its reason.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { synthPontApp } from './synth.js';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

/** Synthesises with the AWS Solutions checks; returns the validation report's violations (none when clean). */
function nag(context: Record<string, unknown> = {}) {
  const made = synthPontApp({ context, configure: (app) => Validations.of(app).addPlugins(new AwsSolutionsChecks(app)) });
  let failure: Error | undefined;
  try {
    made.app.synth();
  } catch (error) {
    failure = error as Error;
  }
  const report = path.join(made.outdir, 'validation-report.json');
  const violations = failure
    ? (JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: Array<{ violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }> }).pluginReports.flatMap(
        (p) => p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)),
      )
    : [];
  if (failure && violations.length === 0) throw failure;
  return { ...made, violations };
}

/** Every acknowledgement recorded on the app's constructs. */
function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ path: c.node.path, id, reason })),
  );
}

describe('cdk-nag (AWS Solutions)', () => {
  const outdirs: string[] = [];
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  it('finds nothing unacknowledged in the default deployment, and every acknowledgement gives its reason', () => {
    const { violations, outdir, app } = nag();
    outdirs.push(outdir);
    expect(violations).toEqual([]);

    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThan(40);
    // No blanket acknowledgements: none on a stack or the app, none of a whole wildcard rule.
    for (const ack of acks) {
      expect(ack.path.split('/').length, `${ack.id} at ${ack.path}`).toBeGreaterThan(1);
      expect(ack.id, ack.path).not.toMatch(/AwsSolutions-IAM5$/);
    }
  }, 120_000);

  it('fails on a finding nobody has acknowledged', () => {
    const made = synthPontApp({
      configure: (app) => {
        const platform = app.node.findChild('Pont-test');
        new Bucket(platform, 'Unreviewed');
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      },
    });
    outdirs.push(made.outdir);
    expect(() => made.app.synth()).toThrow(/AwsSolutions-S10/);
    const report = readFileSync(path.join(made.outdir, 'validation-report.json'), 'utf8');
    expect(report).toContain('AwsSolutions-S10');
    expect(report).toContain('Pont-test/Unreviewed');
  }, 120_000);

  it('finds nothing unacknowledged with a concrete account, a custom domain, email and CORS', () => {
    const previous = process.env.CDK_DEFAULT_ACCOUNT;
    process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
    try {
      const { violations, outdir } = nag({
        domainName: 'pont.example.gov.wales',
        certificateArn: CERT,
        mailFrom: 'pont@example.gov.wales',
        alarmEmail: 'ops@example.gov.wales',
        allowedOrigins: 'https://analysis.example.ac.uk',
      });
      outdirs.push(outdir);
      expect(violations).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.CDK_DEFAULT_ACCOUNT;
      else process.env.CDK_DEFAULT_ACCOUNT = previous;
    }
  }, 120_000);
});
