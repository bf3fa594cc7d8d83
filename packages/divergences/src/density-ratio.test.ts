import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { densityRatio, densityRatioKl, densityRatioLoss, logDensityRatio } from './density-ratio.js';

describe('the density-ratio trick', () => {
  it('turns logits into log-ratios, ratios and a KL estimate, removing the prior odds', () => {
    const l = expectNoLeaks(() => logDensityRatio([0, 1.5], { priorOdds: 2 }));
    expectClose(l, [-Math.LN2, 1.5 - Math.LN2], { rtol: 1e-6, atol: 1e-7 });
    const r = densityRatio([0, Math.log(3), -Math.log(4)]);
    expectClose(r, [1, 3, 0.25], { rtol: 1e-6, atol: 1e-7 });
    const kl = densityRatioKl([[0.4, 0.6], [0.5, 0.5]], { priorOdds: Math.E });
    expectClose(kl, 0.5 - 1, { rtol: 1e-6, atol: 1e-7 });
    const loss = densityRatioLoss([0], [0, 0]);
    expectClose(loss, 2 * Math.LN2, { rtol: 1e-6, atol: 1e-7 });
    const stable = densityRatioLoss([1e4, -1e4], [-1e4]);
    expectClose(stable, 1e4 / 2, { rtol: 1e-6, atol: 1e-3 }); // mean(softplus(−1e4), softplus(1e4)) + softplus(−1e4)
    tf.dispose([l, r, kl, loss, stable]);
  });

  it('a logistic discriminator trained with densityRatioLoss recovers log q₁/q₂ and KL(q₁‖q₂)', () => {
    // q₁ = N(0, 1), q₂ = N(1, 1): log q₁/q₂ = 0.5 − x, KL(q₁‖q₂) = 0.5
    const x1 = tf.randomNormal([4000], 0, 1, 'float32', 1);
    const x2 = tf.randomNormal([4000], 1, 1, 'float32', 2);
    const w = tf.variable(tf.scalar(0));
    const b = tf.variable(tf.scalar(0));
    const logit = (x: tf.Tensor) => tf.add(tf.mul(w, x), b);
    const opt = tf.train.adam(0.1);
    for (let step = 0; step < 300; step++) opt.minimize(() => densityRatioLoss(logit(x1), logit(x2)), false, [w, b]);
    expect(Math.abs(w.dataSync()[0]! + 1)).toBeLessThan(0.1);
    expect(Math.abs(b.dataSync()[0]! - 0.5)).toBeLessThan(0.1);
    const kl = tf.tidy(() => densityRatioKl(logit(x1)));
    expect(Math.abs(kl.dataSync()[0]! - 0.5)).toBeLessThan(0.1);
    tf.dispose([x1, x2, w, b, kl]);
    opt.dispose();
  });

  it('gradients match finite differences', () => {
    const l = tf.tensor1d([0.3, -2, 1]);
    checkGradient((t) => densityRatioLoss(t, [0.5, -0.5]), l);
    checkGradient((t) => densityRatioLoss([0.5, -0.5], t), l);
    checkGradient((t) => densityRatioKl(t, { priorOdds: 3 }), l);
    checkGradient((t) => tf.sum(densityRatio(t)) as tf.Scalar, l);
    checkGradient((t) => tf.sum(logDensityRatio(t)) as tf.Scalar, l);
    l.dispose();
  });

  it('names mistakes', () => {
    expectThrowsClean(() => logDensityRatio([0], { priorOdds: 0 }), /logDensityRatio: options.priorOdds must be a finite number > 0, got 0/);
    expectThrowsClean(() => densityRatioKl([]), /densityRatioKl: logitsOnQ1 must be non-empty/);
    expectThrowsClean(() => densityRatioLoss([1], 'x' as never), /densityRatioLoss: logitsOnQ2 must be a float32 tensor or a \(nested\) array of numbers, got x/);
  });
});
