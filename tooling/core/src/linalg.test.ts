import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean, loadGolden } from '@genmod-internal/testing';
import { batchMatMul, cholesky, logAbsDetTriangular, matrixTranspose, triangularSolve } from './linalg.js';

const full = loadGolden<{ full_gaussian: { dim: number; cov1: number[][]; chol1: number[][]; cov2: number[][]; chol2: number[][]; logdet1: number }[] }>('divergences.json').full_gaussian;

/** A well-conditioned random lower-triangular matrix (positive diagonal). */
function randomLower(d: number, seed: number, batch: number[] = []): tf.Tensor {
  return tf.tidy(() => {
    const m = tf.randomNormal([...batch, d, d], 0, 0.5, 'float32', seed);
    const lowerMask = tf.linalg.bandPart(tf.ones([d, d]), -1, 0);
    return tf.add(tf.mul(m, lowerMask), tf.mul(tf.eye(d), 2));
  });
}

describe('cholesky', () => {
  it.each(full.map((c) => [c.dim, c] as const))('matches numpy for the golden covariances (d = %d)', (_d, c) => {
    for (const [cov, chol] of [[c.cov1, c.chol1], [c.cov2, c.chol2]] as const) {
      const a = tf.tensor2d(cov);
      const l = expectNoLeaks(() => cholesky(a));
      expectClose(l, chol, { rtol: 1e-5, atol: 1e-6, label: 'chol' });
      tf.dispose([a, l]);
    }
    const ld = tf.tidy(() => tf.mul(logAbsDetTriangular(cholesky(tf.tensor2d(c.cov1))), 2));
    expectClose(ld, c.logdet1, { rtol: 1e-5, atol: 1e-5, label: 'log|Σ|' });
    ld.dispose();
  });

  it('factors a batch: L·Lᵀ = A, L lower triangular', () => {
    const a = tf.tidy(() => {
      const m = tf.randomNormal([3, 6, 6], 0, 1, 'float32', 4);
      return tf.add(tf.matMul(m, m, false, true), tf.mul(tf.eye(6), 0.5));
    });
    const l = cholesky(a);
    expectClose(tf.matMul(l, l, false, true), a, { rtol: 1e-4, atol: 1e-4, label: 'L·Lᵀ' });
    expectClose(tf.sub(l, tf.linalg.bandPart(l, -1, 0)), tf.zeros([3, 6, 6]), { atol: 0, rtol: 0, label: 'upper triangle' });
    tf.dispose([a, l]);
  });

  it('is differentiable (finite differences through a symmetric input)', () => {
    const m0 = tf.tensor2d([[1.2, 0.1, -0.3], [0.4, 0.9, 0.2], [-0.2, 0.3, 1.1]]);
    const w = tf.tensor2d([[1, 0, 0], [0.5, -1, 0], [0.3, 0.7, 2]]);
    checkGradient((m) => tf.sum(tf.mul(cholesky(tf.add(tf.matMul(m, m, false, true), tf.eye(3))), w)) as tf.Scalar, m0, { eps: 1e-2, rtol: 2e-2 });
    tf.dispose([m0, w]);
  });
});

