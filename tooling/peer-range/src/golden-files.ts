// Which test files make up the packages' golden suites: those that read reference values (a package's
// test/golden.ts views, `loadGolden(…)`, or flows' spline reference).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const golden = /from '\.\.\/test\/golden\.js'|\bloadGolden\(|spline-reference/;

/** Repository-relative paths of every golden test file under packages/<name>/src, sorted. */
export function goldenTestFiles(repoRoot: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts') && golden.test(readFileSync(p, 'utf8'))) out.push(relative(repoRoot, p).split('\\').join('/'));
    }
  };
  const packages = join(repoRoot, 'packages');
  for (const name of readdirSync(packages)) walk(join(packages, name, 'src'));
  return out.sort();
}
