import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { wasserstein1d, wassersteinSorted } from './wasserstein.js';
import { divergences } from '../test/golden.js';

const cases = divergences().wasserstein1_1d;
// float64 on the host, rounded once to float32
const W_TOL = { rtol: 1e-6, atol: 1e-6 };

describe('wasserstein1d against scipy.stats.wasserstein_distance (divergences.json wasserstein1_1d)', () => {
  it('has 5 golden cases, one weighted and two of unequal sizes', () => {
    expect(cases.length).toBe(5);
    expect(cases.filter((c) => c.u_weights !== null).length).toBe(1);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i (and symmetric)', (_i, c) => {
    const w = expectNoLeaks(() => wasserstein1d(c.u, c.v, { uWeights: c.u_weights ?? undefined, vWeights: c.v_weights ?? undefined }));
    expectClose(w, c.wasserstein1, W_TOL);
    const r = wasserstein1d(tf.tensor1d(c.v), c.u, { uWeights: c.v_weights ?? undefined, vWeights: c.u_weights ?? undefined });
    expectClose(r, c.wasserstein1, W_TOL);
    tf.dispose([w, r]);
  });

  it('weights: scaling them changes nothing; moving mass does', () => {
    const a = wasserstein1d([0, 1], [0, 1], { uWeights: [3, 1] });
    expectClose(a, 0.25, W_TOL);
    const b = wasserstein1d([0, 1], [0, 1], { uWeights: [30, 10] });
    expectClose(b, 0.25, W_TOL);
    tf.dispose([a, b]);
  });

  it('names mistakes, leaving nothing allocated', () => {
    expectThrowsClean(() => wasserstein1d([], [1]), /wasserstein1d: u must be a non-empty 1-D sample \(shape \[n\]\), got shape \[0\]/);
    expectThrowsClean(() => wasserstein1d([[1, 2]], [1]), /wasserstein1d: u must be a non-empty 1-D sample/);
    expectThrowsClean(() => wasserstein1d([1, 2], [1], { uWeights: [1] }), /wasserstein1d: u and options.uWeights must be of the same shape, got \[2\] and \[1\]/);
    expectThrowsClean(() => wasserstein1d([1, 2], [1], { uWeights: [1, -1] }), /wasserstein1d: options.uWeights must be finite non-negative weights with a positive sum, got \[1, -1\]/);
    expectThrowsClean(() => wasserstein1d([1, NaN], [1]), /wasserstein1d: u must be finite/);
  });
});

describe('wassersteinSorted (differentiable, equal sizes)', () => {
  it('equals wasserstein1d on the equal-size golden cases (p = 1)', () => {
    for (const c of cases.filter((k) => k.u.length === k.v.length && k.u_weights === null)) {
      const w = expectNoLeaks(() => wassersteinSorted(c.u, c.v));
      expectClose(w, c.wasserstein1, { rtol: 1e-5, atol: 1e-6 });
      w.dispose();
    }
  });

  it('p = 2 and batches of rows', () => {
    const w = wassersteinSorted([[0, 2], [1, 5]], [[3, 1], [1, 5]], { p: 2 });
    // row 0: sorted [0, 2] vs [1, 3]: √((1 + 1)/2) = 1; row 1: 0
    expectClose(w, [1, 0], { rtol: 1e-6, atol: 1e-6 });
    w.dispose();
  });

  it('gradients go to each value through its rank, match finite differences, and are finite at u = v', () => {
    const x = tf.tensor1d([3, 0, 1]);
    const g = tf.grad((t: tf.Tensor) => wassersteinSorted(t, [5, 6, 8]))(x);
    expectClose(g, [-1 / 3, -1 / 3, -1 / 3], { rtol: 1e-6, atol: 1e-7 });
    checkGradient((t) => wassersteinSorted(t, [0.5, 2.5, -1], { p: 2 }) as tf.Scalar, tf.tensor1d([0.1, 3, -2]));
    checkGradient((t) => wassersteinSorted(t, [0.5, 2.5, -1], { p: 3 }) as tf.Scalar, tf.tensor1d([0.1, 3, -2]));
    const same = tf.grad((t: tf.Tensor) => wassersteinSorted(t, [3, 0, 1], { p: 2 }))(x);
    expectFinite(same);
    tf.dispose([x, g, same]);
  });

  it('names mistakes', () => {
    expectThrowsClean(() => wassersteinSorted([1, 2], [1, 2, 3]), /wassersteinSorted: u and v must be of the same shape, got \[2\] and \[3\]/);
    expectThrowsClean(() => wassersteinSorted([1, 2], [1, 2], { p: 0.5 }), /wassersteinSorted: options.p must be a finite number ≥ 1, got 0.5/);
  });
});
