/**
 * The layout shows the architecture (issue #20): functions/ is Lambda code and
 * imports nothing outside it; the domain and the SROI engine are pure (no
 * storage, no HTTP, no AWS SDK); and no modules import each other in a loop.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importEdges, sourceFiles, type ImportEdge } from '../support/import-graph.js';

const ROOT = join(import.meta.dirname, '..', '..');
const files = sourceFiles(ROOT, ['functions', 'sroi', 'cli', 'infra', 'web/src', 'web/build', 'bench', 'tests']);
const edges = importEdges(ROOT, files);
const describeEdge = (edge: ImportEdge) => `${edge.from} → ${edge.to}`;
const packagesOf = (file: string) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/from\s+['"](@aws-sdk\/[^'"]+|aws-cdk-lib[^'"]*)['"]/g)].map((m) => m[1]);

describe('the import graph', () => {
  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(250);
    expect(edges.length).toBeGreaterThan(1000);
    expect(edges.some((e) => e.from === 'functions/handlers/open-link.ts' && e.to.startsWith('functions/http/'))).toBe(true);
  });

  it('keeps functions/ to what runs in Lambda: nothing in it imports from outside it', () => {
    const outward = edges.filter((e) => e.from.startsWith('functions/') && !e.to.startsWith('functions/'));
    expect(outward.map(describeEdge)).toEqual([]);
  });

  it('keeps the domain and the SROI engine pure: no storage, HTTP, handlers, mail or AWS SDK', () => {
    const impure = /^functions\/(storage|http|handlers|auth|notifications|exports|scheduled|workers|upgrades)\//;
    const pure = files.filter((f) => f.startsWith('functions/domain/') || f.startsWith('sroi/'));
    expect(pure.length).toBeGreaterThan(20);
    expect(edges.filter((e) => pure.includes(e.from) && impure.test(e.to)).map(describeEdge)).toEqual([]);
    expect(pure.flatMap((file) => packagesOf(file).map((p) => `${file} → ${p}`))).toEqual([]);
  });

  it('has no import loops, type-only imports included', () => {
    expect(importCycles(edges)).toEqual([]);
  });

  it('finds a loop when there is one, through any number of modules', () => {
    const loop: ImportEdge[] = [
      { from: 'a.ts', to: 'b.ts', typeOnly: false },
      { from: 'b.ts', to: 'c.ts', typeOnly: true },
      { from: 'c.ts', to: 'a.ts', typeOnly: false },
      { from: 'c.ts', to: 'd.ts', typeOnly: false },
    ];
    expect(importCycles(loop)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
