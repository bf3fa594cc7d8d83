// The worked example of our notes (theory/001): minimize E_{z ~ N(aθ + b, 1)}[z²] over θ.
//   true gradient         2a·(aθ + b)
//   score function        z²·a·(z − aθ − b)     per-sample variance a²·(μ⁴ + 14μ² + 15), μ = aθ + b
//   reparameterization    2a·(aθ + b + ε)       per-sample variance 4a²
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '@genmod-internal/testing';
import { Normal } from './normal.js';
import { reparameterizationGradient } from './reparameterization-gradient.js';
import { scoreFunctionGradient } from './score-function-gradient.js';
import { gradientVariance } from './gradient-variance.js';
import { movingAverageBaseline } from './baselines.js';

const a = 2;
const b = 1;
const f = (z: tf.Tensor) => tf.square(z);
const make = ([theta]: tf.Tensor[]) => new Normal({ loc: tf.add(tf.mul(theta!, a), b), scale: 1 });
const trueGrad = (theta: number) => 2 * a * (a * theta + b);
const perSampleVariance = {
  reparam: 4 * a * a,
  score: (theta: number) => {
    const mu = a * theta + b;
    return a * a * (mu ** 4 + 14 * mu ** 2 + 15);
  },
};

describe('the worked example: ∇_θ E_{z ~ N(aθ + b, 1)}[z²], a = 2, b = 1, θ = 1', () => {
  it('per-sample terms are exactly 2a·z (pathwise) and z²·a·(z − μ) (score function), on common noise', () => {
    const theta = tf.scalar(1);
    const mu = a + b;
    const r = reparameterizationGradient(f, make, [theta], { samples: 6, seed: 7, perSample: true });
    const s = scoreFunctionGradient(f, make, [theta], { samples: 6, seed: 7, perSample: true });
    const d = new Normal({ loc: mu, scale: 1 });
    const z = Array.from(d.sample([6], { seed: 7 }).dataSync());
    expectClose(r.perSampleGrads![0]!, z.map((v) => 2 * a * v), { rtol: 1e-5, atol: 1e-5 });
    expectClose(s.perSampleGrads![0]!, z.map((v) => v * v * a * (v - mu)), { rtol: 1e-4, atol: 1e-4 });
    expectClose(r.grads[0]!, tf.mean(r.perSampleGrads![0]!), { rtol: 1e-5, atol: 1e-5 });
    expectClose(s.grads[0]!, tf.mean(s.perSampleGrads![0]!), { rtol: 1e-5, atol: 1e-5 });
    expectClose(r.values, z.map((v) => v * v), { rtol: 1e-5 });
    tf.dispose([theta, ...r.grads, r.value, r.values, ...r.perSampleGrads!, ...s.grads, s.value, s.values, ...s.perSampleGrads!]);
    d.dispose();
  });

  it('both are unbiased (mean within 4 standard errors of 2a(aθ + b) = 12); the pathwise variance is strictly smaller', () => {
    const theta = tf.scalar(1);
    const opts = { samples: 10, repeats: 400, seed: 2024 };
    const rv = gradientVariance(reparameterizationGradient, f, make, [theta], opts);
    const sv = gradientVariance(scoreFunctionGradient, f, make, [theta], opts);
    const [rm, rvar, rse] = [rv.mean[0]!.dataSync()[0]!, rv.variance[0]!.dataSync()[0]!, rv.standardError[0]!.dataSync()[0]!];
    const [sm, svar, sse] = [sv.mean[0]!.dataSync()[0]!, sv.variance[0]!.dataSync()[0]!, sv.standardError[0]!.dataSync()[0]!];
    expect(Math.abs(rm - trueGrad(1))).toBeLessThan(4 * rse);
    expect(Math.abs(sm - trueGrad(1))).toBeLessThan(4 * sse);
    // the variance of a 10-sample estimate against the closed forms: 16/10 and 888/10
    expect(rvar / (perSampleVariance.reparam / 10)).toBeGreaterThan(0.7);
    expect(rvar / (perSampleVariance.reparam / 10)).toBeLessThan(1.3);
    expect(svar / (perSampleVariance.score(1) / 10)).toBeGreaterThan(0.5);
    expect(svar / (perSampleVariance.score(1) / 10)).toBeLessThan(1.5);
    const ratio = svar / rvar;
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeGreaterThan(20); // closed form: 888/16 = 55.5
    console.log(`worked example, θ = 1: score-function / pathwise variance = ${ratio.toFixed(1)} (closed form ${(perSampleVariance.score(1) / perSampleVariance.reparam).toFixed(1)}); means ${sm.toFixed(3)} ± ${sse.toFixed(3)} and ${rm.toFixed(3)} ± ${rse.toFixed(3)} vs ${trueGrad(1)}`);
    tf.dispose([theta, ...rv.mean, ...rv.variance, ...rv.standardError, rv.totalVariance, ...sv.mean, ...sv.variance, ...sv.standardError, sv.totalVariance]);
  });

  it.each([
    ['pathwise', reparameterizationGradient, 16, 0.05],
    ['score function', scoreFunctionGradient, 32, 0.1],
  ] as const)('gradient descent with the %s estimate reaches θ* = −b/a = −0.5', (_name, estimator, samples, tolerance) => {
    const theta = tf.variable(tf.scalar(1));
    const lr = 0.05;
    const tail: number[] = [];
    for (let step = 0; step < 300; step++) {
      const est = estimator(f, make, [theta], { samples, seed: step });
      tf.tidy(() => theta.assign(tf.sub(theta, tf.mul(est.grads[0]!, lr))));
      tf.dispose([...est.grads, est.value, est.values]);
      if (step >= 200) tail.push(theta.dataSync()[0]!);
    }
    const mean = tail.reduce((s, x) => s + x, 0) / tail.length;
    expect(Math.abs(mean - -b / a)).toBeLessThan(tolerance);
    theta.dispose();
  });

  it('an Adam loop with a moving-average baseline keeps the tensor count flat', () => {
    const theta = tf.variable(tf.scalar(1));
    const optimizer = tf.train.adam(0.05);
    const baseline = movingAverageBaseline(0.9);
    const counts: number[] = [];
    for (let step = 0; step < 30; step++) {
      const est = scoreFunctionGradient(f, make, [theta], { samples: 16, seed: step, baseline });
      optimizer.applyGradients([{ name: theta.name, tensor: est.grads[0]! }]);
      tf.dispose([...est.grads, est.value, est.values]);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(2)).size).toBe(1);
    baseline.dispose();
    optimizer.dispose();
    theta.dispose();
  });
});
