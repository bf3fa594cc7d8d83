import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import { evaluateElbo, evaluateIwae, meanSe, perRow } from './evaluate.js';
import { discreteVae, gaussianVae } from './models.js';
import { stochasticBinarize } from './binarize.js';

// tiny models on 784 pixels (the decoders are 784 wide), 30 synthetic grey images binarized by the protocol's hash
const rows = 30;
const x = stochasticBinarize(new Uint8Array(rows * 784).map((_, i) => (i * 37) % 256), 1);
const models = [gaussianVae(2, 8), discreteVae(2, 3, () => 1, 4, 8)];
afterAll(() => models.forEach((m) => m.dispose()));

/** sd/√N from Σv and Σv² (a different formula from meanSe's two passes), float64. */
function seBySums(v: ArrayLike<number>): number {
  let s = 0, s2 = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i]!;
    s2 += v[i]! ** 2;
  }
  const n = v.length;
  return Math.sqrt((s2 - (s * s) / n) / (n - 1) / n);
}

describe('meanSe', () => {
  it('is the mean and sd/√N with the N − 1 divisor', () => {
    const r = meanSe([1, 2, 3, 4]);
    expect(r.mean).toBe(2.5);
    expect(r.se).toBeCloseTo(Math.sqrt(5 / 3) / 2, 14);
    expect(r.n).toBe(4);
    expect(meanSe([7]).se).toBe(0);
    expect(() => meanSe([])).toThrow(/no values/);
  });
});

describe.each(models.map((m) => [m.name, m] as const))('evaluation of the %s', (_, model) => {
  it('ELBO: per-image values in chunks, seeded per chunk, leak-free; mean ± SE = sd/√N', () => {
    const r = expectNoLeaks(() => evaluateElbo(model, x, rows, { seed: 3, chunk: 7 }));
    expect(r.n).toBe(rows);
    // each chunk is the model's own testElbo on those rows with the chunk's seed
    for (let i = 0, s = 0; s < rows; s += 7, i++) {
      const m = Math.min(7, rows - s);
      const direct = tf.tidy(() => model.testElbo(tf.tensor2d(x.subarray(s * 784, (s + m) * 784), [m, 784]), 3 + i).dataSync());
      expect(Array.from(r.values.subarray(s, s + m))).toEqual(Array.from(direct));
    }
    expect(r.mean).toBeCloseTo(r.values.reduce((a, b) => a + b, 0) / rows, 9);
    expect(r.se).toBeCloseTo(seBySums(r.values), 9);
    expect(r.se).toBeGreaterThan(0);
    expect(r.mean).toBeLessThan(0);
    // the same seed and chunking reproduce it
    expect(evaluateElbo(model, x, rows, { seed: 3, chunk: 7 }).values).toEqual(r.values);
  });

  it('IWAE: NLL = −mean L_k ± sd/√N, leak-free, and below the ELBO\'s −mean (L_k ≥ L_1 in expectation)', () => {
    const iw = expectNoLeaks(() => evaluateIwae(model, x, rows, { k: 64, seed: 5 }));
    expect(iw.k).toBe(64);
    expect(iw.n).toBe(rows);
    expect(iw.nll).toBeCloseTo(-iw.values.reduce((a, b) => a + b, 0) / rows, 9);
    expect(iw.se).toBeCloseTo(seBySums(iw.values), 9);
    const el = evaluateElbo(model, x, rows, { seed: 5 });
    // per image, L_64 − L_1 has mean ≥ 0; with 30 images the paired difference is well above 0 for an untrained model
    expect(iw.nll).toBeLessThan(-el.mean);
    expect(Number.isFinite(iw.nll)).toBe(true);
  });
});

describe('perRow', () => {
  it('rejects a bad chunk or a wrong length, and a function that returns the wrong count, without leaking', () => {
    expect(() => perRow(x, 11, 2, (xb) => tf.sum(xb, 1))).toThrow(/must hold rows = 11 equal rows/);
    expect(() => perRow(x, rows, 0, (xb) => tf.sum(xb, 1))).toThrow(/chunk must be an integer ≥ 1, got 0/);
    const before = tf.memory().numTensors;
    expect(() => perRow(x, rows, 4, (xb) => tf.sum(xb))).toThrow(/returned 1 values for a chunk of 4 rows/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => evaluateIwae(models[0]!, x, rows, { k: 0 })).toThrow(/k must be an integer ≥ 1, got 0/);
  });
});
