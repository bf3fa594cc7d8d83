// Which test files run on the oldest tfjs: the packages' golden suites (every test file that reads reference
// values: a package's test/golden.ts views, `loadGolden(…)`, or flows' spline reference), and the tests of the
// tfjs fixes in @genmod/backend that @genmod/adversarial depends on at run time (they patch tfjs's own gradient
// kernels, the code most tied to a tfjs version).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** The tests of the tfjs fixes (the fast matMul gradient, the higher-order-gradient fix) and their users. */
export const FIX_TEST_FILES = [
  'packages/backend/src/higher-order-gradients.test.ts',
  'packages/backend/src/matmul-gradient.test.ts',
  'packages/adversarial/src/higher-order-gradients.test.ts',
  'packages/adversarial/src/r1-penalty.test.ts',
];

/** Every test file the peer-range suite runs (those that exist: a missing fix test fails the version test). */
export function peerRangeTestFiles(repoRoot: string): string[] {
  return [...new Set([...goldenTestFiles(repoRoot), ...FIX_TEST_FILES.filter((f) => existsSync(join(repoRoot, f)))])].sort();
}
