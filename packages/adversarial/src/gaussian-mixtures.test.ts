// The mixtures of Gaussians as Distributions: the contract's fields, sample shapes, log p against its closed
// form, and mean and variance against the draws.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isDistribution } from '@genmod-internal/core';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { gridOfGaussians, ringOfGaussians } from './gaussian-mixtures.js';

describe('ringOfGaussians and gridOfGaussians as Distributions', () => {
  it('implement the contract: family, shapes, support, sample shapes', () => {
    const ring = ringOfGaussians();
    expect(isDistribution(ring)).toBe(true);
    expect([ring.family, ring.batchShape, ring.eventShape, ring.support]).toEqual(['GaussianMixture', [], [2], 'real']);
    const shapes = expectNoLeaks(() => {
      const [a, b, c] = [ring.sample(5, { seed: 0 }), ring.sample([2, 3], { seed: 'a' }), ring.sample()];
      const out = [a.shape, b.shape, c.shape];
      tf.dispose([a, b, c]);
      return out;
    });
    expect(shapes).toEqual([[5, 2], [2, 3, 2], [2]]);
  });

  it('logProb is log (1/M) Σ_k N(x; μ_k, σ²I)', () => {
    // two modes at (±1, 0), σ = 0.5: at the origin both components give exp(−2)/(2π·0.25)
    const ring = ringOfGaussians({ modes: 2, radius: 1, std: 0.5 });
    const x = tf.tensor2d([[0, 0], [1, 0], [3, -2]]);
    const lp = expectNoLeaks(() => ring.logProb(x));
    const host = ([a, b]: number[]) => {
      const n = (mx: number) => Math.exp(-((a! - mx) ** 2 + b! ** 2) / (2 * 0.25)) / (2 * Math.PI * 0.25);
      return Math.log((n(1) + n(-1)) / 2);
    };
    expectClose(lp, [[0, 0], [1, 0], [3, -2]].map(host), { rtol: 1e-5 });
    expect(lp.shape).toEqual([3]);
    tf.dispose([x, lp]);
  });

  it('mean and variance match the draws (z-tests at 4σ)', () => {
    const grid = gridOfGaussians({ side: 3, spacing: 2, std: 0.5 });
    const n = 20000;
    const x = grid.sample(n, { seed: 1 });
    const [m, v, mean, variance] = [tf.mean(x, 0), tf.moments(x, 0).variance, grid.mean(), grid.variance()];
    const vv = variance.arraySync() as number[];
    // Var = σ² + (2²·2/3) per coordinate = 0.25 + 8/3
    expectClose(variance, [0.25 + 8 / 3, 0.25 + 8 / 3], { rtol: 1e-6 });
    expectClose(m, mean.arraySync() as number[], { atol: 4 * Math.sqrt(vv[0]! / n) });
    expectClose(v, vv, { rtol: 0.05 });
    tf.dispose([x, m, v, mean, variance]);
  });

  it('refuses points of another dimension', () => {
    const x = tf.zeros([4, 3]);
    expectThrowsClean(() => ringOfGaussians().logProb(x), /ringOfGaussians.logProb: x must be points of dimension D = 2/);
    x.dispose();
  });
});
