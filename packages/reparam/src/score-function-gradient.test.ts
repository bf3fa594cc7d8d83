import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { scoreFunctionGradient } from './score-function-gradient.js';
import { gradientVariance } from './gradient-variance.js';
import { leaveOneOutBaseline, movingAverageBaseline, type Baseline } from './baselines.js';
import { Categorical } from './categorical.js';
import { Bernoulli } from './bernoulli.js';
import { independent } from './independent.js';

// A discrete latent: k ~ Categorical(softmax(θ)), reward r_k with a large common offset (what baselines remove).
const logits = [0.5, -0.3, 0.1, 0.8];
const reward = [10, 11, 12, 9.5];
const softmax = (l: number[]) => {
  const e = l.map(Math.exp);
  const s = e.reduce((x, y) => x + y, 0);
  return e.map((v) => v / s);
};
const pi = softmax(logits);
const expected = pi.reduce((s, p, k) => s + p * reward[k]!, 0);
// exact gradient by enumeration: ∂/∂θ_j Σ_k π_k r_k = π_j·(r_j − Σ_k π_k r_k)
const exact = pi.map((p, j) => p * (reward[j]! - expected));
const rewardT = tf.keep(tf.tensor1d(reward));
const f = (k: tf.Tensor) => tf.gather(rewardT, k);
const make = ([l]: tf.Tensor[]) => new Categorical({ logits: l! });

