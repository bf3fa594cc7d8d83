// The golden test files import their package's sources ('./normal.js'); the redirect hands them the built dist
// instead. Only internal helpers the dist does not export may still come from source: this pins that list, so a
// test that starts reaching into sources (and would silently skip the dist) shows up here.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distEntries, distExports, sourceExports } from '../src/dist-redirect.js';
import { peerRangeTestFiles } from '../src/golden-files.js';
import { repoRoot } from '../src/tfjs.js';

describe('golden suites run against the built dist', () => {
  const files = peerRangeTestFiles(repoRoot);

  it('finds the golden test files of every package and the fix tests (33 files)', () => {
    expect(files.length).toBeGreaterThanOrEqual(33);
  });

  it('takes every imported name from a published dist entry (index, testing, node), except three internal helpers', () => {
    const fromSource: string[] = [];
    for (const f of files) {
      const pkg = f.split('/')[1]!;
      const dist = new Set(distEntries(join(repoRoot, 'packages', pkg)).flatMap((e) => [...distExports(e)]));
      const text = readFileSync(join(repoRoot, f), 'utf8');
      for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(\.\/[^']+)'/g)) {
        const src = resolve(dirname(join(repoRoot, f)), m[2]!.replace(/\.js$/, '.ts'));
        const exported = sourceExports(src);
        for (const name of m[1]!.split(',').map((s) => s.trim()).filter((s) => s && !s.startsWith('type '))) {
          expect(exported.has(name), `${f}: ${name} is not found among ${m[2]}'s exports`).toBe(true);
          if (!dist.has(name)) fromSource.push(`${pkg}:${name}`);
        }
      }
    }
    expect([...new Set(fromSource)].sort()).toEqual(['flows:rqSpline', 'flows:splineKnots', 'gumbel:gumbelFromUniform']);
  });
});
