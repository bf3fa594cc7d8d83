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
    // the first example trains a denoiser on N(1, 0.5²) and prints [loss, sample mean]
    if (file === 'example-1.ts') {
      const [loss, mean] = log.mock.calls[0] as [number, number[]];
      expect(loss).toBeLessThan(1); // an untrained ε-predictor scores ≈ 1 or more
      expect(mean.every((m) => Math.abs(m - 1) < 0.35)).toBe(true);
    }
    log.mockRestore();
  });
});
