import { describe, expect, it, vi } from 'vitest';
import { readmeExamples } from '@genmod-internal/testing';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code.
const examples = readmeExamples(import.meta.url);

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
