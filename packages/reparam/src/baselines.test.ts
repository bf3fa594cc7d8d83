import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { leaveOneOutBaseline, movingAverageBaseline } from './baselines.js';

describe('movingAverageBaseline', () => {
  it('returns the previous average (initial value first), then updates b ← β·b + (1 − β)·mean f', () => {
    const b = movingAverageBaseline(0.5, { initial: 1 });
    const v1 = tf.tensor1d([2, 4]);
    const v2 = tf.tensor1d([10, 10]);
    const count = tf.memory().numTensors;
    const first = b.compute(v1);
    expect(tf.memory().numTensors).toBe(count + 3); // the returned baseline and the state (average, initialized), nothing else
    expectClose(first, 1);
    expectClose(b.average!, 3); // the first average is mean f
    const second = b.compute(v2);
    expectClose(second, 3);
    expectClose(b.average!, 0.5 * 3 + 0.5 * 10);
    const before = tf.memory().numTensors;
    b.dispose();
    expect(tf.memory().numTensors).toBe(before - 2);
    expect(b.average).toBeUndefined();
    tf.dispose([v1, v2, first, second]);
  });

  it('names the argument on bad input', () => {
    expectThrowsClean(() => movingAverageBaseline(1), /movingAverageBaseline: decay must be a finite number ≥ 0 and < 1, got 1/);
    expectThrowsClean(() => movingAverageBaseline(0.9, { initial: NaN }), /movingAverageBaseline: options\.initial must be a finite number, got NaN/);
  });
});

describe('leaveOneOutBaseline', () => {
  it('b_i is the mean of the other samples', () => {
    const v = tf.tensor1d([1, 2, 6]);
    const b = expectNoLeaks(() => leaveOneOutBaseline().compute(v));
    expectClose(b, [4, 3.5, 1.5]);
    expect(leaveOneOutBaseline().minSamples).toBe(2);
    tf.dispose([v, b]);
  });
});
