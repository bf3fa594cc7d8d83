import { describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './golden.js';
import { join } from 'node:path';

/**
 * Extracts the ```ts blocks of the README of the package that holds `testFileUrl` (a test in its src/) into
 * `readme-examples/example-N.ts` with scripts/readme-examples.mjs, and returns their file names in order.
 * The package's typecheck task type-checks them; its readme test imports each one to run it.
 */
export function readmeExamples(testFileUrl: string): string[] {
  const pkgDir = fileURLToPath(new URL('..', testFileUrl));
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'readme-examples.mjs'), pkgDir]);
  return readdirSync(join(pkgDir, 'readme-examples')).filter((f) => f.endsWith('.ts')).sort();
}

/**
 * The README test every package runs: extracts the package's README examples, asserts there is at least
 * one, imports each to run it with `console.log` captured, and hands the first logged call's arguments to
 * `checks[file]` (e.g. `'example-1.ts'`), so each package states only what its examples must print.
 */
export function describeReadmeExamples(testFileUrl: string, checks: Record<string, (logged: unknown[]) => void> = {}): void {
  const examples = readmeExamples(testFileUrl);
  describe('README examples', () => {
    it('has at least one', () => expect(examples.length).toBeGreaterThan(0));
    it.each(examples)('%s runs', async (file) => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await import(/* @vite-ignore */ new URL(`../readme-examples/${file}`, testFileUrl).href);
        checks[file]?.(log.mock.calls[0] ?? []);
      } finally {
        log.mockRestore();
      }
    });
    it('every check names an existing example', () => expect(Object.keys(checks).filter((f) => !examples.includes(f))).toEqual([]));
  });
}
