/** An instrument's HTML is refused at publishing outside the allow-list, and at wave creation when it links where the study does not. */
import { describe, expect, it } from 'vitest';
import { signLocalResearcherToken } from '../../functions/auth/researcher-tokens.js';
import { getInstrumentVersion, publishInstrumentVersion } from '../../functions/storage/instruments.js';
import { callRoute } from '../support/call-route.js';
import { checkInInstrument } from '../support/fixtures.js';
import { useTestTable } from '../support/test-table.js';

const table = useTestTable();

const t = (en: string) => ({ en, cy: `${en} (cy)` });
const both = (en: string, cy = en) => ({ en, cy });

/** One account does it all: it may publish instruments, and it owns the studies it creates. */
const asAuthor = async () => ({ authorization: `Bearer ${(await signLocalResearcherToken({ userId: 'admin-markup', role: 'admin', instrumentAuthor: true })).token}` });

/** The check-in fixture with an html element added as survey.pages[0].elements[3]. */
function withNote(id: string, html: { en: string; cy: string }) {
  const { contentHash: _hash, ...file } = checkInInstrument({ id });
  const survey = structuredClone(file.survey) as { pages: { elements: unknown[] }[] };
  survey.pages[0]!.elements.push({ type: 'html', name: 'note', html });
  return { ...file, survey };
}

async function newStudy(studyId: string, supportUrls: string[]) {
  const created = await callRoute('POST', '/api/studies', {
    headers: await asAuthor(),
    body: {
      studyId,
      title: t('Markup study'),
      supportContacts: supportUrls.map((url) => ({ name: t('Helpline'), description: t('Someone to talk to'), url })),
      attributes: [],
      consent: { version: 'v1', text: t('Do you agree?') },
    },
  });
  expect(created.status).toBe(201);
}

const day = 24 * 3600_000;
const addWave = async (studyId: string, instrumentId: string) =>
  callRoute('POST', `/api/studies/${studyId}/waves`, {
    headers: await asAuthor(),
    body: {
      waveId: 'baseline',
      name: t('Baseline'),
      ordinal: 0,
      window: { kind: 'fixed', opensAt: new Date(Date.now() - day).toISOString(), closesAt: new Date(Date.now() + 30 * day).toISOString() },
      instruments: [{ id: instrumentId, version: '1.0.0' }],
      consentVersion: 'v1',
    },
  });

describe('publishing an instrument with HTML outside the allow-list', () => {
  it('answers 422 naming the path of a <form> in an html element, and publishes nothing', async () => {
    const file = withNote('markup-form', both('<p>Hello</p>', '<form action="https://collect.example/"><p>Cyfrinair?</p></form>'));
    const before = await table.scanAll();

    const result = await callRoute('PUT', '/api/instruments/markup-form/versions/1.0.0', { body: file, headers: await asAuthor() });

    expect(result.status).toBe(422);
    expect(result.json.error.code).toBe('instrument_invalid');
    expect(result.json.error.details).toEqual([{ path: 'survey.pages[0].elements[3].html.cy', message: expect.stringMatching(/^<form> is not allowed/) }]);
    expect(await getInstrumentVersion('markup-form', '1.0.0')).toBeUndefined();
    expect(await table.scanAll()).toEqual(before);
  });
});

describe('creating a wave that pins an instrument with links', () => {
  it("refuses with 422 an instrument linking to a site none of the study's support contacts names, naming the instrument, the path and the origin", async () => {
    const linking = withNote('markup-links', both('<p><a href="https://www.meiccymru.org/">Meic</a></p>', '<p><a href="https://meic-help.example/login">Meic</a></p>'));
    await publishInstrumentVersion(checkInInstrument(linking), new Date().toISOString());
    await newStudy('markup-refused', ['https://www.meiccymru.org/', 'https://www.samaritans.org/']);

    const result = await addWave('markup-refused', 'markup-links');

    expect(result.status).toBe(422);
    expect(result.json.error.code).toBe('instrument_link_not_allowed');
    expect(result.json.error.details).toEqual([
      {
        path: 'instruments[0].survey.pages[0].elements[3].html.cy',
        message: expect.stringMatching(/^markup-links@1\.0\.0 links to https:\/\/meic-help\.example, which none of the study's support contacts names/),
      },
    ]);
    const waves = await callRoute('GET', '/api/studies', { headers: await asAuthor() });
    expect(waves.json.studies.find((s: { studyId: string }) => s.studyId === 'markup-refused').waves).toEqual([]);
  });

  it("runs an instrument whose links all go to sites the study's support contacts name", async () => {
    const linking = withNote('markup-helplines', both('<p><a href="https://www.meiccymru.org/">Meic</a></p>', '<p><a href="https://www.samaritans.org/cymru/">Samariaid</a></p>'));
    await publishInstrumentVersion(checkInInstrument(linking), new Date().toISOString());
    await newStudy('markup-allowed', ['https://www.meiccymru.org/', 'https://www.samaritans.org/']);

    const result = await addWave('markup-allowed', 'markup-helplines');

    expect(result.status).toBe(201);
  });
});
