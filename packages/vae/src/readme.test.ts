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
    // the first example trains a small VAE and prints [loss before, loss after, IWAE ≥ ELBO, perplexity]
    if (file === 'example-1.ts') {
      const [before, after, iwaeAboveElbo, perplexity] = log.mock.calls[0] as [number, number, boolean, number];
      expect(after).toBeLessThan(before);
      expect(iwaeAboveElbo).toBe(true);
      expect(perplexity).toBeGreaterThan(1);
    }
    // the second trains a causal-attention prior on code sequences: [bits before, bits after, valid samples, min KL]
    if (file === 'example-2.ts') {
      const [before, after, valid, minKl] = log.mock.calls[0] as [number, number, number, number];
      expect(before).toBeGreaterThan(1.5);
      expect(after).toBeLessThan(0.5);
      expect(valid).toBeGreaterThan(12);
      expect(Number.isFinite(minKl)).toBe(true);
    }
    log.mockRestore();
  });
});
