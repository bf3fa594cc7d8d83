import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { straightThrough } from './straight-through.js';

describe('straightThrough', () => {
  it('forwards the exact value of one function and back-propagates the gradient of the other', () => {
    const x = tf.tensor1d([0.4, 1.6, -0.7]);
    const roundST = straightThrough((v) => tf.round(v), (v) => v);
    const y = expectNoLeaks(() => roundST(x));
    expect(Array.from(y.dataSync())).toEqual([0, 2, -1]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(roundST(v))))(x);
    expectClose(g, [0, 4, -2]); // 2·round(x)·1
    // a binary stochastic neuron with a sigmoid surrogate: gradient σ'(x)·dy, forward exactly 0/1
    const hard = straightThrough((v) => tf.cast(tf.greater(v, 0), 'float32'), (v) => tf.sigmoid(v));
    const h = hard(x);
    expect(Array.from(h.dataSync())).toEqual([1, 1, 0]);
    const gh = tf.grad((v: tf.Tensor) => tf.sum(hard(v)))(x);
    expectClose(gh, [0.4, 1.6, -0.7].map((v) => Math.exp(-v) / (1 + Math.exp(-v)) ** 2), { rtol: 1e-5 });
    tf.dispose([x, y, g, h, gh]);
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => straightThrough(1 as never, (v) => v), /straightThrough: forward must be a function x ↦ value, got 1/);
    const bad = straightThrough((v) => tf.sum(v), (v) => v);
    const x = tf.tensor1d([1, 2]);
    expectThrowsClean(() => bad(x), /straightThrough: forward\(x\) must be a tensor of backward\(x\)'s shape \[2\], got a float32 tensor of shape \[\]/);
    x.dispose();
  });
});
