/** The tools find the embedded platform running on this machine, on whatever port, unless PONT_URL says otherwise. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { platformUrl } from '../../cli/api-session.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function dataDirWith(platform?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'pont-platform-'));
  dirs.push(dir);
  if (platform !== undefined) writeFileSync(join(dir, 'platform.json'), typeof platform === 'string' ? platform : JSON.stringify(platform));
  return dir;
}

const announced = { url: 'http://localhost:3401', dynamodbEndpoint: 'http://127.0.0.1:41234', tableName: 'pont', identityTableName: 'pont-identity' };

describe('where the tools reach Pont', () => {
  it('is the running embedded platform, on the port it announced', () => {
    expect(platformUrl({}, { PONT_DATA_DIR: dataDirWith(announced) })).toBe('http://localhost:3401');
  });

  it('is PONT_URL when it is set, whatever runs here', () => {
    expect(platformUrl({}, { PONT_DATA_DIR: dataDirWith(announced), PONT_URL: 'https://pont.example.org/' })).toBe('https://pont.example.org');
  });

  it('is the default port when nothing has announced itself, or the file is not one Pont wrote', () => {
    expect(platformUrl({}, { PONT_DATA_DIR: dataDirWith() })).toBe('http://localhost:3000');
    expect(platformUrl({}, { PONT_DATA_DIR: dataDirWith('{ not json') })).toBe('http://localhost:3000');
  });
});
