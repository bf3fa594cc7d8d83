import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean, ksCritical, ksStatistic } from '@genmod-internal/testing';
import { Logistic } from './logistic.js';

const sigma = (x: number) => 1 / (1 + Math.exp(-x));

describe('Logistic', () => {
  it('has the closed-form density, cdf, quantile and moments', () => {
    const d = new Logistic({ loc: [0, 1], scale: 2 });
    const x = [[-3, 0.5], [400, -400]];
    const r = expectNoLeaks(() => ({ lp: d.logProb(x), p: d.prob(x), c: d.cdf(x), q: d.quantile([0.25, 0.9]), m: d.mean(), v: d.variance(), s: d.stddev(), h: d.entropy() }));
    const lp = (v: number, m: number) => {
      const z = (v - m) / 2;
      return -z - 2 * Math.log1p(Math.exp(-z)) - Math.log(2);
    };
    // z = 200 and −200.5: the naive −z − 2·log(1 + e^(−z)) overflows in float32 (e^200); the softplus form is exact
    expectClose(r.lp, [[lp(-3, 0), lp(0.5, 1)], [lp(400, 0), lp(-400, 1)]], { rtol: 1e-5, atol: 1e-5 });
    expectClose(r.c, [[sigma(-1.5), sigma(-0.25)], [1, 0]], { rtol: 1e-5, atol: 1e-7 });
    expectClose(r.q, [2 * Math.log(1 / 3), 1 + 2 * Math.log(9)], { rtol: 1e-5, atol: 1e-5 });
    expectClose(r.m, [0, 1]);
    expectClose(r.v, [(4 * Math.PI ** 2) / 3, (4 * Math.PI ** 2) / 3], { rtol: 1e-6 });
    expectClose(r.s, [(2 * Math.PI) / Math.sqrt(3), (2 * Math.PI) / Math.sqrt(3)], { rtol: 1e-6 });
    expectClose(r.h, [Math.log(2) + 2, Math.log(2) + 2], { rtol: 1e-6 });
    tf.dispose(Object.values(r));
    d.dispose();
  });

  it('samples pass the KS test against σ((x − μ)/s) (N = 10000); a Normal of the same variance fails it', () => {
    const d = new Logistic({ loc: -1, scale: 0.7 });
    const s = d.sample([10000], { seed: 5 });
    const F = (x: number) => sigma((x + 1) / 0.7);
    expect(ksStatistic(s.dataSync(), F)).toBeLessThan(ksCritical(10000));
    const normal = tf.randomNormal([10000], -1, (0.7 * Math.PI) / Math.sqrt(3), 'float32', 5);
    expect(ksStatistic(normal.dataSync(), F)).toBeGreaterThan(ksCritical(10000));
    tf.dispose([s, normal]);
    d.dispose();
  });

  it('rsample: ∂z/∂μ = 1, ∂z/∂s = l (the standard logistic noise); logProb gradients match finite differences', () => {
    const l = tf.tensor1d([-2, 0.3, 4]);
    const [gm, gs] = tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(new Logistic({ loc: m, scale: s }).rsample([], { noise: l })))([tf.zeros([3]), tf.ones([3])]);
    expectClose(gm!, [1, 1, 1]);
    expectClose(gs!, l);
    const x = tf.tensor1d([-1, 0, 2.5]);
    checkGradient((p) => {
      const [m, s] = tf.unstack(p);
      return tf.sum(new Logistic({ loc: m!, scale: s! }).logProb(x)) as tf.Scalar;
    }, tf.tensor1d([0.2, 1.3]), { eps: 1e-2 });
    checkGradient((p) => {
      const [m, s] = tf.unstack(p);
      return tf.mean(tf.square(new Logistic({ loc: m!, scale: s! }).rsample([6], { seed: 1 }))) as tf.Scalar;
    }, tf.tensor1d([0.2, 1.3]), { eps: 1e-2 });
    tf.dispose([l, gm!, gs!, x]);
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => new Logistic({ loc: 0, scale: [1, 0] }), /Logistic: params\.scale must be strictly positive, got a minimum of 0/);
    expectThrowsClean(() => new Logistic({ loc: [1, 2], scale: [1, 2, 3] }), /Logistic: params\.loc and params\.scale must be broadcastable shapes, got \[2\] and \[3\]/);
    const d = new Logistic({ loc: 0, scale: 1 });
    expectThrowsClean(() => d.rsample([2], { noise: [1, 2, 3] }), /Logistic\.rsample: options\.noise must be of shape \[2\]/);
    d.dispose();
  });
});
