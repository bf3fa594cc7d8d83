import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean, ksCritical, ksStatistic } from '@genmod-internal/testing';
import { Uniform } from './uniform.js';

describe('Uniform', () => {
  it('has density 1/(high − low) inside [low, high), −Infinity outside, and the closed-form moments', () => {
    const d = new Uniform({ low: [0, -1], high: [2, 3] });
    const r = expectNoLeaks(() => ({ lp: d.logProb([[0, 3], [2, -1], [1.5, 2.9]]), c: d.cdf([[-1, 1], [3, 0]]), m: d.mean(), v: d.variance(), s: d.stddev(), h: d.entropy() }));
    expectClose(r.lp, [[-Math.LN2, null], [null, -Math.log(4)], [-Math.LN2, -Math.log(4)]], { rtol: 1e-6 });
    expect(r.lp.dataSync()[1]).toBe(-Infinity);
    expectClose(r.c, [[0, 0.5], [1, 0.25]]);
    expectClose(r.m, [1, 1]);
    expectClose(r.v, [4 / 12, 16 / 12], { rtol: 1e-6 });
    expectClose(r.s, [2 / Math.sqrt(12), 4 / Math.sqrt(12)], { rtol: 1e-6 });
    expectClose(r.h, [Math.LN2, Math.log(4)], { rtol: 1e-6 });
    tf.dispose(Object.values(r));
    d.dispose();
  });

  it('samples pass the KS test (N = 10000) and lie in [low, high); a sampler on [low, 1.05·high) fails it', () => {
    const d = new Uniform({ low: 2, high: 5 });
    const s = d.sample([10000], { seed: 9 });
    const v = s.dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...v)).toBeLessThan(5);
    const F = (x: number) => Math.min(1, Math.max(0, (x - 2) / 3));
    expect(ksStatistic(v, F)).toBeLessThan(ksCritical(10000));
    const wrong = new Uniform({ low: 2, high: 5.15 });
    const w = wrong.sample([10000], { seed: 9 });
    expect(ksStatistic(w.dataSync(), F)).toBeGreaterThan(ksCritical(10000));
    tf.dispose([s, w]);
    d.dispose();
    wrong.dispose();
  });

  it('rsample: ∂z/∂low = 1 − u, ∂z/∂high = u; logProb gradients match finite differences', () => {
    const u = tf.tensor1d([0.1, 0.5, 0.9]);
    const [gl, gh] = tf.grads((lo: tf.Tensor, hi: tf.Tensor) => tf.sum(new Uniform({ low: lo, high: hi }).rsample([], { noise: u })))([tf.zeros([3]), tf.ones([3])]);
    expectClose(gl!, [0.9, 0.5, 0.1], { rtol: 1e-6 });
    expectClose(gh!, u);
    checkGradient((p) => {
      const [lo, hi] = tf.unstack(p);
      return tf.sum(new Uniform({ low: lo!, high: hi! }).logProb([0.5, 1])) as tf.Scalar;
    }, tf.tensor1d([-0.5, 2]), { eps: 1e-2 });
    tf.dispose([u, gl!, gh!]);
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => new Uniform({ low: [0, 1], high: [1, 1] }), /Uniform: params\.high must be greater than params\.low everywhere, got a minimum of high − low = 0/);
    expectThrowsClean(() => new Uniform({ low: 0 } as never), /Uniform: params\.high must be a float32 tensor or a \(nested\) array of numbers, got undefined/);
  });
});
