import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chiSquare, chiSquareCritical, expectClose, expectFinite, expectNoLeaks } from '@genmod-internal/testing';
import { GruGenerator, MlpDiscriminator } from './models.js';
import { deriveSeed } from '@genmod/reparam';

/** All K^T token sequences as an int32 tensor [K^T, T]. */
function allSequences(K: number, T: number): tf.Tensor {
  const rows = Array.from({ length: K ** T }, (_, code) => Array.from({ length: T }, (_, i) => Math.floor(code / K ** i) % K));
  return tf.tensor2d(rows, [K ** T, T], 'int32');
}

/** A small generator whose output law is far from uniform (weights scaled up). */
function smallGenerator(T: number, latent: number): GruGenerator {
  const g = new GruGenerator({ vocab: 3, length: T, hidden: 8, latent, seed: 3 });
  for (const v of g.variables) tf.tidy(() => v.assign(tf.mul(v, 3)));
  return g;
}

describe('GruGenerator', () => {
  it.each([0, 2])('log p(x | z) is normalized over all 27 sequences of length 3 (latent %i)', (latent) => {
    const g = smallGenerator(3, latent);
    tf.tidy(() => {
      const x = allSequences(3, 3);
      const z = tf.tile(g.latent(1, 5), [27, 1]);
      const p = tf.exp(g.logProb(x, z));
      expectClose(tf.sum(p), 1, { atol: 1e-5, label: 'Σ p(x | z)' });
      expect(tf.max(p).dataSync()[0]!).toBeGreaterThan(0.1); // not uniform (1/27)
    });
    g.dispose();
  });

  it('samples follow exp(logProb) (chi-square over the 9 sequences of length 2, α = 1e-3)', () => {
    const g = smallGenerator(2, 2);
    const n = 4000;
    const { counts, probs } = tf.tidy(() => {
      const z = tf.tile(g.latent(1, 11), [n, 1]);
      const x = g.sample(z, 12).arraySync() as number[][];
      const counts = Array<number>(9).fill(0);
      for (const [a, b] of x) counts[a! + 3 * b!]!++;
      const probs = Array.from(tf.exp(g.logProb(allSequences(3, 2), tf.tile(g.latent(1, 11), [9, 1]))).dataSync());
      return { counts, probs };
    });
    // the 5 likeliest sequences, and the other 4 merged into one cell: df = 5 (a tabulated critical value)
    const order = probs.map((_, i) => i).sort((i, j) => probs[j]! - probs[i]!);
    const top = order.slice(0, 5);
    const rest = order.slice(5);
    const sum = (xs: number[], v: (i: number) => number) => xs.reduce((s, i) => s + v(i), 0);
    const cells = [...top.map((i) => [probs[i]!, counts[i]!] as const), [sum(rest, (i) => probs[i]!), sum(rest, (i) => counts[i]!)] as const];
    const chi = chiSquare(cells.map(([, c]) => c), cells.map(([p]) => p));
    expect(chi.statistic).toBeLessThan(chiSquareCritical(chi.df));
    g.dispose();
  });

  it('the straight-through relaxation is the Gumbel-max sample in the forward pass (same z, same seed)', () => {
    const g = new GruGenerator({ vocab: 3, length: 12, hidden: 16, seed: 1 });
    tf.tidy(() => {
      const z = g.latent(32, 4);
      const hard = g.relaxed(z, { temperature: 0.7, hard: true, seed: 9 });
      expect(Array.from(tf.sum(hard, -1).dataSync()).every((v) => v === 1)).toBe(true);
      expect(tf.argMax(hard, -1).arraySync()).toEqual(g.sample(z, 9).arraySync());
      const soft = g.relaxed(z, { temperature: 0.7, hard: false, seed: 9 });
      expectClose(tf.sum(soft, -1), tf.onesLike(tf.sum(soft, -1)), { atol: 1e-5 });
      // the soft sequence feeds soft vectors back, so only the first position must agree with the hard one
      const first = (x: tf.Tensor) => tf.slice(x, [0, 0], [-1, 1]).arraySync();
      expect(first(tf.argMax(soft, -1))).toEqual(first(g.sample(z, 9)));
      expect(Array.from(soft.dataSync()).some((v) => v > 1e-3 && v < 0.999)).toBe(true);
    });
    g.dispose();
  });

  it.each([true, false])('relaxed sequences are differentiable in every weight (hard: %s)', (hard) => {
    const g = new GruGenerator({ vocab: 3, length: 6, hidden: 8, seed: 2 });
    const w = tf.tidy(() => tf.randomNormal([6, 3], 0, 1, 'float32', 3));
    const grads = tf.tidy(() => {
      const z = g.latent(16, 5);
      return tf.grads((...ps: tf.Tensor[]) => tf.sum(tf.mul(g.relaxed(z, { temperature: 0.5, hard, seed: 7 }, ps), w)))(g.variables);
    });
    grads.forEach((gr, i) => {
      expectFinite(gr, `grad ${i}`);
      expect(tf.tidy(() => tf.max(tf.abs(gr)).dataSync()[0]!), `grad ${i} is zero`).toBeGreaterThan(0);
    });
    tf.dispose([...grads, w]);
    g.dispose();
  });

  it('as a distribution: one draw per latent row, logProb as teacher forcing, other shapes refused', () => {
    const g = new GruGenerator({ vocab: 3, length: 5, hidden: 8, seed: 2 });
    tf.tidy(() => {
      const z = g.latent(4, 1);
      const d = g.distribution(z);
      const x = d.sample([4], { seed: 3 });
      expect(x.shape).toEqual([4, 5]);
      expect(x.arraySync()).toEqual(g.sample(z, deriveSeed(3, 'tokens')).arraySync()); // the one seed scheme
      expectClose(d.logProb(x), g.logProb(x, z));
      expect(() => d.sample([3], { seed: 1 })).toThrow(/sampleShape must be \[4\]/);
      expect(() => d.logProb(tf.zeros([2, 4, 5], 'int32'))).toThrow(/leading shape of x must be \[4\]/);
    });
    g.dispose();
  });

  it('leaks nothing', () => {
    const g = new GruGenerator({ vocab: 3, length: 4, hidden: 8, seed: 2 });
    const z = g.latent(3, 1);
    for (const r of [
      expectNoLeaks(() => g.relaxed(z, { temperature: 1, hard: false, seed: 1 })),
      expectNoLeaks(() => g.sample(z, 1)),
    ]) r.dispose();
    const x = tf.tidy(() => g.sample(z, 1));
    expectNoLeaks(() => g.logProb(x, z)).dispose();
    x.dispose();
    z.dispose();
    g.dispose();
  });
});

describe('MlpDiscriminator', () => {
  it('maps [B, T, K] to logits [B], reads relaxed inputs, and leaks nothing', () => {
    const d = new MlpDiscriminator({ vocab: 3, length: 12, hidden: 16, seed: 1 });
    const x = tf.tidy(() => tf.softmax(tf.randomNormal([5, 12, 3], 0, 1, 'float32', 2)));
    const out = expectNoLeaks(() => d.logits(x));
    expect(out.shape).toEqual([5]);
    expectFinite(out);
    tf.dispose([x, out]);
    d.dispose();
  });
});
