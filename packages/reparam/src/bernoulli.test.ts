import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, chiSquare, chiSquareCritical, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { Bernoulli } from './bernoulli.js';
import { independent } from './independent.js';
import { vae } from '../test/golden.js';

describe('Bernoulli against vae.json', () => {
  it('Σ_d log p(x_d) from logits with ±50 entries: binary x and continuous x in [0, 1]', () => {
    const g = vae();
    const d = independent(new Bernoulli({ logits: g.x_logits }), 1);
    const [a, b] = expectNoLeaks(() => [d.logProb(g.x), d.logProb(g.x_continuous)]);
    expectClose(a!, g.bernoulli_log_likelihood, { rtol: 1e-5, atol: 1e-5, label: 'bernoulli_log_likelihood' });
    expectClose(b!, g.bernoulli_log_likelihood_x_continuous, { rtol: 1e-5, atol: 1e-5, label: 'x_continuous' });
    tf.dispose([a!, b!]);
    d.base.dispose();
  });
});

describe('Bernoulli', () => {
  it('log-masses, entropy and moments, stable at logits ±1e4 and exact at probabilities 0 and 1', () => {
    const fromLogits = new Bernoulli({ logits: [0, 2, 1e4, -1e4] });
    const fromProbs = new Bernoulli({ probs: [0.5, 1 / (1 + Math.exp(-2)), 1, 0] });
    for (const d of [fromLogits, fromProbs]) {
      const r = expectNoLeaks(() => ({ l1: d.logProb([1, 1, 1, 1]), l0: d.logProb([0, 0, 0, 0]), h: d.entropy(), m: d.mean(), v: d.variance(), s: d.stddev(), p: d.prob([1, 0, 1, 0]) }));
      const p2 = 1 / (1 + Math.exp(-2));
      // the logits form is finite (−1e4, exactly) where the probability form has log 0 = −Infinity
      const far = d === fromLogits ? -1e4 : null;
      expectClose(r.l1, [Math.log(0.5), Math.log(p2), 0, far], { rtol: 1e-6, atol: 1e-6 });
      expectClose(r.l0, [Math.log(0.5), Math.log(1 - p2), far, 0], { rtol: 1e-5, atol: 1e-6 });
      expectClose(r.h, [Math.LN2, -(p2 * Math.log(p2) + (1 - p2) * Math.log(1 - p2)), 0, 0], { rtol: 1e-5, atol: 1e-6 });
      expectClose(r.m, [0.5, p2, 1, 0], { rtol: 1e-6 });
      expectClose(r.v, [0.25, p2 * (1 - p2), 0, 0], { rtol: 1e-5, atol: 1e-7 });
      expectClose(r.s, [0.5, Math.sqrt(p2 * (1 - p2)), 0, 0], { rtol: 1e-5, atol: 1e-7 });
      expectClose(r.p, [0.5, 1 - p2, 1, 1], { rtol: 1e-5 });
      tf.dispose(Object.values(r));
      d.dispose();
    }
  });

  it('samples float32 0/1 at frequency p (chi-square, N = 10000 per cell, df = 1); p = 0 and 1 are exact', () => {
    const d = new Bernoulli({ probs: [0.3, 0, 1] });
    const s = d.sample([10000], { seed: 4 });
    expect(s.dtype).toBe('float32');
    const v = s.arraySync() as number[][];
    const ones = v.reduce((acc, r) => acc + r[0]!, 0);
    expect(v.every((r) => (r[0] === 0 || r[0] === 1) && r[1] === 0 && r[2] === 1)).toBe(true);
    const { statistic } = chiSquare([10000 - ones, ones], [0.7, 0.3]);
    expect(statistic).toBeLessThan(chiSquareCritical(1));
    // power: the same test rejects p = 0.32 (a 2-point error: w = 0.044 at N = 10000)
    const wrong = new Bernoulli({ probs: 0.32 });
    const w = wrong.sample([10000], { seed: 4 });
    const onesW = Array.from(w.dataSync()).reduce((acc, x) => acc + x, 0);
    expect(chiSquare([10000 - onesW, onesW], [0.7, 0.3]).statistic).toBeGreaterThan(chiSquareCritical(1));
    tf.dispose([s, w]);
    d.dispose();
    wrong.dispose();
  });

  it('logProb is differentiable in the logits and the probs (finite differences); samples carry no gradient', () => {
    const x = tf.tensor1d([1, 0, 1, 0.3]);
    checkGradient((l) => tf.sum(new Bernoulli({ logits: l }).logProb(x)) as tf.Scalar, tf.tensor1d([0.5, -1, 3, 0]), { eps: 1e-2 });
    checkGradient((p) => tf.sum(new Bernoulli({ probs: p }).logProb(x)) as tf.Scalar, tf.tensor1d([0.5, 0.2, 0.7, 0.4]), { eps: 1e-3 });
    checkGradient((l) => tf.sum(new Bernoulli({ logits: l }).entropy()) as tf.Scalar, tf.tensor1d([0.5, -1, 3, 0]), { eps: 1e-2 });
    // at p = 0 and 1 the gradient of logProb and entropy is finite (0·log 0 taken through safe inputs)
    const g = tf.grad((p: tf.Tensor) => tf.add(tf.sum(new Bernoulli({ probs: p }).logProb([0, 1])), tf.sum(new Bernoulli({ probs: p }).entropy())))(tf.tensor1d([0, 1]));
    expectFinite(g);
    const gs = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(new Bernoulli({ logits: l }).sample([4], { seed: 1 }), 3)))(tf.zeros([2]));
    expectClose(gs, [0, 0]);
    tf.dispose([x, g, gs]);
  });

  it('is the Bernoulli family on {0, 1}, with no rsample at all (a discrete law has no pathwise gradient)', () => {
    const d = new Bernoulli({ probs: 0.5 });
    expect([d.family, d.support]).toEqual(['Bernoulli', 'binary']);
    expect('rsample' in d).toBe(false);
    d.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => new Bernoulli({ probs: [0.5, 1.2] }), /Bernoulli: params\.probs must be probabilities in \[0, 1\], got values in \[0\.5, 1\.2/);
    expectThrowsClean(() => new Bernoulli({ probs: [0.5, NaN] }), /Bernoulli: params\.probs must be probabilities in \[0, 1\]/);
    expectThrowsClean(() => new Bernoulli({ probs: 0.5, logits: 0 }), /Bernoulli: params must be an object with exactly one of `logits` or `probs`, got both/);
    expectThrowsClean(() => new Bernoulli({}), /got neither/);
    const d = new Bernoulli({ logits: [0, 1] });
    expectThrowsClean(() => d.sample([2], { noise: [0, 1] } as never), /Bernoulli\.sample: unknown option 'noise' \(valid: 'seed'\)/);
    d.dispose();
  });
});
