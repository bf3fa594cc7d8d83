import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// README examples are extracted to readme-examples/ (scripts/readme-examples.mjs), type-checked by the
// package's typecheck task, and run here: the README cannot drift from the code.
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [fileURLToPath(new URL('../../../scripts/readme-examples.mjs', import.meta.url)), pkgDir]);
const examples = readdirSync(new URL('../readme-examples/', import.meta.url)).filter((f) => f.endsWith('.ts')).sort();

describe('README examples', () => {
  it('has at least one', () => expect(examples.length).toBeGreaterThan(0));

  it.each(examples)('%s runs', async (file) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import(/* @vite-ignore */ new URL(`../readme-examples/${file}`, import.meta.url).href);
    // the first example fits a RealNVP to a Gaussian with entropy 1 + log 2π + log|det A| = 2.33 nats
    // (A = [[1, 0.8], [0, 0.6]]) and prints [nll, sample shape, round-trip error]
    if (file === 'example-1.ts') {
      const [nll, shape, roundTrip] = log.mock.calls[0] as [number, number[], number];
      expect(nll).toBeLessThan(2.6);
      expect(nll).toBeGreaterThan(2.1);
      expect(shape).toEqual([1000, 2]);
      expect(roundTrip).toBeLessThan(1e-4);
    }
    log.mockRestore();
  });
});
