/** npm start rebuilds the web app only when something it is built from changed (web/build/build-if-changed.ts). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sourcesHash } from '../../web/build/build-if-changed.js';

const root = mkdtempSync(join(tmpdir(), 'pont-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('what the web app is built from', () => {
  write('web/src/main.tsx', 'export {}');
  write('functions/contracts/common.ts', 'export const a = 1;');
  write('package-lock.json', '{}');
  const before = sourcesHash(root);

  it('does not include the build output or unrelated folders', () => {
    write('web/dist/assets/index.js', 'built');
    write('docs/notes.md', 'words');
    expect(sourcesHash(root)).toBe(before);
  });

  it('changes with the web app’s own sources, the contracts it imports and the pinned packages', () => {
    const hashes = new Set([before]);
    write('web/src/main.tsx', 'export const changed = true;');
    hashes.add(sourcesHash(root));
    write('functions/contracts/common.ts', 'export const a = 2;');
    hashes.add(sourcesHash(root));
    write('package-lock.json', '{"lockfileVersion":3}');
    hashes.add(sourcesHash(root));
    write('web/src/renamed.tsx', 'export const changed = true;');
    hashes.add(sourcesHash(root));
    expect(hashes.size).toBe(5);
  });
});
