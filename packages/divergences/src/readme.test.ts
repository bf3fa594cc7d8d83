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
    // the first example prints [kl, klPQ, js, w1, mmd2]
    if (file === 'example-1.ts') {
      const [kl, klPQ, js, w1, mmd2] = log.mock.calls[0] as [number[], number, number, number, number];
      expect(kl[0]).toBeCloseTo(0.5 * (0.25 - Math.log(0.25)), 5); // dim 1 contributes 0, dim 2 ½(σ² − 1 − log σ² + μ²)
      expect(klPQ).toBeCloseTo(0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1), 5);
      expect(js).toBeCloseTo(1, 6);
      expect(w1).toBeCloseTo(5, 6);
      expect(mmd2).toBeGreaterThan(0.1);
    }
    log.mockRestore();
  });
});
