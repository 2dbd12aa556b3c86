/** Contact details live in the identity table, apart from answers, and only their managers and admins see them. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { callRoute } from '../support/call-route.js';
import { createLink } from '../support/fixtures.js';
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

    const saved = await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: 'sam@example.org', phone: '+44 7700 900123' } });

    expect(saved.status).toBe(200);
    expect(JSON.stringify(await table.scanAll())).not.toContain('sam@example.org');
    expect(JSON.stringify(await identityItems())).toContain('sam@example.org');
  });

  it('are shown to the researcher who manages the participant and to admins, to nobody else', async () => {
    const link = await createLink();
    await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: 'alex@example.org' } });

    const manager = await callRoute('GET', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1') });
    const admin = await callRoute('GET', contactPath(link.studyId, link.participantCode), { headers: await as('admin', 'admin-1') });
    const otherResearcher = await callRoute('GET', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-2') });
    const analyst = await callRoute('GET', contactPath(link.studyId, link.participantCode), { headers: await as('analyst', 'an-1') });

    expect(manager.json).toEqual({ email: 'alex@example.org' });
    expect(admin.json).toEqual({ email: 'alex@example.org' });
    expect(otherResearcher.status).toBe(404);
    expect(analyst.status).toBe(403);
  });

  it('are erased with the participant', async () => {
    const link = await createLink();
    await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: 'gone@example.org' } });

    await callRoute('POST', `/api/studies/${link.studyId}/participants/${link.participantCode}/withdraw`, { headers: await as('researcher', 'pa-1'), body: { scope: 'erase-all' } });

    expect(JSON.stringify(await identityItems())).not.toContain('gone@example.org');
  });

  it('refuses malformed details', async () => {
    const link = await createLink();

    const result = await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: 'not-an-email' } });

    expect(result.status).toBe(400);
  });

  it('refuses an email address longer than any mail server delivers to, and keeps nothing of it', async () => {
    const link = await createLink();
    const tooLong = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.org`; // 255 characters, valid otherwise

    const result = await callRoute('PUT', contactPath(link.studyId, link.participantCode), { headers: await as('researcher', 'pa-1'), body: { email: tooLong } });

    expect(tooLong).toHaveLength(255);
    expect(result.status).toBe(400);
    expect(result.json.error.details[0].message).toContain('254');
    expect(JSON.stringify(await identityItems())).not.toContain(link.studyId);
  });
});
