/** The researcher tools, run as a researcher runs them: npm run pont -- … against a running embedded platform. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startPlatform, type Platform } from '../../infra/local/platform.js';
import { adminPasswordOf } from '../support/admin-password.js';

const exec = promisify(execFile);
const workDir = mkdtempSync(join(tmpdir(), 'pont-cli-'));
let platform: Platform;
let adminPassword: string;

beforeAll(async () => {
  // Announced where only these tests look, as npm start announces itself in .data.
  platform = await startPlatform({ port: 0, host: '127.0.0.1', seed: true, announceIn: join(workDir, 'announced') });
  adminPassword = await adminPasswordOf(platform);
});
afterAll(async () => {
  await platform?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function pont(args: string[], env: Record<string, string> = { PONT_URL: platform.url }): Promise<{ code: number; out: string; err: string }> {
  try {
    const { PONT_URL: _ignored, ...inherited } = process.env;
    const { stdout, stderr } = await exec(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, 'cli/pont.ts'), ...args], {
      env: { ...inherited, PONT_EMAIL: platform.adminEmail, PONT_PASSWORD: adminPassword, ...env },
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

/** A copy of a shipped instrument under a new id, saved where the layout expects it. */
function instrumentCopy(id: string, change: (file: any) => void = () => {}): string {
  const file = JSON.parse(readFileSync(join(REPO_ROOT, 'instruments/ons4/1.0.0.json'), 'utf8'));
  file.id = id;
  change(file);
  mkdirSync(join(workDir, id), { recursive: true });
  const path = join(workDir, id, '1.0.0.json');
  writeFileSync(path, JSON.stringify(file, null, 2));
  return path;
}

describe('npm run pont -- instrument validate', () => {
  it('passes a valid file with exit code 0', async () => {
    const result = await pont(['instrument', 'validate', instrumentCopy('cli-valid')]);

    expect(result.code).toBe(0);
    expect(result.out).toContain('cli-valid@1.0.0 is valid');
  });

  it('names each problem\'s JSON path and exits non-zero', async () => {
    const file = instrumentCopy('cli-broken', (f) => {
      delete f.title.cy;
      f.survey.pages[0].elements[0].visibleIf = '{a} = = 1';
    });

    const result = await pont(['instrument', 'validate', file]);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/title\.cy: /);
    expect(result.err).toMatch(/survey\.pages\[0\]\.elements\[0\]\.visibleIf: the expression/);
  });
});

describe('npm run pont -- instrument publish', () => {
  it('publishes once, then reports the same content as unchanged', async () => {
    const file = instrumentCopy('cli-publish');

    const first = await pont(['instrument', 'publish', file]);
    const second = await pont(['instrument', 'publish', file]);

    expect(first.code).toBe(0);
    expect(first.out).toContain('Published cli-publish@1.0.0');
    expect(second.code).toBe(0);
    expect(second.out).toContain('already published with this content');
  });

  it('finds the platform running on this machine, on its own port, without PONT_URL', async () => {
    const result = await pont(['instrument', 'publish', instrumentCopy('cli-found')], { PONT_DATA_DIR: join(workDir, 'announced') });

    expect(platform.url).not.toBe('http://localhost:3000');
    expect(result.err).toBe('');
    expect(result.out).toContain('Published cli-found@1.0.0');
  });

  it('refuses changed content under a published version', async () => {
    const file = instrumentCopy('cli-immutable');
    await pont(['instrument', 'publish', file]);
    instrumentCopy('cli-immutable', (f) => (f.title.en = 'Changed'));

    const result = await pont(['instrument', 'publish', file]);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/already published with different content/);
  });
});

describe('npm run pont -- instrument diff', () => {
  it('compares two versions in instruments/', async () => {
    const result = await pont(['instrument', 'diff', 'ons4@1.0.0', 'ons4@1.0.0']);

    expect(result.code).toBe(0);
    expect(result.out).toMatch(/life_satisfaction: comparable/);
  });

  it('says clearly when a version does not exist', async () => {
    const result = await pont(['instrument', 'diff', 'ons4@1.0.0', 'ons4@9.9.9']);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/ons4@9\.9\.9: \(file\): no such file/);
  });
});

describe('npm run pont -- export', () => {
  it('downloads an anonymised dataset package through the API into the folder given', async () => {
    const out = join(workDir, 'exports');

    const result = await pont(['export', 'demo', '--out', out, '--k', '5']);

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const saved = /✓ (\S+\.zip)/.exec(result.out)?.[1];
    expect(saved).toBeDefined();
    const { readZip } = await import('../support/zip-and-csv.js');
    const files = await readZip(saved!);
    expect([...files.keys()].sort()).toEqual(['README.txt', 'codebook.csv', 'codebook.json', 'load.R', 'load.sps', 'responses_long.csv', 'responses_wide.csv', 'scores.csv']);
  });

  it('explains a bad option instead of starting an export', async () => {
    const result = await pont(['export', 'demo', '--out', workDir, '--k', 'five']);

    expect(result.code).toBe(2);
    expect(result.err).toContain('--k must be a whole number');
  });
});
