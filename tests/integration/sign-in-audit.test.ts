import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { PLATFORM_SCOPE, listAuditMonth } from '../../functions/storage/audit.js';
import { handler } from '../../functions/workers/sign-in-audit.js';
import { useTestTable } from '../support/test-table.js';

useTestTable();

/** A post-authentication event as Cognito sends it (only the fields Pont reads are meaningful). */
const event = (sub: string): PostAuthenticationTriggerEvent => ({
  version: '1',
  region: 'eu-west-2',
  userPoolId: 'eu-west-2_Example',
  userName: sub,
  callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'example-client' },
  triggerSource: 'PostAuthentication_Authentication',
  request: { userAttributes: { sub, email: 'researcher@example.org', email_verified: 'true' }, newDeviceUsed: false },
  response: {},
});

describe('Cognito sign-ins in the audit log', () => {
  it('writes who signed in (subject id, never the email) and hands Cognito its event back', async () => {
    const signIn = event('4f1c2d3e-sub');

    const returned = await handler(signIn);

    expect(returned).toBe(signIn);
    const entries = (await listAuditMonth(PLATFORM_SCOPE, new Date())).filter((e) => e.actor === '4f1c2d3e-sub');
    expect(entries).toEqual([expect.objectContaining({ action: 'auth.signed_in', detail: { via: 'cognito', newDevice: false } })]);
    expect(JSON.stringify(entries)).not.toContain('researcher@example.org');
  });
});
