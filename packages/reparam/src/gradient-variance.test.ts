import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { gradientVariance } from './gradient-variance.js';
import { reparameterizationGradient } from './reparameterization-gradient.js';
import { Normal } from './normal.js';
import type { GradientEstimate } from './gradient-estimate.js';

describe('gradientVariance', () => {
  it('returns the mean and unbiased variance of the estimates, in float64 (no cancellation at a mean of 1e4)', () => {
    // a fake estimator whose r-th estimate is 1e4 + (−1)^r·0.5 (variance R/(R − 1)·0.25)
    let r = 0;
    const fake = (): GradientEstimate => ({ grads: [tf.scalar(1e4 + (r++ % 2 === 0 ? 0.5 : -0.5))], value: tf.scalar(0), values: tf.zeros([1]) });
    const p = tf.scalar(0);
    const out = expectNoLeaks(() => gradientVariance(fake, (z) => z, () => new Normal({ loc: 0, scale: 1 }), [p], { samples: 1, repeats: 4 }));
    expect(out.mean[0]!.dataSync()[0]).toBe(1e4);
    expect(out.variance[0]!.dataSync()[0]).toBeCloseTo((4 / 3) * 0.25, 6);
    expect(out.standardError[0]!.dataSync()[0]).toBeCloseTo(Math.sqrt(1 / 3 / 4), 6);
    expect(out.totalVariance.dataSync()[0]).toBeCloseTo(1 / 3, 6);
    tf.dispose([p, ...out.mean, ...out.variance, ...out.standardError, out.totalVariance]);
  });

  it('gives the pathwise variance σ²/n of ∇_μ E[z] on repeated independent seeds (it is 0 only if seeds repeat)', () => {
    const mu = tf.scalar(0);
    const make = ([m]: tf.Tensor[]) => new Normal({ loc: m!, scale: 1 });
    // ∇_μ E[z²] per sample 2z: variance 4σ² = 4, for n = 4: 1
    const out = gradientVariance(reparameterizationGradient, (z) => tf.square(z), make, [mu], { samples: 4, repeats: 400, seed: 8 });
    const v = out.variance[0]!.dataSync()[0]!;
    expect(v).toBeGreaterThan(0.8);
    expect(v).toBeLessThan(1.2);
    tf.dispose([mu, ...out.mean, ...out.variance, ...out.standardError, out.totalVariance]);
  });

  it('names the argument on bad input', () => {
    const p = tf.scalar(0);
    expectThrowsClean(() => gradientVariance(reparameterizationGradient, (z) => z, () => new Normal({ loc: 0, scale: 1 }), [p], { samples: 2, repeats: 1 }), /gradientVariance: options\.repeats must be an integer ≥ 2, got 1/);
    expectThrowsClean(() => gradientVariance(null as never, (z) => z, () => new Normal({ loc: 0, scale: 1 }), [p], { samples: 2, repeats: 3 }), /gradientVariance: estimator must be a gradient estimator/);
    p.dispose();
  });
});
