import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  checkGradient,
  chiSquare,
  chiSquareCritical,
  countLabels,
  expectClose,
  expectFinite,
  expectNoLeaks,
  expectThrowsClean,
  ksCritical,
  ksStatistic,
} from '@genmod-internal/testing';
import { gumbelSoftmax } from './gumbel-softmax.js';
import { gumbelSoftmaxCases, statCase } from '../test/golden.js';

const cases = gumbelSoftmaxCases();
const perTau = cases.flatMap((c) => c.per_tau.map((t) => [`B=${c.B} K=${c.K} tau=${t.tau}`, c, t] as const));

/** d/dlogits Σ w ⊙ gumbelSoftmax(logits) */
function gradOfWeightedSum(logits: tf.Tensor, w: tf.Tensor, options: Parameters<typeof gumbelSoftmax>[1]): tf.Tensor {
  return tf.grad((l: tf.Tensor) => tf.sum(tf.mul(w, gumbelSoftmax(l, options))))(logits);
}

describe('gumbelSoftmax against PyTorch (gumbel_softmax.json, stored noise)', () => {
  it('has 15 golden (case, tau) pairs', () => expect(perTau.length).toBe(15));

  it.each(perTau)('soft values and gradients (%s)', (_n, c, t) => {
    const logits = tf.tensor2d(c.logits);
    const g = tf.tensor2d(c.g);
    const w = tf.tensor2d(c.w);
    const y = expectNoLeaks(() => gumbelSoftmax(logits, { temperature: t.tau, noise: g }));
    expectClose(y, t.y_soft, { atol: 1e-6, rtol: 0, label: 'y_soft' });
    const dl = expectNoLeaks(() => gradOfWeightedSum(logits, w, { temperature: t.tau, noise: g }));
    expectClose(dl, t.grad_logits_of_sum_w_y, { atol: 1e-5, rtol: 1e-5, label: 'grad_logits_of_sum_w_y' });
    tf.dispose([logits, g, w, y, dl]);
  });

  it.each(perTau)('hard one-hots, with the soft gradient (straight-through, %s)', (_n, c, t) => {
    const logits = tf.tensor2d(c.logits);
    const g = tf.tensor2d(c.g);
    const w = tf.tensor2d(c.w);
    const y = expectNoLeaks(() => gumbelSoftmax(logits, { temperature: t.tau, noise: g, hard: true }));
    expect(y.arraySync()).toEqual(t.y_hard);
    const dl = expectNoLeaks(() => gradOfWeightedSum(logits, w, { temperature: t.tau, noise: g, hard: true }));
    expectClose(dl, t.grad_logits_of_sum_w_y, { atol: 1e-5, rtol: 1e-5, label: 'straight-through gradient' });
    tf.dispose([logits, g, w, y, dl]);
  });
});

