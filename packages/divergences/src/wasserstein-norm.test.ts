/**
 * Regressions found by the differential suite (tooling/differential, unit divergences_estimators; issue 14): norms
 * of differences at scales 1e±30 (squares under/overflowing float32), the subgradient at zero distance, the
 * Jacobian of a normalization, and dot products whose terms overflow.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { contrastiveObjective } from './contrastive-objective.js';
import { energyDistance } from './energy-distance.js';
import { infoNce } from './info-nce.js';
import { slicedWasserstein } from './sliced-wasserstein.js';
import { tripletLoss } from './triplet-loss.js';
import { wassersteinSorted } from './wasserstein.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const close = (got: number[], want: number[], rtol = 1e-5) =>
  want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(rtol * Math.abs(w) + 1e-30));

describe('scale-safe norms of differences (issue 14: never square what may leave the float32 range)', () => {
  it('wassersteinSorted p = 2 at spread 1e30 is finite (was Infinity)', () => {
    close(values(wassersteinSorted([1e30, -1e30], [0, 0], { p: 2 })), [1e30]);
    close(values(wassersteinSorted([1e15, -2e15], [0, 0], { p: 3 })), [((1 + 8) / 2) ** (1 / 3) * 1e15]);
  });

  it('wassersteinSorted p = 2 at spread 1e-30 has its gradient (was 0)', () => {
    const g = tf.grad((u: tf.Tensor) => wassersteinSorted(u, [0, 0], { p: 2 }))(tf.tensor1d([3e-30, -1e-30]));
    close(values(g), [3 / (2 * Math.sqrt(5)), -1 / (2 * Math.sqrt(5))]);
  });

  it('wassersteinSorted p = 1 between identical samples: gradient 0, the minimum-norm subgradient (was −1/n)', () => {
    const g = tf.grad((u: tf.Tensor) => wassersteinSorted(u, [1, 2, 3], { p: 1 }))(tf.tensor1d([1, 2, 3]));
    expect(values(g).map(Math.abs)).toEqual([0, 0, 0]);
  });

  it('energyDistance at spread 1e30 is finite (was NaN), at 1e-30 has its gradient (was 0)', () => {
    close(values(energyDistance([[1e30, 0]], [[0, 1e30]])), [Math.sqrt(2 * Math.SQRT2 * 1e30)]);
    const g = tf.grad((u: tf.Tensor) => energyDistance(u, [[0, 0]]))(tf.tensor2d([[1e-30, 0]]));
    close(values(g), [1 / Math.sqrt(2e-30), 0]);
  });

  it('energyDistance in 1-D: a zero-distance pair contributes the subgradient 0 (tf.abs gives −1)', () => {
    // D² = 2·4/3 − 8/9 − 1 = 7/9; ∂D²/∂u₁ = (1/3)·(sign(1 − 1) + sign(1 − 3)) = −1/3; ∂D²/∂v₀ = 1/2
    const d = Math.sqrt(7 / 9);
    const [gu, gv] = tf.grads((u: tf.Tensor, v: tf.Tensor) => energyDistance(u, v))([tf.tensor1d([0, 1, 2]), tf.tensor1d([1, 3])]);
    close([values(gu!)[1]!, values(gv!)[0]!], [-1 / 3 / (2 * d), 1 / 2 / (2 * d)]);
  });

  it('slicedWasserstein at spread 1e30 is finite (was Infinity); directions of norm 1e-20 have finite gradients', () => {
    close(values(slicedWasserstein([[1e30, 0]], [[0, 0]], { directions: [[1, 0]] })), [1e30]);
    const x = tf.tensor2d([[1, 0], [0, 2]]);
    const y = tf.tensor2d([[0, 0], [1, 1]]);
    const grad = (s: number) => values(tf.grad((d: tf.Tensor) => slicedWasserstein(x, y, { directions: d }))(tf.tensor2d([[s, 0.5 * s]])));
    const unit = grad(1);
    close(grad(1e-20), unit.map((v) => v * 1e20), 1e-5);
  });

  it('tripletLoss at spread 1e30 is finite (was NaN), at 1e-30 has its gradient (was 0)', () => {
    close(values(tripletLoss([[0, 0]], [[3e30, 0]], [[0, 1e30]], { eps: 0, margin: 0 })), [2e30]);
    const g = tf.grad((p: tf.Tensor) => tripletLoss([[0, 0]], p, [[1, 0]], { eps: 0, margin: 2 }))(tf.tensor2d([[3e-30, 4e-30]]));
    close(values(g), [0.6, 0.8]);
  });
});

describe('infoNce normalization (issue 14)', () => {
  it('embeddings of norm 1e30 are unit vectors, not 0 (the loss was log B)', () => {
    const q = [[1e30, 0], [0, 1e30]];
    close(values(infoNce(q, q, { temperature: 1 })), [Math.log1p(Math.exp(-1))]);
  });

  it('in one dimension the gradient is exactly 0 (x/|x| is locally constant; was a cancellation residue)', () => {
    // the differential suite's case (keys[3] = 0.0228: the residue was 2⁻¹⁴ against the exact 0)
    const query = [0.0368442, -0.2092825, -0.9264629, -0.3198009, -1.0295779, 0.7619946, -0.3418303, -1.0606177, 2.3585875];
    const keys = [0.1804983, -1.0332021, -1.3848146, 0.0227614, -1.5052835, 0.7834187, -0.7056344, -1.846649, 1.7905427];
    const g = tf.grad((k: tf.Tensor) => infoNce(tf.tensor2d(query, [9, 1]), k, { temperature: 0.0971955, reduction: 'sum' }))(tf.tensor2d(keys, [9, 1]));
    expect(values(g).map(Math.abs)).toEqual(new Array(9).fill(0));
  });
});

describe('contrastiveObjective without intermediate overflow (issue 14)', () => {
  it('products beyond float32 that cancel give the finite result (was NaN)', () => {
    // q·d = 2e19·2e19 − 2e19·1.9e19 = 2e37, while each product (4e38, −3.8e38) overflows float32
    // (the float32 inputs, and a float32 rounding of each product: 2⁻²⁴·8e38 against 2e37, rtol 1e-5)
    const [a, b] = [Math.fround(2e19), Math.fround(1.9e19)];
    close(values(contrastiveObjective([[2e19, 2e19]], [[2e19, -1.9e19]], [[0, 0]], { reduction: 'none' })), [a * a - a * b], 1e-5);
    const g = tf.grad((q: tf.Tensor) => contrastiveObjective(q, [[2e19, -1.9e19]], [[0, 0]]))(tf.tensor2d([[2e19, 2e19]]));
    close(values(g), [2e19, -1.9e19]);
  });
});
