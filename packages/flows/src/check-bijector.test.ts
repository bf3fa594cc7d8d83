import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkBijector, logAbsDet } from './testing.js';
import { exp, softplus } from './elementwise.js';
import type { Bijector } from './bijector.js';

const x = () => tf.tensor2d([[0.1, -0.4], [1.2, 0.3]]);

/** A correct bijector with one thing broken. */
function broken(what: 'logDet' | 'inverse' | 'leak' | 'sign' | 'shape'): Bijector {
  const good = exp();
  return {
    eventRank: 0,
    forward(v) {
      if (what === 'leak') tf.zeros([1]);
      return tf.tidy(() => {
        const r = good.forward(v);
        if (what === 'logDet') return { y: r.y, logDet: tf.mul(r.logDet, 1.01) };
        if (what === 'shape') return { y: r.y, logDet: tf.sum(r.logDet) };
        return r;
      });
    },
    inverse(v) {
      return tf.tidy(() => {
        const r = good.inverse(v);
        if (what === 'inverse') return { x: tf.add(r.x, 1e-2), logDet: r.logDet };
        if (what === 'sign') return { x: r.x, logDet: tf.neg(r.logDet) };
        if (what === 'logDet') return { x: r.x, logDet: tf.mul(r.logDet, 1.01) }; // consistent with forward, wrong against J
        return r;
      });
    },
  };
}

describe('checkBijector', () => {
  it('passes a correct bijector and reports small errors', () => {
    const v = x();
    const r = checkBijector(softplus(), v);
    expect(r.roundTripError).toBeLessThan(1e-6);
    expect(r.jacobianLogDetError).toBeLessThan(1e-6);
    expect(r.batchShape).toEqual([2, 2]);
    v.dispose();
  });

  it.each([
    ['logDet', /the forward log-det .* differs from log\|det J\| .* \(autodiff Jacobian\)/],
    ['inverse', /inverse\(forward\(x\)\) differs from x by/],
    ['leak', /forward leaked 1 tensor\(s\)/],
    ['sign', /the inverse log-det is not the negative of the forward log-det/],
    ['shape', /returned a log-det of shape \[\], expected the batch shape \[2, 2\]/],
  ] as const)('catches a bijector whose %s is wrong, with a clear message, and frees its tensors', (what, pattern) => {
    const v = x();
    const before = tf.memory().numTensors;
    expect(() => checkBijector(broken(what), v, { label: 'broken' })).toThrow(pattern);
    // the deliberately leaked tensor is the only one left
    expect(tf.memory().numTensors - before).toBe(what === 'leak' ? 1 : 0);
    v.dispose();
  });

  it('rejects bad arguments', () => {
    expect(() => checkBijector({} as Bijector, tf.zeros([1]))).toThrow(/checkBijector: bijector must be an object with forward, inverse and an integer eventRank/);
    const ints = tf.zeros([2], 'int32');
    expect(() => checkBijector(exp(), ints)).toThrow(/checkBijector: x must be a float32 tensor of rank ≥ 0 .*got a int32 tensor of shape \[2\]/);
    ints.dispose();
  });

  it('logAbsDet matches closed forms (pivoting, singular)', () => {
    expect(logAbsDet([[0, 2], [3, 1]])).toBeCloseTo(Math.log(6), 12);
    expect(logAbsDet([[2, 0, 0], [1, 3, 0], [4, 5, -0.5]])).toBeCloseTo(Math.log(3), 12);
    expect(logAbsDet([[1, 2], [2, 4]])).toBe(-Infinity);
  });
});