describe('triangularSolve', () => {
  it.each([
    [true, false],
    [true, true],
    [false, false],
    [false, true],
  ])('solves M·X = B (lower %s, adjoint %s) with broadcast batches', (lower, adjoint) => {
    const l = randomLower(5, 1, [2, 1]); // batch [2, 1]
    const m = lower ? l : matrixTranspose(l);
    const b = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 2); // batch [3]
    const x = expectNoLeaks(() => triangularSolve(m, b, { lower, adjoint }));
    expect(x.shape).toEqual([2, 3, 5, 4]);
    // broadcast explicitly: tfjs 4.22's batched matMul mis-broadcasts a [2, 1] batch against [2, 3]
    const lhs = batchMatMul(adjoint ? matrixTranspose(m) : m, x);
    expectClose(lhs, tf.broadcastTo(b, [2, 3, 5, 4]), { rtol: 1e-4, atol: 1e-4, label: 'M·X vs B' });
    tf.dispose([l, m, b, x, lhs]);
  });

  it('ignores the other triangle', () => {
    const l = randomLower(4, 3);
    const junk = tf.add(l, tf.linalg.bandPart(tf.fill([4, 4], 7), 0, -1)); // upper triangle filled, diagonal +7
    const b = tf.randomNormal([4, 2], 0, 1, 'float32', 5);
    const diagFixed = tf.sub(junk, tf.mul(tf.eye(4), 7));
    expectClose(triangularSolve(diagFixed, b), triangularSolve(l, b), { rtol: 1e-6, atol: 1e-6, label: 'upper junk ignored' });
    tf.dispose([l, junk, b, diagFixed]);
  });

  it('is differentiable in both inputs (finite differences)', () => {
    const l = randomLower(4, 6);
    const b = tf.randomNormal([4, 2], 0, 1, 'float32', 7);
    checkGradient((v) => tf.sum(tf.square(triangularSolve(v, b))) as tf.Scalar, l, { eps: 1e-2, rtol: 2e-2 });
    checkGradient((v) => tf.sum(tf.square(triangularSolve(l, v, { adjoint: true }))) as tf.Scalar, b, { eps: 1e-2, rtol: 2e-2 });
    tf.dispose([l, b]);
  });

  it('names the argument on bad input', () => {
    const notSquare = tf.zeros([3, 4]);
    const b = tf.zeros([3, 2]);
    expectThrowsClean(() => triangularSolve(notSquare, b), /triangularSolve: matrix must be a float32 tensor of shape \[\.\.\., d, d\] \(square matrices\), got a float32 tensor of shape \[3, 4\]/);
    const sq = tf.eye(4);
    expectThrowsClean(() => triangularSolve(sq, b), /triangularSolve: rhs must be a float32 tensor of shape \[\.\.\., 4, m\]/);
    expectThrowsClean(() => cholesky(b), /cholesky: matrix must be .*square/);
    tf.dispose([notSquare, b, sq]);
  });
});

describe('batchMatMul', () => {
  it('broadcasts batch dimensions where tfjs 4.22 matMul gets them wrong', () => {
    const a = tf.randomNormal([2, 1, 3, 3], 0, 1, 'float32', 1);
    const b = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 2);
    const want = tf.matMul(tf.broadcastTo(a, [2, 3, 3, 3]), b);
    expectClose(expectNoLeaks(() => batchMatMul(a, b)), want, { rtol: 1e-6, atol: 1e-6, label: 'batchMatMul' });
    // the upstream defect this works around; when tfjs fixes it this assertion flips and the helper can go
    const raw = tf.matMul(a, b);
    expect(tf.max(tf.abs(tf.sub(raw, want))).dataSync()[0]).toBeGreaterThan(0.1);
    expectClose(batchMatMul(b, tf.randomNormal([2, 4], 0, 1, 'float32', 3)), tf.matMul(b, tf.broadcastTo(tf.randomNormal([2, 4], 0, 1, 'float32', 3), [2, 3, 2, 4])), { rtol: 1e-6, atol: 1e-6, label: 'rank-2 operand' });
    tf.dispose([a, b, want, raw]);
  });
});

describe('triangularSolve gradients at extreme scales (issue 14)', () => {
  // X = M⁻¹B with M = s·M₀, B = s·B₀: X = M₀⁻¹B₀ for every s, and ∂ΣX/∂M = −M⁻ᵀ·1·Xᵀ = −(1/s)·M₀⁻ᵀ·1·Xᵀ
  // (float64 closed form). tfjs's division gradient squares the diagonal: at s = 1e±30 that under- or
  // overflows float32 although the true gradient (~1e∓30) is representable.
  const m0 = [[1, 0], [0.5, 2]];
  const x = [1, 0.75]; // M₀⁻¹·[1, 2]
  // M₀⁻ᵀ·[1, 1] = [[1, −0.25], [0, 0.5]]·[1, 1] = [0.75, 0.5]
  const w = [0.75, 0.5];
  it.each([1e-30, 1e-20, 1, 1e20, 1e30])('s = %s: ∂ΣX/∂M equals the closed form element by element', (s) => {
    const g = tf.tidy(() => {
      const b = tf.tensor2d([[s], [2 * s]]);
      return Array.from(tf.grad((mm: tf.Tensor) => tf.sum(triangularSolve(mm, b)))(tf.tensor2d(m0.map((r) => r.map((v) => v * s)))).dataSync());
    });
    const ref = [-(w[0]! * x[0]!) / s, -(w[0]! * x[1]!) / s, -(w[1]! * x[0]!) / s, -(w[1]! * x[1]!) / s];
    // the lower triangle only: the upper entry is never read (its gradient is 0)
    for (const i of [0, 2, 3]) expect(Math.abs(g[i]! - ref[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(ref[i]!));
    expect(g[1]).toBe(0);
  });
});
