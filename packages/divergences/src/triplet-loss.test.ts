import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { tripletLoss } from './triplet-loss.js';
import { triplet } from '../test/golden.js';

const cases = triplet();
// the golden README: float32 triplet losses within 2.6e-6 of torch; check at atol 1e-5
const T_TOL = { rtol: 0, atol: 1e-5 };

describe('tripletLoss against torch.nn.functional.triplet_margin_loss (triplet.json)', () => {
  it('has 3 golden cases; case 0 row 0 has positive = anchor', () => {
    expect(cases.length).toBe(3);
    expect(cases[0]!.anchor[0]).toEqual(cases[0]!.positive[0]);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i: none, mean, sum (torch eps), exact no-eps, swap', (_i, c) => {
    const [a, p, n] = [c.anchor, c.positive, c.negative];
    const none = expectNoLeaks(() => tripletLoss(a, p, n, { reduction: 'none' }));
    expectClose(none, c.loss_none, { ...T_TOL, label: 'loss_none' });
    const mean = tripletLoss(a, p, n);
    expectClose(mean, c.loss_mean, { ...T_TOL, label: 'loss_mean' });
    const sum = tripletLoss(a, p, n, { reduction: 'sum' });
    expectClose(sum, c.loss_sum, { ...T_TOL, label: 'loss_sum' });
    const exact = tripletLoss(a, p, n, { eps: 0, reduction: 'none' });
    expectClose(exact, c.loss_none_exact_no_eps, { ...T_TOL, label: 'loss_none_exact_no_eps' });
    const exactMean = tripletLoss(a, p, n, { eps: 0 });
    expectClose(exactMean, c.loss_mean_exact_no_eps, { ...T_TOL, label: 'loss_mean_exact_no_eps' });
    const swap = tripletLoss(a, p, n, { swap: true, reduction: 'none' });
    expectClose(swap, c.loss_none_swap, { ...T_TOL, label: 'loss_none_swap' });
    tf.dispose([none, mean, sum, exact, exactMean, swap]);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i: the distances, with torch eps and exact (margin 0 exposes d_ap − d_an)', (_i, c) => {
    // with margin 0 and a negative equal to the anchor (d_an = ‖eps‖ or 0), the loss is d_ap − d_an
    const epsNorm = 1e-6 * Math.sqrt(c.anchor[0]!.length);
    const torch = tripletLoss(c.anchor, c.positive, c.anchor, { margin: 0, reduction: 'none' });
    expectClose(torch, c.d_ap_torch.map((d) => Math.max(d - epsNorm, 0)), { ...T_TOL, label: 'd_ap_torch' });
    const exact = tripletLoss(c.anchor, c.positive, c.anchor, { margin: 0, eps: 0, reduction: 'none' });
    expectClose(exact, c.d_ap_exact, { ...T_TOL, label: 'd_ap_exact' });
    const an = tripletLoss(c.anchor, c.negative, c.anchor, { margin: 0, eps: 0, reduction: 'none' });
    expectClose(an, c.d_an_exact, { ...T_TOL, label: 'd_an_exact' });
    tf.dispose([torch, exact, an]);
  });
});

describe('tripletLoss', () => {
  it('swap uses min(d(a, n), d(p, n)); p = 1 uses the L1 distance', () => {
    // a = 0, p = 2, n = 2.5 on a line: d_an = 2.5, d_pn = 0.5 → swap: max(2 − 0.5 + 1, 0) = 2.5 vs plain 0.5
    const plain = tripletLoss([[0]], [[2]], [[2.5]], { eps: 0 });
    const swap = tripletLoss([[0]], [[2]], [[2.5]], { eps: 0, swap: true });
    expectClose(plain, 0.5, { atol: 1e-6, rtol: 0 });
    expectClose(swap, 2.5, { atol: 1e-6, rtol: 0 });
    const l1 = tripletLoss([[0, 0]], [[1, 1]], [[3, 0]], { eps: 0, p: 1 });
    expectClose(l1, 2 - 3 + 1, { atol: 1e-6, rtol: 0 });
    tf.dispose([plain, swap, l1]);
  });

  it('gradients match finite differences and stay finite when positive = anchor (eps 0)', () => {
    const c = cases[1]!;
    const a = tf.tensor2d(c.anchor);
    checkGradient((t) => tripletLoss(t, c.positive, c.negative, { margin: 5 }) as tf.Scalar, a, { label: 'p = 2' });
    checkGradient((t) => tripletLoss(t, c.positive, c.negative, { margin: 5, p: 3, swap: true }) as tf.Scalar, a, { label: 'p = 3, swap' });
    const c0 = cases[0]!;
    const g = tf.grad((t: tf.Tensor) => tripletLoss(t, c0.positive, c0.negative, { eps: 0, margin: 10 }))(tf.tensor2d(c0.anchor));
    expectFinite(g, 'gradient at positive = anchor');
    const g3 = tf.grad((t: tf.Tensor) => tripletLoss(t, c0.positive, c0.negative, { eps: 0, margin: 10, p: 3 }))(tf.tensor2d(c0.anchor));
    expectFinite(g3, 'p = 3 at positive = anchor');
    tf.dispose([a, g, g3]);
  });

  it('names mistakes, leaving nothing allocated', () => {
    expectThrowsClean(() => tripletLoss([[1, 2]], [[1, 2]], [[1, 2, 3]]), /tripletLoss: anchor and negative must be of the same shape, got \[1, 2\] and \[1, 3\]/);
    expectThrowsClean(() => tripletLoss([[1]], [[1]], [[1]], { margin: -1 }), /tripletLoss: options.margin must be a finite number ≥ 0, got -1/);
    expectThrowsClean(() => tripletLoss([[1]], [[1]], [[1]], { p: 0 }), /tripletLoss: options.p must be a finite number ≥ 1, got 0/);
    expectThrowsClean(() => tripletLoss(1, 1, 1), /tripletLoss: anchor must be a tensor of rank ≥ 1/);
  });
});
