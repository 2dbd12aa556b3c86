/**
 * A failed first deploy cleans up after itself where it can; a deployed stack
 * never loses data (issue #19, item 8). What holds keys, exports or logs is
 * RetainExceptOnCreate (CDK's RETAIN_ON_UPDATE_OR_DELETE): kept when the stack
 * is deleted or the resource replaced, removed only when the deploy that
 * created it rolls back. Plain Retain is kept for exactly the resources such a
 * rollback could not delete anyway (deletion protection: the two tables and
 * the user pool; content: the web bucket once the app is uploaded), where
 * RetainExceptOnCreate would turn a failed first deploy into ROLLBACK_FAILED.
 */
import { rmSync } from 'node:fs';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityTable, mainTable } from '../../functions/storage/table-definition.js';
import { synthPontApp } from './synth.js';

type Resource = { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string };

describe('removal policies', () => {
  let made: ReturnType<typeof synthPontApp>;
  /** Every stack of the app (platform, firewall, the edge functions' stack), by name. */
  let templates: Map<string, Record<string, Resource>>;
  let platform: Record<string, Resource>;
  const idOf = (stack: Stack, construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

  beforeAll(() => {
    made = synthPontApp({ context: { mailFrom: 'pont@example.gov.wales', webUrl: 'https://pont.example.gov.wales', alarmEmail: 'ops@example.gov.wales' } });
    const assembly = made.app.synth();
    templates = new Map(assembly.stacks.map((stack) => [stack.stackName, (stack.template as { Resources?: Record<string, Resource> }).Resources ?? {}]));
    platform = templates.get(made.platform.stackName)!;
  });
  afterAll(() => {
    if (made) rmSync(made.outdir, { recursive: true, force: true });
  });

  it('uses plain Retain only where a rollback could not delete the resource anyway', () => {
    const { platform: stack } = made;
    const retained = [...templates].flatMap(([name, resources]) =>
      Object.entries(resources)
        .filter(([, r]) => r.DeletionPolicy === 'Retain')
        .map(([id]) => `${name}/${id}`),
    );
    const expected = [mainTable.id, identityTable.id, idOf(stack, stack.auth.userPool), idOf(stack, stack.site.bucket)].map((id) => `${stack.stackName}/${id}`);
    expect(retained.sort()).toEqual(expected.sort());
  });

  it('keeps the key, the exports bucket and every log group: RetainExceptOnCreate, and Retain on replacement', () => {
    const { platform: stack } = made;
    const stores = new Map<string, string>([
      [idOf(stack, stack.key.key), 'the KMS key'],
      [idOf(stack, stack.exports.bucket), 'the exports bucket'],
    ]);
    const keptAlways = new Set([mainTable.id, identityTable.id, idOf(stack, stack.auth.userPool), idOf(stack, stack.site.bucket)]);
    const logGroups = Object.keys(platform).filter((id) => platform[id]!.Type === 'AWS::Logs::LogGroup');
    // One per function (routes, export worker, reminders, sign-in audit, data upgrades), the upgrades provider's and the API's access logs.
    expect(logGroups.length).toBeGreaterThanOrEqual(stack.api.routeFunctions.size + 6);
    for (const id of logGroups) stores.set(id, `log group ${id}`);

    for (const [id, what] of stores) {
      expect(platform[id], what).toBeDefined();
      expect({ DeletionPolicy: platform[id]!.DeletionPolicy, UpdateReplacePolicy: platform[id]!.UpdateReplacePolicy }, what).toEqual({
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
    }
    // Nothing of these kinds escapes the list above.
    const kinds = ['AWS::DynamoDB::Table', 'AWS::Cognito::UserPool', 'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup'];
    const unlisted = Object.entries(platform).filter(([id, r]) => kinds.includes(r.Type) && !stores.has(id) && !keptAlways.has(id));
    expect(unlisted.map(([id]) => id)).toEqual([]);
  });
});
