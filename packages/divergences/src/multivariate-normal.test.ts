import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { crossEntropyMultivariateNormal, entropyMultivariateNormal, klMultivariateNormal } from './multivariate-normal.js';
import { klNormalNormal } from './normal.js';
import { divergences } from '../test/golden.js';

const full = divergences().full_gaussian;
// float32 Cholesky and triangular solves of d ≤ 5 matrices: a few ulps of the O(1) terms
const MVN_TOL = { rtol: 1e-5, atol: 1e-5 };

describe('klMultivariateNormal against PyTorch (divergences.json full_gaussian)', () => {
  it('has 3 golden cases (d 2, 3, 5)', () => expect(full.map((c) => c.dim)).toEqual([2, 3, 5]));

  it.each(full.map((c) => [c.dim, c] as const))('d=%i: KL, reverse KL and entropy, from scaleTril and from covariance', (_d, c) => {
    const p1 = { loc: c.mu1, scaleTril: c.chol1 };
    const p2 = { loc: c.mu2, scaleTril: c.chol2 };
    const c1 = { loc: c.mu1, covariance: c.cov1 };
    const c2 = { loc: c.mu2, covariance: c.cov2 };
    const values = expectNoLeaks(() => [
      klMultivariateNormal(p1, p2), klMultivariateNormal(p2, p1), entropyMultivariateNormal(p1),
      klMultivariateNormal(c1, c2), klMultivariateNormal(c2, p1), entropyMultivariateNormal(c1),
    ]);
    [c.kl, c.kl_reverse, c.entropy1, c.kl, c.kl_reverse, c.entropy1].forEach((e, i) => expectClose(values[i]!, e, { ...MVN_TOL, label: `${i}` }));
    tf.dispose(values);
  });

  it('batches: the three golden pairs of d=2 broadcast against one q', () => {
    const c = full[0]!;
    const loc = tf.stack([tf.tensor1d(c.mu1), tf.tensor1d(c.mu1)]);
    const kl = klMultivariateNormal({ loc, scaleTril: c.chol1 }, { loc: c.mu2, covariance: c.cov2 });
    expect(kl.shape).toEqual([2]);
    expectClose(kl, [c.kl, c.kl], MVN_TOL);
    tf.dispose([loc, kl]);
  });

  it('reduces to the diagonal-normal KL for diagonal covariances; H(p, q) = H(p) + KL(p‖q)', () => {
    const p = { loc: [0.5, -1, 0], scaleTril: [[0.5, 0, 0], [0, 2, 0], [0, 0, 1]] };
    const q = { loc: [0, 0, 1], covariance: [[1, 0, 0], [0, 0.25, 0], [0, 0, 4]] };
    const kl = klMultivariateNormal(p, q);
    const diag = klNormalNormal({ loc: [0.5, -1, 0], scale: [0.5, 2, 1] }, { loc: [0, 0, 1], scale: [1, 0.5, 2] }, { eventRank: 1 });
    expectClose(kl, diag, MVN_TOL);
    const ce = crossEntropyMultivariateNormal(p, q);
    const sum = tf.tidy(() => tf.add(entropyMultivariateNormal(p), kl));
    expectClose(ce, sum, MVN_TOL);
    tf.dispose([kl, diag, ce, sum]);
  });

  it('gradients in the means and Cholesky factors match finite differences', () => {
    const c = full[1]!;
    const l1 = tf.tensor2d(c.chol1);
    const mask = tf.linalg.bandPart(tf.ones([3, 3]), -1, 0);
    checkGradient((t) => klMultivariateNormal({ loc: c.mu1, scaleTril: tf.mul(t, mask) }, { loc: c.mu2, scaleTril: c.chol2 }, { validate: false }) as tf.Scalar, l1, { label: 'wrt L_p' });
    checkGradient((t) => klMultivariateNormal({ loc: c.mu2, scaleTril: c.chol2 }, { loc: c.mu1, scaleTril: tf.mul(t, mask) }, { validate: false }) as tf.Scalar, l1, { label: 'wrt L_q' });
    const m = tf.tensor1d(c.mu1);
    checkGradient((t) => klMultivariateNormal({ loc: t, covariance: c.cov1 }, { loc: c.mu2, covariance: c.cov2 }) as tf.Scalar, m, { label: 'wrt μ_p' });
    tf.dispose([l1, mask, m]);
  });

  it('names mistakes, leaving nothing allocated', () => {
    const good = { loc: [0, 0], scaleTril: [[1, 0], [0, 1]] };
    expectThrowsClean(() => klMultivariateNormal({ loc: [0, 0], scaleTril: [[1, 0.5], [0, 1]] }, good), /klMultivariateNormal: p.scaleTril must be lower triangular \(zeros above the diagonal\), got an entry of magnitude 0.5 above the diagonal/);
    const neg = tf.tensor2d([[1, 0], [0.3, -1]]);
    expectThrowsClean(() => klMultivariateNormal(good, { loc: [0, 0], scaleTril: neg }), /klMultivariateNormal: q.scaleTril must be a Cholesky factor with a strictly positive diagonal, got a diagonal minimum of -1/);
    neg.dispose();
    expectThrowsClean(() => klMultivariateNormal(good, { loc: [0, 0, 0], scaleTril: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] }), /klMultivariateNormal: p and q must be laws of the same event size d, got d = 2 and d = 3/);
    expectThrowsClean(() => klMultivariateNormal({ loc: [0, 0, 0], scaleTril: [[1, 0], [0, 1]] }, good), /klMultivariateNormal: p.scaleTril must be of shape \[..., 3, 3\] to match p.loc \[3\]/);
    expectThrowsClean(() => klMultivariateNormal(good, { loc: [0, 0], covariance: [[1, 2], [2, 1]] }), /klMultivariateNormal: q.covariance must be positive definite, got a matrix whose Cholesky factorization fails/);
    expectThrowsClean(() => klMultivariateNormal(good, { loc: [0, 0], covariance: [[1, 0.2], [0.3, 1]] }), /klMultivariateNormal: q.covariance must be symmetric/);
    expectThrowsClean(() => klMultivariateNormal({ loc: [0, 0], scaleTril: [[1, 0], [0, 1]], covariance: [[1, 0], [0, 1]] } as never, good), /klMultivariateNormal: p must be .*exactly one of scaleTril, covariance.*got both/);
    expectThrowsClean(() => entropyMultivariateNormal({ loc: [[0, 0], [1, 1], [2, 2]], scaleTril: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] }), /entropyMultivariateNormal: p.loc and p.scaleTril \(batch dimensions\) must be broadcastable shapes, got \[3\] and \[2\]/);
  });
});
