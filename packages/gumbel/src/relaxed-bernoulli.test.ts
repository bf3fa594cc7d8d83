import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean, ksCritical, ksStatistic } from '@genmod-internal/testing';
import { RelaxedBernoulli } from './relaxed-bernoulli.js';
import { RelaxedOneHotCategorical } from './relaxed-one-hot-categorical.js';

const logistic = (z: number) => 1 / (1 + Math.exp(-z));

describe('RelaxedBernoulli', () => {
  it.each([
    [0.1, 1.3],
    [0.5, -2],
    [2 / 3, 0],
    [2, 4],
  ])('equals the two-class Concrete density at (y, 1 − y) (τ = %s, logit %s)', (tau, l) => {
    const ys = [0.01, 0.2, 0.5, 0.77, 0.999];
    const b = new RelaxedBernoulli({ logits: l, temperature: tau });
    const c = new RelaxedOneHotCategorical({ logits: [l, 0], temperature: tau });
    const lb = expectNoLeaks(() => b.logProb(ys));
    const lc = c.logProb(ys.map((y) => [y, 1 - y]));
    expectClose(lb, lc, { rtol: 1e-5, atol: 1e-4, label: 'binary vs two-class Concrete' });
    tf.dispose([lb, lc]);
    b.dispose();
    c.dispose();
  });

  it('integrates to 1 over (0, 1)', () => {
    // y is float32: logistic(t) rounds to 1 beyond t ≈ 16.6, so the grid stays inside and τ ≥ 1 keeps the tails there
    for (const [tau, l] of [[1, -1], [2, 0.5], [5, 2]] as const) {
      const b = new RelaxedBernoulli({ logits: l, temperature: tau });
      const ts = Array.from({ length: 4001 }, (_, i) => -16 + (32 * i) / 4000);
      const ys = ts.map(logistic);
      const lp = b.logProb(ys).dataSync();
      let integral = 0;
      for (let i = 1; i < ts.length; i++) {
        const f = (j: number) => Math.exp(lp[j]!) * ys[j]! * (1 - ys[j]!);
        integral += ((f(i) + f(i - 1)) / 2) * (ts[i]! - ts[i - 1]!);
      }
      expect(integral, `tau ${tau}`).toBeCloseTo(1, 3);
      b.dispose();
    }
  });

  it('samples: τ·logit(y) − logit(p) is standard logistic (KS, N = 10000)', () => {
    const n = 10000;
    const tau = 0.5;
    const l = 0.8;
    const b = new RelaxedBernoulli({ logits: l, temperature: tau });
    const y = expectNoLeaks(() => b.sample([n], { seed: 41 }));
    const z = Array.from(y.dataSync(), (v) => tau * Math.log(v / (1 - v)) - l);
    expect(ksStatistic(z, logistic)).toBeLessThan(ksCritical(n));
    // and the test rejects the wrong temperature
    const z2 = Array.from(y.dataSync(), (v) => 0.6 * Math.log(v / (1 - v)) - l);
    expect(ksStatistic(z2, logistic)).toBeGreaterThan(ksCritical(n));
    y.dispose();
    b.dispose();
  });

  it('probs and logits parameterizations agree; shapes broadcast', () => {
    const p = [0.1, 0.5, 0.9];
    const a = new RelaxedBernoulli({ probs: p, temperature: 0.3 });
    const b = new RelaxedBernoulli({ logits: p.map((q) => Math.log(q / (1 - q))), temperature: 0.3 });
    expect(a.batchShape).toEqual([3]);
    const ya = a.sample([2], { seed: 4 });
    const yb = b.sample([2], { seed: 4 });
    expect(ya.shape).toEqual([2, 3]);
    expectClose(ya, yb, { atol: 1e-6, label: 'samples' });
    expectClose(a.logProb(ya), b.logProb(ya), { rtol: 1e-5, atol: 1e-5, label: 'log-densities' });
    expectClose(a.probsParameter(), p, { atol: 1e-7, label: 'probs' });
    expectClose(b.probsParameter(), p, { atol: 1e-6, label: 'probs from logits' });
    tf.dispose([ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('gradients of logProb and of samples match finite differences', () => {
    const y = tf.tensor1d([0.1, 0.4, 0.8]);
    checkGradient((l) => tf.sum(new RelaxedBernoulli({ logits: l, temperature: 0.7 }).logProb(y)) as tf.Scalar, tf.tensor1d([0.3, -1, 2]), { eps: 1e-2 });
    const noise = tf.tensor1d([0.5, -1.2, 2]);
    checkGradient((l) => tf.sum(tf.square(new RelaxedBernoulli({ logits: l, temperature: 0.7 }).rsample([], { noise }))) as tf.Scalar, tf.tensor1d([0.3, -1, 2]), { eps: 1e-2 });
    tf.dispose([y, noise]);
  });

  it.each([1e-3, 1, 1e3])('stays finite at extreme logits and probabilities 0 and 1 (τ = %s)', (tau) => {
    const b = new RelaxedBernoulli({ logits: [1e4, -1e4, 0], temperature: tau });
    const y = b.sample([16], { seed: 2 });
    expectFinite(y, 'samples');
    expectFinite(b.logProb(y), 'log-density of samples');
    const logits = tf.tensor1d([1e4, -1e4, 0]);
    const g = tf.grad((l: tf.Tensor) => tf.sum(new RelaxedBernoulli({ logits: l, temperature: tau }).logProb(tf.keep(y))))(logits);
    expectFinite(g, 'gradient');
    const p = new RelaxedBernoulli({ probs: [0, 1, 0.5], temperature: tau });
    const yp = p.sample([16], { seed: 3 });
    expectFinite(yp, 'samples with probs 0 and 1');
    expect(Math.max(...tf.slice(yp, [0, 0], [16, 1]).dataSync())).toBeLessThan(1e-3);
    tf.dispose([y, logits, g, yp]);
    b.dispose();
    p.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => new RelaxedBernoulli({ logits: 0, temperature: NaN }), /RelaxedBernoulli: params\.temperature must be a finite number > 0, got NaN/);
    expectThrowsClean(() => new RelaxedBernoulli({ probs: [0.2, 1.2], temperature: 1 }), /RelaxedBernoulli: params\.probs must be probabilities in \[0, 1\], got values in \[0\.2\d*, 1\.2\d*\]/);
    expectThrowsClean(() => new RelaxedBernoulli({ temperature: 1 }), /exactly one of `logits` or `probs`, got neither/);
    const b = new RelaxedBernoulli({ logits: [0, 1], temperature: 1 });
    expectThrowsClean(() => b.sample([3], { noise: [1, 2] }), /RelaxedBernoulli\.sample: options\.noise must be of the logits' shape \[3, 2\], got shape \[2\]/);
    b.dispose();
  });
});
