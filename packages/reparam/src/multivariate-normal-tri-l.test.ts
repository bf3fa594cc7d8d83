import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean, ksCritical, ksStatistic } from '@genmod-internal/testing';
import { MultivariateNormalTriL } from './multivariate-normal-tri-l.js';
import { Normal } from './normal.js';
import { independent } from './independent.js';
import { fullGaussianCases, normalCdf } from '../test/golden.js';

const L3 = [
  [1.2, 0, 0],
  [-0.4, 0.8, 0],
  [0.3, 0.5, 1.5],
];

describe('MultivariateNormalTriL against divergences.json full_gaussian (chol1)', () => {
  const cases = fullGaussianCases();
  it('has the three cases d = 2, 3, 5', () => expect(cases.map((c) => c.dim)).toEqual([2, 3, 5]));

  it.each(cases.map((c) => [`d = ${c.dim}`, c] as const))('%s: logProb at x (triangular solve), log|Σ|, entropy, covariance', (_n, c) => {
    const d = new MultivariateNormalTriL({ loc: c.mu1, scaleTril: c.chol1 });
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([c.dim]);
    const r = expectNoLeaks(() => ({ lp: d.logProb(c.x), logdet: d.logDetCovariance(), h: d.entropy(), cov: d.covariance() }));
    expectClose(r.lp, c.log_prob1_at_x, { rtol: 1e-5, atol: 1e-5, label: 'log_prob1_at_x' });
    expectClose(r.logdet, c.logdet1, { rtol: 1e-5, atol: 1e-6, label: 'logdet1' });
    expectClose(r.h, c.entropy1, { rtol: 1e-5, atol: 1e-6, label: 'entropy1' });
    expectClose(r.cov, c.cov1, { rtol: 1e-5, atol: 1e-5, label: 'cov1' });
    tf.dispose(Object.values(r));
    d.dispose();
  });
});