describe('gumbelSoftmax', () => {
  it('gradients match finite differences (soft; several temperatures)', () => {
    const c = cases[1]!; // B=3, K=10
    const g = tf.tensor2d(c.g);
    const w = tf.tensor2d(c.w);
    for (const tau of [0.5, 1, 3]) {
      const logits = tf.tensor2d(c.logits);
      checkGradient((l) => tf.sum(tf.mul(w, gumbelSoftmax(l, { temperature: tau, noise: g }))) as tf.Scalar, logits, { eps: 1e-2, rtol: 2e-2, label: `tau ${tau}` });
      logits.dispose();
    }
    tf.dispose([g, w]);
  });

  it('the straight-through gradient equals the soft one for random noise', () => {
    const logits = tf.randomNormal([6, 9], 0, 2, 'float32', 1);
    const w = tf.randomNormal([6, 9], 0, 1, 'float32', 2);
    const soft = gradOfWeightedSum(logits, w, { temperature: 0.7, seed: 3 });
    const hard = gradOfWeightedSum(logits, w, { temperature: 0.7, seed: 3, hard: true });
    expectClose(hard, soft, { atol: 0, rtol: 0, label: 'hard vs soft gradient' });
    tf.dispose([logits, w, soft, hard]);
  });

  it('argmax of relaxed samples is Categorical(softmax(logits)) at every temperature (chi-square, K=5, N = 10000)', () => {
    const c = statCase('gumbel_max_K5');
    const logits = tf.tile(tf.tensor2d([c.logits]), [10000, 1]);
    for (const [tau, seed] of [[0.1, 1], [1, 2], [5, 3]] as const) {
      const y = gumbelSoftmax(logits, { temperature: tau, seed });
      const k = tf.argMax(y, -1);
      expect(chiSquare(countLabels(k.dataSync(), 5), c.probs).statistic, `tau ${tau}`).toBeLessThan(chiSquareCritical(4));
      tf.dispose([y, k]);
    }
    logits.dispose();
  });

  it('pairwise log-ratios are logistic: τ(log y_i − log y_j) − (l_i − l_j) ~ Logistic(0, 1) (KS, N = 10000)', () => {
    const c = statCase('gumbel_max_K5');
    const n = 10000;
    const tau = 0.5;
    const logits = tf.tile(tf.tensor2d([c.logits]), [n, 1]);
    const y = gumbelSoftmax(logits, { temperature: tau, seed: 12 });
    const v = y.dataSync();
    const logistic = (z: number) => 1 / (1 + Math.exp(-z));
    for (const [i, j] of [[0, 3], [1, 4], [2, 0]] as const) {
      const z = Array.from({ length: n }, (_, r) => tau * (Math.log(v[r * 5 + i]!) - Math.log(v[r * 5 + j]!)) - (c.logits[i]! - c.logits[j]!));
      expect(ksStatistic(z, logistic), `pair (${i}, ${j})`).toBeLessThan(ksCritical(n));
    }
    // the test catches the classic bug softmax(logits/τ + g)
    const buggy = tf.softmax(tf.add(tf.div(logits, tau), tf.neg(tf.log(tf.neg(tf.log(tf.randomUniform([n, 5], 0, 1, 'float32', 13)))))));
    const b = buggy.dataSync();
    const zb = Array.from({ length: n }, (_, r) => tau * (Math.log(b[r * 5]!) - Math.log(b[r * 5 + 3]!)) - (c.logits[0]! - c.logits[3]!));
    expect(ksStatistic(zb, logistic)).toBeGreaterThan(ksCritical(n));
    tf.dispose([logits, y, buggy]);
  });

  it('rows lie on the simplex; hard rows are one-hot and equal argmax of the soft sample', () => {
    const logits = tf.randomNormal([32, 6], 0, 3, 'float32', 4);
    const y = gumbelSoftmax(logits, { temperature: 0.3, seed: 8 });
    const h = gumbelSoftmax(logits, { temperature: 0.3, seed: 8, hard: true });
    expectClose(tf.sum(y, -1), new Array(32).fill(1), { atol: 1e-5, rtol: 0, label: 'row sums' });
    expect(Math.min(...y.dataSync())).toBeGreaterThanOrEqual(0);
    expect(Array.from(tf.argMax(h, -1).dataSync())).toEqual(Array.from(tf.argMax(y, -1).dataSync()));
    expectClose(tf.sum(h, -1), new Array(32).fill(1), { atol: 0, rtol: 0, label: 'hard row sums' });
    tf.dispose([logits, y, h]);
  });

  it('works along another axis (classes on axis 0 or 1 of a rank-3 tensor)', () => {
    const logits = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 5);
    const g = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 6);
    const ref = gumbelSoftmax(logits, { noise: g, temperature: 0.8 });
    for (const axis of [0, 1, -3]) {
      const a = axis < 0 ? axis + 3 : axis;
      const perm = [0, 1];
      perm.splice(a, 0, 2);
      // move the last axis to `axis`, sample there, move it back
      const lT = tf.transpose(logits, perm);
      const gT = tf.transpose(g, perm);
      for (const hard of [false, true]) {
        const y = gumbelSoftmax(lT, { noise: gT, temperature: 0.8, axis, hard });
        const inv = perm.map((_, i) => perm.indexOf(i));
        const back = tf.transpose(y, inv);
        const expected = hard ? tf.cast(tf.oneHot(tf.argMax(ref, -1), 5), "float32") : ref;
        expectClose(back, expected, { atol: 1e-6, rtol: 0, label: `axis ${axis}, hard ${hard}` });
      }
    }
    tf.dispose([logits, g, ref]);
  });

  it.each([1e-3, 0.1, 1, 1e3])('stays finite at logits ±1e4 and −Infinity masks (τ = %s), values and gradients', (tau) => {
    const logits = tf.tensor2d([
      [1e4, -1e4, 0, -Infinity],
      [-Infinity, -Infinity, 3, -1e4],
      [1e4, 1e4, -1e4, -Infinity],
      [0, 0, 0, 0],
    ]);
    const w = tf.tensor2d([[1, -2, 3, 4], [0.5, 1, -1, 2], [-1, 2, 0.3, 1], [1, 2, 3, 4]]);
    for (const hard of [false, true]) {
      const y = gumbelSoftmax(logits, { temperature: tau, seed: 21, hard });
      expectFinite(y, `y (tau ${tau}, hard ${hard})`);
      const v = y.arraySync() as number[][];
      expect(v[0]![3]).toBe(0); // masked classes get exactly zero
      expect(v[1]![0]! + v[1]![1]!).toBe(0);
      const dl = gradOfWeightedSum(logits, w, { temperature: tau, seed: 21, hard });
      expectFinite(dl, `gradient (tau ${tau}, hard ${hard})`);
      expect((dl.arraySync() as number[][])[0]![3]).toBe(0);
      tf.dispose([y, dl]);
    }
    tf.dispose([logits, w]);
  });

  it('is reproducible with a seed: same seed, same sample', () => {
    const a = gumbelSoftmax(tf.zeros([4, 5]), { seed: 99 });
    const b = gumbelSoftmax(tf.zeros([4, 5]), { seed: 99 });
    expect(a.arraySync()).toEqual(b.arraySync());
    tf.dispose([a, b]);
  });

  it('trains: Adam through gumbelSoftmax reaches the optimum of E[Σ c·y] and holds the tensor count flat', () => {
    const cost = tf.tensor1d([3, 1, 2, 0.5, 4]);
    for (const hard of [false, true]) {
      const logits = tf.variable(tf.zeros([1, 5]));
      const opt = tf.train.adam(0.1);
      let countAtStep10 = 0;
      for (let step = 0; step < 300; step++) {
        tf.tidy(() => {
          opt.minimize(() => tf.mean(tf.sum(tf.mul(gumbelSoftmax(tf.tile(logits, [16, 1]), { temperature: 0.5, hard, seed: step }), cost), -1)) as tf.Scalar, false, [logits]);
        });
        if (step === 10) countAtStep10 = tf.memory().numTensors;
      }
      expect(tf.memory().numTensors, `tensor count after 300 steps (hard ${hard})`).toBe(countAtStep10);
      const p = tf.softmax(logits).dataSync();
      // the minimum of Σ c·y over the simplex is the vertex of the cheapest class (index 3)
      expect(p[3], `p(cheapest class), hard ${hard}`).toBeGreaterThan(0.97);
      opt.dispose();
      logits.dispose();
    }
    cost.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    for (const t of [0, -1, Infinity, NaN]) {
      expectThrowsClean(() => gumbelSoftmax([[1, 2]], { temperature: t }), new RegExp(`gumbelSoftmax: options\\.temperature must be a finite number > 0, got ${t}`));
    }
    const ints = tf.tensor2d([[1, 2]], undefined, 'int32');
    expectThrowsClean(() => gumbelSoftmax(ints), /gumbelSoftmax: logits must be a float32 tensor, got a int32 tensor of shape \[1, 2\]/);
    ints.dispose();
    const scalar = tf.scalar(1);
    expectThrowsClean(() => gumbelSoftmax(scalar), /gumbelSoftmax: logits must be a tensor of rank ≥ 1 .*got a float32 tensor of shape \[\]/);
    scalar.dispose();
    expectThrowsClean(() => gumbelSoftmax([[1, 2]], { axis: -3 }), /gumbelSoftmax: axis must be an integer in \[-2, 1\] for a rank-2 input, got -3/);
    expectThrowsClean(() => gumbelSoftmax([[1, 2]], { noise: [[1, 2, 3]] }), /gumbelSoftmax: options\.noise must be of the logits' shape \[1, 2\], got shape \[1, 3\]/);
    expectThrowsClean(() => gumbelSoftmax([[1, 2]], { hard: 'yes' as never }), /gumbelSoftmax: options\.hard must be a boolean, got yes/);
  });
});
