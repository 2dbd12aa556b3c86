/** Contact details live in the identity table, apart from answers, and only their managers and the study's owners see them. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { callRoute } from '../support/call-route.js';
import { createLink, joinStudy } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
const identityItems = async () =>
  (
    await DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    ).send(new ScanCommand({ TableName: `${table.name}-identity` }))
  ).Items ?? [];
const as = async (role: 'admin' | 'researcher' | 'analyst', userId: string) => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId, role })).token}` });
const contactPath = (studyId: string, code: string) => `/api/studies/${studyId}/participants/${code}/contact`;

describe('contact details', () => {
  it('are kept in the identity table, never the main one', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'pa-1', 'researcher');

    const saved = await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: 'sam@example.org', phone: '+44 7700 900123' } });

    expect(saved.status).toBe(200);
    expect(JSON.stringify(await table.scanAll())).not.toContain('sam@example.org');
    expect(JSON.stringify(await identityItems())).toContain('sam@example.org');
  });

  it('are shown to the member who manages the participant and to the study\'s owners, to nobody else (a platform admin only as such a member)', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'pa-1', 'researcher');
    await joinStudy(link.studyId, 'pa-2', 'researcher');
    await joinStudy(link.studyId, 'owner-1', 'owner');
    await joinStudy(link.studyId, 'admin-owner', 'owner');
    await joinStudy(link.studyId, 'admin-researcher', 'researcher');
    await joinStudy(link.studyId, 'an-1', 'analyst');
    const set = await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: 'alex@example.org' } });
    expect(set.status).toBe(200);
    const read = async (role: 'admin' | 'researcher' | 'analyst', userId: string) => callRoute('GET', contactPath(link.studyId, link.participantCode), { headers: await as(role, userId) });

    const manager = await read('researcher', 'pa-1');
    const owner = await read('researcher', 'owner-1');
    const adminOwner = await read('admin', 'admin-owner');
    const adminNotMember = await read('admin', 'admin-1');
    const adminResearcher = await read('admin', 'admin-researcher');
    const otherResearcher = await read('researcher', 'pa-2');
    const analyst = await read('analyst', 'an-1');
    const noStudy = await callRoute('GET', contactPath('no-such-study', link.participantCode), { headers: await as('admin', 'admin-1') });

    expect(manager.json).toEqual({ email: 'alex@example.org' });
    expect(owner.json).toEqual({ email: 'alex@example.org' });
    expect(adminOwner.json).toEqual({ email: 'alex@example.org' });
    // Being a platform admin grants nothing here: not a member, the study answers as one that does not exist...
    expect(adminNotMember.status).toBe(404);
    expect(adminNotMember.json).toEqual(noStudy.json);
    // ...and a member who neither owns the study nor manages the details sees no contact.
    expect(adminResearcher.status).toBe(404);
    expect(adminResearcher.json.error.code).toBe('contact_not_found');
    expect(otherResearcher.status).toBe(404);
    expect(otherResearcher.json.error.code).toBe('contact_not_found');
    expect(analyst.status).toBe(403);
    expect(analyst.json.error.code).toBe('study_role_insufficient');
  });

  it('are erased with the participant', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'pa-1', 'researcher');
    const saved = await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: 'gone@example.org' } });
    expect(saved.status).toBe(200);
    expect(JSON.stringify(await identityItems())).toContain('gone@example.org');

    const erased = await callRoute('POST', `/api/studies/${link.studyId}/participants/${link.participantCode}/withdraw`, { headers: await as('researcher', 'pa-1'), body: { scope: 'erase-all' } });

    expect(erased.status).toBe(200);
    expect(JSON.stringify(await identityItems())).not.toContain('gone@example.org');
  });

  it('refuses malformed details', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'pa-1', 'researcher');

    const result = await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: 'not-an-email' } });

    expect(result.status).toBe(400);
  });

  it('refuses an email address longer than any mail server delivers to, and keeps nothing of it', async () => {
    const link = await createLink();
    await joinStudy(link.studyId, 'pa-1', 'researcher');
    const tooLong = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.org`; // 255 characters, valid otherwise

    const result = await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: tooLong } });

    expect(tooLong).toHaveLength(255);
    expect(result.status).toBe(400);
    expect(result.json.error.details[0].message).toContain('254');
    expect(JSON.stringify(await identityItems())).not.toContain(link.studyId);
  });
});