describe('scoreFunctionGradient on a categorical latent (exact gradient by enumeration)', () => {
  it('is unbiased with every baseline, and both baselines cut the variance against none', () => {
    const theta = tf.tensor1d(logits);
    const opts = { samples: 8, repeats: 300 };
    const movingAverage = movingAverageBaseline(0.8);
    // warm the moving average up on draws not used below (its first estimate uses the initial value 0)
    for (let i = 0; i < 20; i++) tf.dispose(Object.values(scoreFunctionGradient(f, make, [theta], { samples: 8, seed: `warm${i}`, baseline: movingAverage })) as never);
    const runs: [string, number | Baseline][] = [
      ['none', 0],
      ['moving average', movingAverage],
      ['leave-one-out', leaveOneOutBaseline()],
    ];
    const total: Record<string, number> = {};
    for (const [name, baseline] of runs) {
      const r = gradientVariance(scoreFunctionGradient, f, make, [theta], { ...opts, seed: 99, baseline });
      const mean = r.mean[0]!.dataSync();
      const se = r.standardError[0]!.dataSync();
      exact.forEach((g, j) => expect(Math.abs(mean[j]! - g), `${name}: element ${j}: ${mean[j]} vs ${g} (se ${se[j]})`).toBeLessThan(4 * se[j]!));
      total[name] = r.totalVariance.dataSync()[0]!;
      tf.dispose([...r.mean, ...r.variance, ...r.standardError, r.totalVariance]);
    }
    console.log(
      `categorical score-function variance (trace, 8 samples): none ${total.none!.toFixed(3)}, moving average ${total['moving average']!.toFixed(3)} (${(total.none! / total['moving average']!).toFixed(1)}× less), leave-one-out ${total['leave-one-out']!.toFixed(3)} (${(total.none! / total['leave-one-out']!).toFixed(1)}× less)`,
    );
    expect(total['moving average']!).toBeLessThan(total.none! / 4);
    expect(total['leave-one-out']!).toBeLessThan(total.none! / 4);
    movingAverage.dispose();
    theta.dispose();
  });

  it('a constant baseline equal to E[f] is unbiased too; a baseline that depends on z_i itself is not (the test can tell)', () => {
    const theta = tf.tensor1d(logits);
    const biased: Baseline = { compute: (v) => tf.mul(v, 0.5) }; // b_i = f_i/2 halves the gradient
    const a = gradientVariance(scoreFunctionGradient, f, make, [theta], { samples: 8, repeats: 300, seed: 5, baseline: expected });
    // the bias is about 4 standard errors at 300 repeats (a coin flip): 1000 repeats make it about 7
    const b = gradientVariance(scoreFunctionGradient, f, make, [theta], { samples: 8, repeats: 1000, seed: 5, baseline: biased });
    const ma = a.mean[0]!.dataSync();
    const sa = a.standardError[0]!.dataSync();
    const mb = b.mean[0]!.dataSync();
    const sb = b.standardError[0]!.dataSync();
    exact.forEach((g, j) => expect(Math.abs(ma[j]! - g)).toBeLessThan(4 * sa[j]!));
    expect(exact.some((g, j) => Math.abs(mb[j]! - g) > 4 * sb[j]!)).toBe(true);
    tf.dispose([...a.mean, ...a.variance, ...a.standardError, a.totalVariance, ...b.mean, ...b.variance, ...b.standardError, b.totalVariance, theta]);
  });

  it('is unbiased for independent Bernoulli latents: ∇_l E[w·x] = w·σ(l)·(1 − σ(l))', () => {
    const l = tf.tensor1d([-1, 0.5, 2]);
    const w = tf.tensor1d([3, -2, 1]);
    const sig = [-1, 0.5, 2].map((v) => 1 / (1 + Math.exp(-v)));
    const truth = [3, -2, 1].map((wi, i) => wi * sig[i]! * (1 - sig[i]!));
    const r = gradientVariance(scoreFunctionGradient, (x) => tf.sum(tf.mul(x, w), -1), ([p]) => independent(new Bernoulli({ logits: p! }), 1), [l], {
      samples: 16,
      repeats: 200,
      seed: 3,
      baseline: leaveOneOutBaseline(),
    });
    const m = r.mean[0]!.dataSync();
    const se = r.standardError[0]!.dataSync();
    truth.forEach((g, i) => expect(Math.abs(m[i]! - g)).toBeLessThan(4 * se[i]!));
    tf.dispose([l, w, ...r.mean, ...r.variance, ...r.standardError, r.totalVariance]);
  });

  it('returns the mean reward and the per-sample values; extra axes of f are summed', () => {
    const theta = tf.tensor1d(logits);
    const est = expectNoLeaks(() => scoreFunctionGradient((k) => tf.stack([f(k), f(k)], 1), make, [theta], { samples: 5, seed: 1 }));
    expect(est.values.shape).toEqual([5]);
    expect(est.grads[0]!.shape).toEqual([4]);
    const v = Array.from(est.values.dataSync());
    expect(v.every((x) => reward.map((r) => 2 * r).includes(x))).toBe(true);
    expectClose(est.value, v.reduce((s, x) => s + x, 0) / 5, { rtol: 1e-6 });
    tf.dispose([theta, ...est.grads, est.value, est.values]);
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    const theta = tf.tensor1d(logits);
    const fn = /scoreFunctionGradient: /;
    expectThrowsClean(() => scoreFunctionGradient(f, make, [theta], { samples: 1, baseline: leaveOneOutBaseline() }), fn, /options\.samples must be at least 2 with this baseline, got 1/);
    expectThrowsClean(() => scoreFunctionGradient(f, make, [theta], { samples: 0 }), /options\.samples must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => scoreFunctionGradient(f, make, [theta], { samples: 2.5 }), /options\.samples must be an integer ≥ 1, got 2\.5/);
    expectThrowsClean(() => scoreFunctionGradient(f, make, [theta], { samples: 4, baseline: 'mean' as never }), /options\.baseline must be a finite number or a Baseline/);
    expectThrowsClean(() => scoreFunctionGradient(f, make, [theta], { samples: 4, baseline: Infinity }), /options\.baseline must be a finite number or a Baseline, got Infinity/);
    expectThrowsClean(() => scoreFunctionGradient(f, make, [], { samples: 4 }), /params must be a non-empty array/);
    expectThrowsClean(() => scoreFunctionGradient(f, make, [[1, 2]] as never, { samples: 4 }), /params\[0\] must be a float32 tensor \(or tf\.Variable\), got \[1, 2\]/);
    expectThrowsClean(() => scoreFunctionGradient(f, make, [theta], { samples: 4, seed: {} as never }), /seed must be a finite number or a string/);
    expectThrowsClean(() => scoreFunctionGradient('f' as never, make, [theta], { samples: 4 }), /f must be a function/);
    expectThrowsClean(() => scoreFunctionGradient((k) => tf.zeros([3]), make, [theta], { samples: 4 }), /scoreFunctionGradient: f\(z\) must be a tensor of per-sample values with leading axis n = 4/);
    expectThrowsClean(() => scoreFunctionGradient(f, () => ({}) as never, [theta], { samples: 4 }), /makeDistribution\(params\) must be a distribution \(with sample and logProb\)/);
    theta.dispose();
  });
});
