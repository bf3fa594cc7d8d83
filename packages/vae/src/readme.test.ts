import { expect } from 'vitest';
import { describeReadmeExamples } from '@genmod-internal/testing';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code.
describeReadmeExamples(import.meta.url, {
  // the first example trains a small VAE and prints [loss before, loss after, IWAE ≥ ELBO, perplexity]
  'example-1.ts': (logged) => {
    const [before, after, iwaeAboveElbo, perplexity] = logged as [number, number, boolean, number];
    expect(after).toBeLessThan(before);
    expect(iwaeAboveElbo).toBe(true);
    expect(perplexity).toBeGreaterThan(1);
  },
  // the second trains a causal-attention prior on code sequences: [bits before, bits after, valid samples, min KL]
  'example-2.ts': (logged) => {
    const [before, after, valid, minKl] = logged as [number, number, number, number];
    expect(before).toBeGreaterThan(1.5);
    expect(after).toBeLessThan(0.5);
    expect(valid).toBeGreaterThan(12);
    expect(Number.isFinite(minKl)).toBe(true);
  },
  // the third saves a VQ-VAE (layers encoder and decoder, quantizer, Adam) and resumes: [names, same next losses]
  'example-3.ts': (logged) => {
    const [names, same] = logged as [string[], boolean];
    expect(names).toEqual([
      'encoder/0', 'encoder/1', 'decoder/0', 'decoder/1',
      'quantizer/codebook', 'quantizer/clusterSize', 'quantizer/embedSum', 'quantizer/usageAverage', 'quantizer/updates', 'quantizer/randomState',
    ]);
    expect(same).toBe(true);
  },
});
