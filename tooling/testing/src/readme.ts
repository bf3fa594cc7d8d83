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
