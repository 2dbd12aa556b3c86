/**
 * `npm start` builds the web app only when something it is built from has
 * changed since the last build: a restart is then ready in seconds instead
 * of spending half a minute (on two busy cores) rebuilding the same files.
 *
 * What it is built from: everything under web/ but the output, the modules
 * it imports from the rest of the tree (functions/, sroi/), and the installed
 * packages as package-lock.json pins them. Their hash is kept in the output
 * folder, so a build that failed half-way (no stamp written) or a deleted
 * web/dist builds again.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
export const OUT_DIR = join(ROOT, 'web', 'dist');
/** Written by every build into web/dist (web/vite.config.ts), `npm run build:web` and `npm test`'s included. */
export const STAMP = join(OUT_DIR, '.built-from');
const INPUTS = ['web', 'functions', 'sroi', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** One hash of every file the web app is built from, names and contents. */
export function sourcesHash(root = ROOT): string {
  const hash = createHash('sha256');
  for (const file of inputFiles(root)) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function inputFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        if (full !== join(root, 'web', 'dist') && entry.name !== 'node_modules') walk(full);
      } else if (entry.isFile()) files.push(full);
    }
  };
  for (const input of INPUTS) {
    const full = join(root, input);
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) walk(full);
    else files.push(full);
  }
  return files.sort();
}

function buildIsCurrent(hash: string): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const hash = sourcesHash();
  if (buildIsCurrent(hash)) {
    console.log('The web app is up to date (nothing it is built from changed since its last build).');
  } else {
    // The build stamps web/dist itself (web/vite.config.ts).
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  }
}
