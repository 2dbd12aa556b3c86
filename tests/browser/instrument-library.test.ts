/**
 * Issue #22's walk-through, as a new researcher does it: `npm start --
 * --in-memory` on a port of its own, then the console only. Publish an
 * instrument by upload (a file with problems first: refused, each problem
 * with its place), preview it in Welsh, compare two versions, publish the
 * next version with `npm run pont -- instrument publish` (no PONT_URL: the
 * tool finds the running platform), set up a study whose baseline and
 * +182-day follow-up are chosen from the library, import participants, print
 * their link slips, and see the follow-up marked not yet open. And the
 * co-production loop: a draft shared through a review link, a reviewer's
 * comment on one question in Welsh that the author sees beside it, and the
 * link opening nothing once it has expired.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { testInstrumentFile } from '../support/instrument-file.js';

const REPO_ROOT = join(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'pont-library-'));
let started: ChildProcess;
let url = '';
let adminEmail = '';
let temporaryPassword = '';
let browser: Browser;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `npm start -- --in-memory`, exactly as the README says, on a free port; resolves once it prints how to sign in. */
async function npmStart(port: number): Promise<void> {
  started = spawn('npm', ['start', '--', '--in-memory'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), PONT_DATA_DIR: dataDir, PONT_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not get ready:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const signIn = /Sign in as (\S+) with the temporary password (\S+)/.exec(output);
      const running = /Pont is running at (\S+)/.exec(output);
      if (signIn && running) {
        clearTimeout(timer);
        [, adminEmail, temporaryPassword] = signIn as unknown as [string, string, string];
        url = running[1]!;
        resolve();
      }
    };
    started.stdout!.on('data', read);
    started.stderr!.on('data', read);
    started.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

/** `npm run pont -- …` as a researcher types it, told only where the platform's data folder is (as `npm start` was). */
function pont(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'pont', '--', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, PONT_DATA_DIR: dataDir, PONT_URL: '', PONT_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  [browser] = await Promise.all([launchChromium(), freePort().then(npmStart)]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (started?.pid && started.exitCode === null) {
    // The whole group: npm, the platform and its DynamoDB Local.
    const exited = new Promise((resolve) => started.once('exit', resolve));
    process.kill(-started.pid, 'SIGINT');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const QUESTIONS = {
  pages: [
    {
      name: 'voice',
      elements: [
        { type: 'rating', name: 'heard', title: { en: 'How well did your adviser listen to you?', cy: "Pa mor dda wnaeth eich ymgynghorydd wrando arnoch chi?" }, isRequired: true, rateMin: 1, rateMax: 5 },
        { type: 'comment', name: 'anything_else', title: { en: 'Anything else?', cy: 'Unrhyw beth arall?' } },
      ],
    },
  ],
};

const voice = (version: string, extra: Record<string, unknown> = {}) =>
  testInstrumentFile({ id: 'youth-voice', version, title: { en: 'Youth voice', cy: 'Llais ieuenctid' }, survey: QUESTIONS, ...extra });

/** Where a researcher keeps it: instruments/<id>/<version>.json (the command line insists; an upload takes any name). */
function writeInstrument(name: string, content: unknown): string {
  const file = join(dataDir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

describe('the instrument library, from a fresh npm start -- --in-memory', () => {
  it('publishes by upload, previews in Welsh, compares, and sets up a study from the library', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();

    // Sign in with the printed temporary password, and choose one's own.
    await page.goto(`${url}/console`);
    await page.getByLabel('Email').fill(adminEmail);
    await page.getByLabel('Password').fill(temporaryPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const password = 'library walk-through passphrase';
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('New password again').fill(password);
    await page.getByRole('button', { name: 'Save password and sign in' }).click();
    await page.getByRole('heading', { name: 'Studies' }).waitFor();

    // The library lists what Pont ships, published at the first start.
    await page.getByRole('link', { name: 'Instrument library' }).click();
    await page.getByRole('heading', { name: 'Instrument library' }).waitFor();
    const ons4 = page.getByRole('table', { name: 'Published versions of ons4' });
    await ons4.getByRole('cell', { name: '1.0.0', exact: true }).waitFor();
    await ons4.getByRole('row', { name: /^1\.0\.0 / }).getByText('by Pont').waitFor();

    // A file with problems is refused, each problem with its place in the file; nothing is published.
    const bad = voice('1.0.0', { title: { en: 'Youth voice' }, survey: { pages: [{ name: 'p', elements: [{ type: 'file', name: 'photo', title: { en: 'A photo', cy: 'Llun' } }] }] } });
    await page.getByLabel('Instrument file', { exact: true }).setInputFiles(writeInstrument('bad.json', bad));
    await page.getByRole('button', { name: 'Publish' }).click();
    const problems = page.getByRole('form', { name: 'Publish a version' }).getByRole('alert');
    await problems.getByText(/^title\.cy: /).waitFor();
    await problems.getByText(/^survey\.pages\[0\]\.elements\[0\].*file/).waitFor();
    expect(await page.getByRole('table', { name: 'Published versions of youth-voice' }).count()).toBe(0);

    // The corrected file is published and listed, with who published it.
    await page.getByLabel('Instrument file', { exact: true }).setInputFiles(writeInstrument('good.json', voice('1.0.0')));
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published youth-voice 1.0.0.').waitFor();
    const youthVoice = page.getByRole('table', { name: 'Published versions of youth-voice' });
    await youthVoice.getByText(`by ${adminEmail}`).waitFor();
    await youthVoice.getByRole('cell', { name: 'English: official (the owner\'s own) Welsh: draft, not yet reviewed' }).waitFor();

    // Previewed in Welsh, exactly as the survey page shows it; nothing is saved.
    await page.getByRole('button', { name: 'Cymraeg preview of youth-voice 1.0.0' }).click();
    const preview = page.getByRole('region', { name: /^Preview: Llais ieuenctid/ });
    await preview.getByText('Pa mor dda wnaeth eich ymgynghorydd wrando arnoch chi?').waitFor();
    await preview.getByRole('button', { name: 'English' }).click();
    await page.getByRole('region', { name: /^Preview: Youth voice/ }).getByText('How well did your adviser listen to you?').waitFor();

    // The next version, published from the command line against this platform, found without PONT_URL.
    const next = voice('1.1.0', { survey: { pages: [{ ...QUESTIONS.pages[0]!, elements: [{ ...QUESTIONS.pages[0]!.elements[0]!, title: { en: 'How well did your adviser listen?', cy: 'Pa mor dda wnaeth eich ymgynghorydd wrando?' } }] }] } });
    const published = await pont(['instrument', 'publish', writeInstrument('instruments/youth-voice/1.1.0.json', next)], { PONT_EMAIL: adminEmail, PONT_PASSWORD: password });
    expect(published.output).toContain('youth-voice@1.1.0');
    expect(published.code).toBe(0);

    // Two versions compare as `instrument diff` compares them.
    await page.reload();
    const card = page.getByRole('region', { name: /^Youth voice/ });
    await card.getByRole('cell', { name: '1.1.0', exact: true }).waitFor();
    await card.getByRole('button', { name: 'Compare' }).click();
    await card.getByText('youth-voice@1.0.0 → youth-voice@1.1.0').waitFor();
    await card.getByText('heard: reworded (title)').waitFor();
    // anything_else was dropped from 1.1.0.
    await card.getByText('anything_else: removed').waitFor();

    // Co-production: the next draft goes to the advisory group through a review link, before anyone answers it.
    const draft = voice('1.2.0', { survey: next.survey });
    await page.getByLabel('Draft instrument file').setInputFiles(writeInstrument('draft.json', draft));
    await page.getByLabel('The link works for (days)').fill('7');
    await page.getByRole('button', { name: 'Share for review' }).click();
    const reviewUrl = await page.locator('a.review-link').textContent();
    expect(reviewUrl).toMatch(new RegExp(`^${url}/review/[A-Za-z0-9_-]{24}$`));

    // A reviewer, with no account, reads it in Welsh and comments on one question in Welsh.
    const reviewerContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const reviewer = await reviewerContext.newPage();
    await reviewer.goto(reviewUrl!);
    await reviewer.getByRole('button', { name: 'Cymraeg' }).click();
    await reviewer.getByText('Pa mor dda wnaeth eich ymgynghorydd wrando?').first().waitFor();
    await reviewer.getByLabel('Am beth mae eich sylw?').selectOption({ label: 'Pa mor dda wnaeth eich ymgynghorydd wrando?' });
    await reviewer.getByLabel('Eich sylw', { exact: true }).fill("Byddai'n well gofyn am y gweithiwr, nid yr ymgynghorydd");
    await reviewer.getByRole('button', { name: 'Anfon sylw' }).click();
    await reviewer.getByText('Diolch. Cafodd eich sylw ei anfon.', { exact: false }).waitFor();

    // The author sees it beside that question.
    await page.reload();
    await page.getByRole('button', { name: /^Show comments on youth-voice 1\.2\.0/ }).click();
    const heard = page.getByRole('region', { name: 'Comments on youth-voice 1.2.0' }).getByRole('listitem', { name: 'Question heard' });
    await heard.getByText("Byddai'n well gofyn am y gweithiwr, nid yr ymgynghorydd").waitFor();
    await heard.getByText('No name given, in Welsh', { exact: false }).waitFor();

    // Once the link has expired it opens nothing (its expiry moved to the past in the platform's own table).
    const announced = JSON.parse(readFileSync(join(dataDir, 'platform.json'), 'utf8')) as { dynamodbEndpoint: string; tableName: string };
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: announced.dynamodbEndpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    const drafts = await dynamo.send(new ScanCommand({ TableName: announced.tableName, FilterExpression: '#type = :draft', ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: { ':draft': 'draft' } }));
    for (const item of drafts.Items ?? []) {
      await dynamo.send(new UpdateCommand({ TableName: announced.tableName, Key: { PK: item.PK, SK: item.SK }, UpdateExpression: 'SET reviewUntil = :past', ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() } }));
    }
    dynamo.destroy();
    await reviewer.reload();
    await reviewer.getByRole('heading', { name: 'This review has finished' }).waitFor();
    expect(await reviewer.getByLabel('Your comment', { exact: true }).count()).toBe(0);
    await reviewerContext.close();

    // A study whose waves are chosen from the library.
    await page.getByRole('link', { name: '← Studies' }).click();
    await page.getByRole('button', { name: 'New study' }).click();
    await page.getByLabel('Study id').fill('voice-study');
    await page.getByLabel('Title (English)').fill('Being heard');
    await page.getByLabel('Title (Welsh)').fill('Cael eich clywed');
    await page.getByLabel('Consent version').fill('v1');
    await page.getByLabel('Consent text (English)').fill('Do you agree to take part?');
    await page.getByLabel('Consent text (Welsh)').fill("Ydych chi'n cytuno i gymryd rhan?");
    await page.getByRole('button', { name: 'Create study' }).click();
    await page.getByRole('heading', { name: /Being heard/ }).waitFor();

    const now = Date.now();
    const local = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Wave id').fill('baseline');
    await page.getByLabel('Name (English)').fill('Baseline');
    await page.getByLabel('Name (Welsh)').fill('Llinell sylfaen');
    await page.getByLabel('Opens at').fill(local(new Date(now - 3600_000)));
    await page.getByLabel('Closes at').fill(local(new Date(now + 30 * 24 * 3600_000)));
    await page.getByRole('checkbox', { name: /\(youth-voice\)/ }).check();
    // The newest version is offered first; the baseline runs 1.0.0.
    expect(await page.getByLabel('Version of youth-voice').inputValue()).toBe('1.1.0');
    await page.getByLabel('Version of youth-voice').selectOption('1.0.0');
    await page.getByRole('button', { name: 'Add wave' }).click();
    await page.getByText('Wave baseline created.').waitFor();

    await page.getByLabel('Wave id').fill('six-months');
    await page.getByLabel('Name (English)').fill('Six months');
    await page.getByLabel('Name (Welsh)').fill('Chwe mis');
    await page.getByLabel('Relative to each participant').check();
    await page.getByLabel(/Opens after/).fill('182');
    await page.getByLabel('Open for (days)').fill('42');
    // The choice is kept from the last wave: the follow-up runs the newest version.
    await page.getByLabel('Version of youth-voice').selectOption('1.1.0');
    await page.getByRole('button', { name: 'Add wave' }).click();
    await page.getByText('Wave six-months created.').waitFor();
    // Comparability is checked across the waves: the reworded item is flagged.
    const waves = page.getByRole('table', { name: /^Waves of/ });
    await waves.getByRole('row', { name: /Baseline/ }).getByRole('cell', { name: 'youth-voice@1.0.0' }).waitFor();
    await waves.getByRole('row', { name: /Six months/ }).getByRole('cell', { name: 'youth-voice@1.1.0' }).waitFor();

    // Participants, and their slips.
    const codes = ['voice-001', 'voice-002', 'voice-003'];
    await page.getByLabel('Or paste the CSV').fill(['participant_code', ...codes].join('\n'));
    await page.getByRole('button', { name: 'Import participants' }).click();
    await page.getByText('Imported 3 participants.').waitFor();
    await page.getByRole('button', { name: 'Issue links for Baseline' }).click();
    await page.getByText('3 links issued.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Print link sheet' }).click();
    await expect.poll(() => page.locator('svg.console-qr').count()).toBe(3);
    await page.getByText("Scan or type this link to take part. It's just for you.").first().waitFor();
    await page.getByRole('button', { name: 'Back to the study' }).click();

    // The follow-up has not opened for anyone: it says so rather than "0%".
    await page.getByText('Retention from baseline: not yet open (it opens for each participant a set time after their baseline)').waitFor();
    await context.close();
  });
});