describe('MultivariateNormalTriL', () => {
  it('with a diagonal L equals an independent Normal (batched loc against one L)', () => {
    const loc = [[0, 1, -1], [2, 0, 0.5]];
    const mvn = new MultivariateNormalTriL({ loc, scaleTril: [[1, 0, 0], [0, 2, 0], [0, 0, 0.5]] });
    const diag = independent(new Normal({ loc, scale: [1, 2, 0.5] }), 1);
    expect(mvn.batchShape).toEqual([2]);
    const x = [[[0.3, -1, 2]], [[1, 1, 1]]]; // [2, 1, 3] against batch [2]: broadcast to [2, 2]
    const [a, b, ha, hb] = expectNoLeaks(() => [mvn.logProb(x), diag.logProb(x), mvn.entropy(), diag.entropy()]);
    expect(a!.shape).toEqual([2, 2]);
    expectClose(a!, b!, { rtol: 1e-5, atol: 1e-5 });
    expectClose(ha!, hb!, { rtol: 1e-6, atol: 1e-6 });
    tf.dispose([a!, b!, ha!, hb!]);
    mvn.dispose();
    diag.base.dispose();
  });

  it('samples have mean μ and covariance L·Lᵀ (N = 20000, every entry within 4.5 standard errors)', () => {
    const mu = [1, -2, 0.5];
    const d = new MultivariateNormalTriL({ loc: mu, scaleTril: L3 });
    const n = 20000;
    const z = d.sample([n], { seed: 21 });
    expect(z.shape).toEqual([n, 3]);
    const xs = z.arraySync() as number[][];
    const cov = d.covariance().arraySync() as number[][];
    const mean = [0, 1, 2].map((i) => xs.reduce((s, r) => s + r[i]!, 0) / n);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(mean[i]! - mu[i]!)).toBeLessThan(4.5 * Math.sqrt(cov[i]![i]! / n));
      for (let j = 0; j <= i; j++) {
        const s = xs.reduce((acc, r) => acc + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / (n - 1);
        const se = Math.sqrt((cov[i]![i]! * cov[j]![j]! + cov[i]![j]! ** 2) / n);
        expect(Math.abs(s - cov[i]![j]!), `cov[${i}][${j}]`).toBeLessThan(4.5 * se);
      }
    }
    // and the marginal of the last coordinate passes the KS test against N(μ₂, Σ₂₂)
    const sd = Math.sqrt(cov[2]![2]!);
    expect(ksStatistic(xs.map((r) => r[2]!), (x) => normalCdf((x - mu[2]!) / sd))).toBeLessThan(ksCritical(n));
    // power: Lᵀ·ε (a transposed factor, same diagonal) gives a visibly wrong covariance
    const wrong = tf.tidy(() => tf.sum(tf.mul(tf.transpose(tf.tensor2d(L3)), tf.expandDims(tf.randomNormal([n, 3], 0, 1, 'float32', 21), -2)), -1));
    const w = wrong.arraySync() as number[][];
    const s01 = w.reduce((acc, r) => acc + r[0]! * r[1]!, 0) / n;
    expect(Math.abs(s01 - cov[0]![1]!)).toBeGreaterThan(10 * Math.sqrt((cov[0]![0]! * cov[1]![1]! + cov[0]![1]! ** 2) / n));
    tf.dispose([z, wrong]);
    d.dispose();
  });

  it('rsample is μ + L·ε with ∂z/∂μ = I and ∂zᵢ/∂Lᵢⱼ = εⱼ', () => {
    const eps = tf.tensor1d([0.5, -1, 2]);
    const mu = tf.tensor1d([0, 0, 0]);
    const L = tf.tensor2d(L3);
    const z = new MultivariateNormalTriL({ loc: mu, scaleTril: L }).rsample([], { noise: eps });
    expectClose(z, [1.2 * 0.5, -0.4 * 0.5 - 0.8, 0.3 * 0.5 - 0.5 + 3], { rtol: 1e-6, atol: 1e-6 });
    const w = tf.tensor1d([1, 2, 3]); // d(w·z)/dL_ij = w_i·ε_j on and below the diagonal
    const [gMu, gL] = tf.grads((m: tf.Tensor, l: tf.Tensor) => tf.sum(tf.mul(w, new MultivariateNormalTriL({ loc: m, scaleTril: l }).rsample([], { noise: eps }))))([mu, L]);
    expectClose(gMu!, [1, 2, 3]);
    expectClose(gL!, [[0.5, -1, 2], [1, -2, 4], [1.5, -3, 6]], { rtol: 1e-6, atol: 1e-6 });
    tf.dispose([eps, mu, L, z, w, gMu!, gL!]);
  });

  it('logProb and entropy are differentiable in μ and L (finite differences through the triangular solve)', () => {
    const x = tf.tensor2d([[0.3, -1, 2], [1, 1, 1]]);
    const L = tf.tensor2d(L3);
    // the strict upper triangle is masked out (its gradient is 0), so finite differences there give 0 too
    const tril = tf.tensor2d([[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
    const { analytic } = checkGradient((l) => tf.sum(new MultivariateNormalTriL({ loc: [0.1, 0.2, 0.3], scaleTril: tf.mul(l, tril) }).logProb(x)) as tf.Scalar, L, { eps: 1e-2 });
    expect(Math.abs(analytic[4]!)).toBeGreaterThan(0.1); // ∂/∂L₁₁ is not trivially zero
    checkGradient((l) => new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: tf.mul(l, tril) }).entropy() as tf.Scalar, L, { eps: 1e-2 });
    checkGradient((l) => tf.sum(new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: tf.mul(l, tril) }).rsample([4], { seed: 2 })) as tf.Scalar, L, { eps: 1e-2 });
    tril.dispose();
    checkGradient((m) => tf.sum(new MultivariateNormalTriL({ loc: m, scaleTril: L }).logProb(x)) as tf.Scalar, tf.tensor1d([0.1, 0.2, 0.3]), { eps: 1e-2 });
    tf.dispose([x, L]);
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    const fn = /MultivariateNormalTriL: /;
    expectThrowsClean(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0.5], [0, 1]] }), fn, /params\.scaleTril must be lower triangular \(a zero strict upper triangle\), got an entry of magnitude 0\.5 above the diagonal/);
    expectThrowsClean(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.5, -1]] }), /params\.scaleTril must be a lower-triangular matrix with a strictly positive diagonal, got a minimum diagonal entry of -1/);
    expectThrowsClean(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0, 0], [0, 1, 0]] }), /params\.scaleTril must be square matrices of shape \[\.\.\., d, d\], got shape \[2, 3\]/);
    expectThrowsClean(() => new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: [[1, 0], [0, 1]] }), /params\.loc must be of shape \[\.\.\., d\] with d = 2 \(the event size of params\.scaleTril\), got shape \[3\]/);
    expectThrowsClean(() => new MultivariateNormalTriL({ loc: [[0, 0], [0, 0], [0, 0]], scaleTril: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] }), /the batch shapes of params\.loc and params\.scaleTril must be broadcastable shapes, got \[3\] and \[2\]/);
    const d = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.5, 1]] });
    expectThrowsClean(() => d.logProb([1, 2, 3]), /MultivariateNormalTriL\.logProb: x must be of shape \[\.\.\., 2\] \(the event size\), got shape \[3\]/);
    expectThrowsClean(() => d.rsample([2], { noise: [[0, 0, 0], [0, 0, 0]] }), /MultivariateNormalTriL\.rsample: options\.noise must be of shape \[2, 2\]/);
    expectThrowsClean(() => d.sample([-1]), /sampleShape must be an array of non-negative integers, got \[-1\]/);
    d.dispose();
  });
});
