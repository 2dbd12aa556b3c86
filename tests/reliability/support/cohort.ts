/**
 * A simulated cohort of care leavers answering the demo study's baseline
 * (ONS4) through the API, and the checks that nothing they were told was
 * saved went missing or was stored twice.
 *
 * Participants are enrolled as a researcher would: the admin imports a CSV
 * and issues links for a link sheet.
 */
import { isDeepStrictEqual } from 'node:util';
import { DEMO_CONSENT_VERSION, DEMO_STUDY_ID, DEMO_WAVE_ID } from '../../../infra/local/seed.js';
import { TEST_ADMIN_PASSWORD } from '../../support/admin-password.js';
import type { RetryingClient } from './faulty-client.js';

type Language = 'en' | 'cy';
type Answers = Record<string, number>;
export type Save = { answers: Answers; language: Language; complete: boolean; pageName: string };

/** What one respondent will do: open, consent, autosave as they answer, maybe submit (maybe twice at once). */
export type Plan = {
  participantCode: string;
  token: string;
  consentLanguage: Language;
  saves: Save[];
  doubleSubmit: boolean;
};

export const INSTRUMENT_ID = 'ons4';
const ITEMS = ['ons4_life_satisfaction', 'ons4_worthwhile', 'ons4_happiness', 'ons4_anxiety'];
const PAGE = 'wellbeing';

