import { describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './golden.js';
import { join } from 'node:path';
import { runReadmeBlockAsMjs } from './readme-mjs.js';

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
 * one, runs each with `console.log` captured, and hands the first logged call's arguments to
 * `checks[file]` (e.g. `'example-1.ts'`), so each package states only what its examples must print.
 *
 * In the default (cpu) pass each block runs as plain JavaScript: types stripped with TypeScript's
 * `transpileModule`, written as an `.mjs` file and run by `node` in a child process (readme-mjs.ts), so
 * every example also works pasted into an `.mjs` file. In the `GENMOD_TEST_BACKEND=wasm` pass each runs
 * in-process as TypeScript (imported through Vite) on the wasm backend. The checks are the same in both.
 */
export function describeReadmeExamples(testFileUrl: string, checks: Record<string, (logged: unknown[]) => void> = {}): void {
  const examples = readmeExamples(testFileUrl);
  const pkgDir = fileURLToPath(new URL('..', testFileUrl));
  const asMjs = process.env.GENMOD_TEST_BACKEND !== 'wasm';
  describe('README examples', () => {
    it('has at least one', () => expect(examples.length).toBeGreaterThan(0));
    if (asMjs) {
      it.each(examples)('%s runs as plain JavaScript (types stripped, .mjs under node)', async (file) => {
        const index = Number(/example-(\d+)\.ts$/.exec(file)![1]) - 1;
        const logged = await runReadmeBlockAsMjs(pkgDir, index);
        checks[file]?.(logged ?? []);
      });
    } else {
      it.each(examples)('%s runs', async (file) => {
        const log = vi.spyOn(console, 'log').mockImplementation(() => {});
        try {
          await import(/* @vite-ignore */ new URL(`../readme-examples/${file}`, testFileUrl).href);
          checks[file]?.(log.mock.calls[0] ?? []);
        } finally {
          log.mockRestore();
        }
      });
    }
    it('every check names an existing example', () => expect(Object.keys(checks).filter((f) => !examples.includes(f))).toEqual([]));
  });
}
