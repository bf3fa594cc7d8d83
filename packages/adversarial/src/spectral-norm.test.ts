import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@genmod-internal/core';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { spectralNorm, spectralNormalizer } from './spectral-norm.js';
import { gradcheck } from './gradcheck.js';

/** k orthonormal columns of length m (Gram–Schmidt on fixed pseudo-random vectors), float64 */
function orthonormal(m: number, k: number, seed: number): number[][] {
  const rand = mulberry32(seed);
  const cols: number[][] = [];
  while (cols.length < k) {
    let v = Array.from({ length: m }, () => rand() - 0.5);
    for (const c of cols) {
      const d = v.reduce((s, x, i) => s + x * c[i]!, 0);
      v = v.map((x, i) => x - d * c[i]!);
    }
    const n = Math.hypot(...v);
    cols.push(v.map((x) => x / n));
  }
  return cols;
}

/** W = U diag(s) Vᵀ, [m, n], with known singular values s (descending) */
function withSingularValues(m: number, n: number, s: number[]): number[][] {
  const U = orthonormal(m, s.length, 11);
  const V = orthonormal(n, s.length, 12);
  return Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => s.reduce((acc, sk, k) => acc + sk * U[k]![i]! * V[k]![j]!, 0)));
}

const s = [3, 1.5, 0.5];

describe('spectralNorm', () => {
  it('σ converges to the largest singular value; W/σ has spectral norm 1', () => {
    const W = tf.tensor2d(withSingularValues(5, 3, s));
    const u0 = tf.tensor1d([1, 1, 1]);
    const r = expectNoLeaks(() => spectralNorm(W, u0, { iterations: 30 }));
    expectClose(r.sigma, 3, { rtol: 1e-5 });
    expect(r.u.shape).toEqual([3]);
    expectClose(tf.norm(r.u), 1, { rtol: 1e-5 });
    const again = spectralNorm(r.weight, r.u, { iterations: 30 });
    expectClose(again.sigma, 1, { rtol: 1e-5 });
    tf.dispose([W, u0, r.weight, r.sigma, r.u, again.weight, again.sigma, again.u]);
  });

  it('handles conv kernels [kh, kw, in, out] as [kh·kw·in, out] matrices', () => {
    const M = withSingularValues(12, 4, [2.5, 2, 1, 0.1]);
    const W = tf.reshape(tf.tensor2d(M), [2, 2, 3, 4]);
    const u0 = tf.tensor1d([1, -1, 0.5, 2]);
    const r = spectralNorm(W, u0, { iterations: 100 }); // (2/2.5)² per step: 100 steps reach 1e-10
    expectClose(r.sigma, 2.5, { rtol: 1e-4 });
    expect(r.weight.shape).toEqual([2, 2, 3, 4]);
    tf.dispose([W, u0, r.weight, r.sigma, r.u]);
  });

  it('its gradient treats u and v as constants: ∂σ/∂W = v uᵀ, = finite differences at convergence', () => {
    const W = tf.tensor2d(withSingularValues(5, 3, s));
    const u0 = tf.tensor1d([1, 1, 1]);
    const conv = spectralNorm(W, u0, { iterations: 40 });
    const grad = tf.tidy(() => tf.grad((w: Tensor) => spectralNorm(w, conv.u).sigma)(W));
    // v uᵀ: u the top right singular vector, v = W u / ‖W u‖
    const u = Array.from(conv.u.dataSync());
    const Wu = (W.arraySync() as number[][]).map((row) => row.reduce((a, x, j) => a + x * u[j]!, 0));
    const nWu = Math.hypot(...Wu);
    expectClose(grad, Wu.map((x) => u.map((uj) => (x / nWu) * uj)), { rtol: 1e-4, atol: 1e-5 });
    const report = gradcheck((w) => spectralNorm(w!, conv.u).sigma, [W], { eps: 1e-2 });
    expect(report.ok).toBe(true);
    tf.dispose([W, u0, conv.weight, conv.sigma, conv.u, grad]);
  });

  it('refuses bad arguments', () => {
    const W = tf.ones([3, 2]);
    const v = tf.ones([3]);
    const u = tf.ones([2]);
    expectThrowsClean(() => spectralNorm(v, u), /spectralNorm: weight must be a kernel of rank ≥ 2/);
    expectThrowsClean(() => spectralNorm(W, v), /spectralNorm: u must be a float32 tensor of 2 elements/);
    expectThrowsClean(() => spectralNorm(W, u, { iterations: 0 }), /options.iterations must be an integer ≥ 1/);
    tf.dispose([W, v, u]);
  });
});

describe('spectralNormalizer', () => {
  it('one power step per call, carried over: σ converges as training proceeds', () => {
    const W = tf.variable(tf.tensor2d(withSingularValues(5, 3, s)));
    const sn = spectralNormalizer(W.shape, { seed: 3 });
    expect(Number.isNaN(sn.sigma)).toBe(true);
    tf.dispose(sn.apply(W)); // the first call keeps its σ
    const before = tf.memory().numTensors;
    for (let i = 0; i < 19; i++) tf.dispose(sn.apply(W));
    expect(tf.memory().numTensors).toBe(before); // flat over steps
    expect(sn.sigma).toBeCloseTo(3, 4);
    sn.dispose();
    sn.dispose(); // idempotent
    expect(() => sn.apply(W)).toThrow(/after dispose/);
    W.dispose();
  });

  it('works inside optimizer steps (applied twice per loss), with a flat tensor count', () => {
    const W = tf.variable(tf.tensor2d([[1.5, 0.2], [-0.3, 0.8]]));
    const sn = spectralNormalizer(W.shape, { seed: 1 });
    const opt = tf.train.sgd(0.05);
    const x = tf.tensor2d([[1, 0.5], [-0.2, 1]]);
    const loss = () => tf.add(tf.sum(tf.tanh(tf.matMul(x, sn.apply(W)))), tf.sum(tf.square(sn.apply(W)))) as tf.Scalar;
    opt.minimize(loss, false, [W]);
    expectNoLeaks(() => {
      for (let i = 0; i < 10; i++) opt.minimize(loss, false, [W]);
    });
    expect(Number.isFinite(sn.sigma)).toBe(true);
    tf.dispose([W, x]);
    opt.dispose();
    sn.dispose();
  });

  it('refuses bad shapes', () => {
    expect(() => spectralNormalizer([3])).toThrow(/spectralNormalizer: shape must be the weight shape, rank ≥ 2/);
    const sn = spectralNormalizer([2, 2], { seed: 1 });
    const w = tf.ones([2, 3]);
    expectThrowsClean(() => sn.apply(w), /spectralNormalizer.apply: weight must be of shape \[2, 2\]/);
    w.dispose();
    sn.dispose();
  });
});
