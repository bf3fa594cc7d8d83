// The IWAE bound on a linear-Gaussian model (probabilistic PCA), where log p(x) is exact:
//   z ~ N(0, I_2), x | z ~ N(W z + b, s²·I_3)  ⇒  p(x) = N(b, W Wᵀ + s²·I).
// W has orthogonal columns, so the exact posterior N(M⁻¹Wᵀ(x − b), s²·M⁻¹), M = WᵀW + s²·I, is diagonal.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectThrowsClean } from '@genmod-internal/testing';
import { vaeGolden } from '../test/golden.js';
import { bernoulliLogLikelihood, elbo, gaussianLikelihood, iwaeBound, logMeanExp } from './index.js';

const W = [[1, 0.5], [1, 0.5], [-1, 1]]; // columns orthogonal: (1, 1, −1)·(0.5, 0.5, 1) = 0
const b = [0.3, -0.2, 0.1];
const s2 = 0.25;
const M = [0, 1].map((j) => W.reduce((a, row) => a + row[j]! * row[j]!, 0) + s2); // diag(WᵀW) + s²
const XS = [[1.2, 0.1, -0.8], [-0.5, 0.9, 0.4], [2, -1.5, 1], [0, 0, 0], [0.7, 1.8, -0.3], [-1.1, -0.4, 0.6]];

function exactLogP(x: number[]): number {
  // Σ = W Wᵀ + s² I (3×3), log N(x; b, Σ) by Gaussian elimination in float64
  const S = [0, 1, 2].map((i) => [0, 1, 2].map((j) => W[i]![0]! * W[j]![0]! + W[i]![1]! * W[j]![1]! + (i === j ? s2 : 0)));
  const r = x.map((v, i) => v - b[i]!);
  const A = S.map((row, i) => [...row, r[i]!]);
  let logDet = 0;
  for (let c = 0; c < 3; c++) {
    logDet += Math.log(A[c]![c]!);
    for (let i = c + 1; i < 3; i++) {
      const f = A[i]![c]! / A[c]![c]!;
      for (let j = c; j < 4; j++) A[i]![j]! -= f * A[c]![j]!;
    }
  }
  const y = [0, 0, 0];
  for (let i = 2; i >= 0; i--) y[i] = (A[i]![3]! - [0, 1, 2].slice(i + 1).reduce((a, j) => a + A[i]![j]! * y[j]!, 0)) / A[i]![i]!;
  const quad = r.reduce((a, v, i) => a + v * y[i]!, 0);
  return -0.5 * (quad + logDet + 3 * Math.log(2 * Math.PI));
}

const exact = XS.map(exactLogP);
const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, c) => a + c, 0) / v.length;

/** The PPCA model with an encoder that is exact (shift 0, widen 0) or off by a shift and a wider variance. */
function model(shift: number, widen: number, repeats = 1) {
  const X = Array.from({ length: repeats }, () => XS).flat();
  const wt = tf.tensor2d(W);
  const bt = tf.tensor1d(b);
  const post = X.map((x) => [0, 1].map((j) => W.reduce((a, row, i) => a + row[j]! * (x[i]! - b[i]!), 0) / M[j]!));
  return {
    x: tf.tensor2d(X),
    encode: () => ({ loc: tf.add(tf.tensor2d(post), shift), logVar: tf.tile(tf.add(tf.log(tf.tensor2d([M.map((m) => s2 / m)])), widen), [X.length, 1]) }),
    decode: (z: tf.Tensor) => tf.add(tf.matMul(z, wt, false, true), bt),
    likelihood: gaussianLikelihood({ variance: s2 }),
  };
}

describe('iwaeBound', () => {
  it('matches the golden log-mean-exp of log-weights', () => {
    const g = vaeGolden();
    tf.tidy(() => expectClose(logMeanExp(tf.transpose(tf.tensor2d(g.iwae.log_weights))), g.iwae.log_mean_exp, { rtol: 1e-6 }));
    tf.tidy(() => expectClose(logMeanExp(g.iwae.log_weights, -1), g.iwae.log_mean_exp, { rtol: 1e-6 }));
  });

  it('probabilistic PCA: ELBO ≤ IWAE_k ≤ IWAE_k′ ≤ log p(x) for k < k′, tending to log p(x)', () => {
    tf.tidy(() => {
      const m = model(0.3, 0.7, 40); // each point 40 times: the bounds are averaged over 40 independent draws
      const logP = mean(exact);
      const theElbo = mean(elbo({ ...m, samples: 4000, seed: 1 }).elbo.dataSync());
      const iw = [1, 10, 100, 1000].map((k) => mean(iwaeBound({ ...m, k, seed: 10 + k }).bound.dataSync()));
      // k = 1 is an unbiased single-sample ELBO estimate; larger k closes more of the gap
      expect(theElbo).toBeLessThan(iw[1]!);
      expect(iw[1]!).toBeLessThan(iw[2]!);
      expect(iw[2]!).toBeLessThan(iw[3]!);
      expect(iw[3]!).toBeLessThan(logP + 0.01);
      expect(logP - theElbo).toBeGreaterThan(0.5); // the encoder is poor: a real gap
      expect(logP - iw[3]!).toBeLessThan(0.05); // the IWAE closes it
    });
  });

  it('probabilistic PCA: with the exact posterior the ELBO is log p(x) and every log-weight equals it', () => {
    tf.tidy(() => {
      const m = model(0, 0);
      // analytic KL: Monte Carlo error only in the reconstruction term; Monte Carlo KL: every sample gives log p(x)
      expectClose(elbo({ ...m, samples: 4000, seed: 3 }).elbo, exact, { atol: 0.06 });
      expectClose(elbo({ ...m, samples: 3, seed: 3, analyticKl: false }).elbo, exact, { atol: 2e-4 });
      const { logWeights, bound } = iwaeBound({ ...m, k: 5, seed: 4 });
      // p(x, z)/q(z|x) = p(x) for every z when q is the true posterior
      expectClose(logWeights, [0, 1, 2, 3, 4].map(() => exact), { atol: 2e-4 });
      expectClose(bound, exact, { atol: 2e-4 });
    });
  });

  it('is a training objective: gradients reach the encoder', () => {
    tf.tidy(() => {
      const loc = tf.zeros([2, 3]);
      const g = tf.grad((l: tf.Tensor) =>
        iwaeBound({ x: tf.ones([2, 4]), encode: () => ({ loc: l, logVar: tf.zeros([2, 3]) }), decode: (z) => tf.matMul(z, tf.ones([3, 4])), likelihood: bernoulliLogLikelihood, k: 8, seed: 1 }).loss,
      )(loc);
      expect(Math.max(...Array.from(g.dataSync()).map(Math.abs))).toBeGreaterThan(0.01);
    });
  });

  it('fails clearly for an invalid k', () => {
    const m = model(0, 0);
    for (const k of [0, 2.5, -1]) expectThrowsClean(() => iwaeBound({ ...m, k }), new RegExp(`^iwaeBound: options\\.k must be an integer ≥ 1, got ${k}$`));
    expectThrowsClean(() => logMeanExp([1, 2], 1), /^logMeanExp: axis must be an integer in \[-1, 0\] for a rank-1 input, got 1$/);
    tf.dispose([m.x]);
  });
});