/** Signs the admin in with the password the tests chose (tests/support/admin-password.ts). */
export async function signInAdmin(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_ADMIN_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`Admin sign-in failed: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** Imports the participants into the demo study and issues their baseline links; returns each one's token. */
export async function enrol(url: string, adminToken: string, participantCodes: string[]): Promise<Map<string, string>> {
  const auth = { authorization: `Bearer ${adminToken}` };
  const imported = await fetch(`${url}/api/studies/${DEMO_STUDY_ID}/participants/import`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: ['participant_code', ...participantCodes].join('\n'),
  });
  if (imported.status !== 201) throw new Error(`Import failed: HTTP ${imported.status} ${await imported.text()}`);
  const issued = await fetch(`${url}/api/studies/${DEMO_STUDY_ID}/waves/${DEMO_WAVE_ID}/links`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ participantCodes, reissue: false }),
  });
  if (issued.status !== 200) throw new Error(`Issuing links failed: HTTP ${issued.status} ${await issued.text()}`);
  const { links } = (await issued.json()) as { links: { participantCode: string; path: string }[] };
  return new Map(links.map((link) => [link.participantCode, link.path.replace('/s/', '')]));
}

/**
 * Random but replayable plans: 1–4 autosaves (one more answer each), a 30%
 * chance of switching language before each save, 80% submit, and a quarter of
 * those submit twice at once (a double tap).
 */
export function planCohort(tokens: Map<string, string>, random: () => number): Plan[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  return [...tokens].map(([participantCode, token]) => {
    let language: Language = pick(['en', 'cy'] as const);
    const consentLanguage = language;
    const submits = random() < 0.8;
    const answered = submits ? 1 + Math.floor(random() * 4) : 1 + Math.floor(random() * 3);
    const answers: Answers = {};
    const saves: Save[] = [];
    for (let i = 0; i < answered; i += 1) {
      if (random() < 0.3) language = language === 'en' ? 'cy' : 'en';
      answers[ITEMS[i]!] = Math.floor(random() * 11);
      saves.push({ answers: { ...answers }, language, complete: false, pageName: PAGE });
    }
    if (submits) {
      if (random() < 0.3) language = language === 'en' ? 'cy' : 'en';
      for (const item of ITEMS) answers[item] ??= Math.floor(random() * 11);
      saves.push({ answers: { ...answers }, language, complete: true, pageName: PAGE });
    }
    return { participantCode, token, consentLanguage, saves, doubleSubmit: submits && random() < 0.25 };
  });
}

/** What the server has acknowledged to one respondent so far. */
export type Outcome = { plan: Plan; consented: boolean; acknowledged: Save[]; finished: boolean; error?: unknown };

/** Runs one respondent's plan, recording in `outcome` each save as the server acknowledges it. */
async function runRespondent(client: RetryingClient, outcome: Outcome, thinkMs: () => number): Promise<void> {
  const { plan } = outcome;
  const base = `/api/s/${plan.token}`;
  const think = () => new Promise((done) => setTimeout(done, thinkMs()));
  try {
    const opened = await client.send('GET', base);
    if (opened.json.instruments?.[0]?.id !== INSTRUMENT_ID) throw new Error(`The link opened something unexpected: ${JSON.stringify(opened.json).slice(0, 200)}`);
    await think();
    await client.send('POST', `${base}/consent`, { version: DEMO_CONSENT_VERSION, decision: 'agreed', language: plan.consentLanguage });
    outcome.consented = true;
    // Each save builds on the revision the last one was stored as, as the respondent page does.
    let revision = 0;
    for (const save of plan.saves) {
      await think();
      const body = { answers: save.answers, language: save.language, complete: save.complete, pageName: save.pageName, baseRevision: revision };
      const send = () => client.send('PUT', `${base}/responses/${INSTRUMENT_ID}`, body);
      const replies = await Promise.all(save.complete && plan.doubleSubmit ? [send(), send()] : [send()]);
      for (const reply of replies) {
        if (reply.json.status !== (save.complete ? 'complete' : 'partial')) throw new Error(`Save acknowledged with status ${reply.json.status}`);
        revision = reply.json.revision;
      }
      outcome.acknowledged.push(save);
    }
    outcome.finished = true;
  } catch (error) {
    outcome.error = error;
  }
}

/**
 * Starts every respondent, at most `concurrency` at a time. The outcomes are
 * filled in as the server acknowledges writes, so a test can look at them
 * while the cohort is still answering.
 */
export function startCohort(
  plans: Plan[],
  clientFor: (plan: Plan) => RetryingClient,
  options: { concurrency: number; thinkMs: () => number },
): { outcomes: Outcome[]; finished: Promise<void> } {
  const outcomes: Outcome[] = plans.map((plan) => ({ plan, consented: false, acknowledged: [], finished: false }));
  let next = 0;
  const lane = async () => {
    while (next < outcomes.length) {
      const outcome = outcomes[next++]!;
      await runRespondent(clientFor(outcome.plan), outcome, options.thinkMs);
    }
  };
  return { outcomes, finished: Promise.all(Array.from({ length: options.concurrency }, lane)).then(() => undefined) };
}

/** Acknowledged writes (consents and saves) so far, of all planned. */
export function acknowledgedShare(outcomes: Outcome[]): number {
  const done = outcomes.reduce((n, o) => n + (o.consented ? 1 : 0) + o.acknowledged.length, 0);
  const planned = outcomes.reduce((n, o) => n + 1 + o.plan.saves.length, 0);
  return done / planned;
}

/**
 * Reads back what is stored, through the API, and lists every way it differs
 * from what the respondents were told: each one's response must be their last
 * acknowledged save (so every acknowledged autosave is there, superseded only
 * by a later acknowledged one), with its language; exactly one response per
 * participant and wave; exactly one final response for each who submitted.
 */
export async function findProblems(url: string, adminToken: string, outcomes: Outcome[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { plan, error, finished } of outcomes) {
    if (!finished) problems.push(`${plan.participantCode} did not finish: ${error instanceof Error ? error.message : String(error)}`);
  }

  const listing = await fetch(`${url}/api/studies/${DEMO_STUDY_ID}/waves/${DEMO_WAVE_ID}/responses`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (listing.status !== 200) return [...problems, `Listing the wave's responses failed: HTTP ${listing.status}`];
  const { responses } = (await listing.json()) as { responses: { participantCode: string; instrumentId: string; status: string }[] };
  const stored = new Map<string, { status: string }[]>();
  for (const response of responses) stored.set(response.participantCode, [...(stored.get(response.participantCode) ?? []), response]);

  const reopen = async ({ plan, acknowledged }: Outcome) => {
    const last = acknowledged.at(-1);
    const mine = stored.get(plan.participantCode) ?? [];
    if (!last) {
      if (mine.length > 0) problems.push(`${plan.participantCode}: nothing was acknowledged, yet ${mine.length} responses are stored`);
      return;
    }
    if (mine.length !== 1) problems.push(`${plan.participantCode}: ${mine.length} responses stored for the wave, expected exactly 1`);
    const link = (await (await fetch(`${url}/api/s/${plan.token}`)).json()) as {
      consent: { decision: string | null };
      language: string | null;
      instruments: { response: { answers: Answers; status: string; language: string; pageName?: string; savedAt: string; revision: number } | null }[];
    };
    const { savedAt: _, revision: __, ...response } = link.instruments[0]?.response ?? { savedAt: null, revision: null };
    const expected = { answers: last.answers, status: last.complete ? 'complete' : 'partial', language: last.language, pageName: last.pageName };
    if (!isDeepStrictEqual(response, expected)) {
      problems.push(`${plan.participantCode}: stored ${JSON.stringify(response)}, last acknowledged ${JSON.stringify(expected)}`);
    }
    if (link.language !== last.language) problems.push(`${plan.participantCode}: language ${link.language}, last used ${last.language}`);
    if (link.consent.decision !== 'agreed') problems.push(`${plan.participantCode}: consent ${link.consent.decision}`);
  };
  for (let i = 0; i < outcomes.length; i += 16) await Promise.all(outcomes.slice(i, i + 16).map(reopen));

  const cohort = new Set(outcomes.map((o) => o.plan.participantCode));
  const finals = responses.filter((r) => cohort.has(r.participantCode) && r.status === 'complete').length;
  const submitters = outcomes.filter((o) => o.acknowledged.at(-1)?.complete).length;
  if (finals !== submitters) problems.push(`${finals} final responses stored for ${submitters} participants who submitted`);
  return problems;
}
