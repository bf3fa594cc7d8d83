import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { clipWeights } from './weight-clipping.js';

describe('clipWeights', () => {
  it('clips every element to [−c, c] in place (default c = 0.01)', () => {
    const a = tf.variable(tf.tensor1d([-0.5, 0.005, 2]));
    const b = tf.variable(tf.tensor2d([[0.3, -0.02], [0.001, 0]]));
    expectNoLeaks(() => clipWeights([a, b]));
    expectClose(a, [-0.01, 0.005, 0.01], { atol: 0 });
    expectClose(b, [[0.01, -0.01], [0.001, 0]], { atol: 0 });
    expectNoLeaks(() => clipWeights({ a, b }, 0.005));
    expectClose(a, [-0.005, 0.005, 0.005], { atol: 0 });
    clipWeights(b, 1e-4);
    expectClose(b, [[1e-4, -1e-4], [1e-4, 0]], { atol: 0 });
    expect(a.trainable).toBe(true);
    tf.dispose([a, b]);
  });

  it('refuses bad arguments before changing anything', () => {
    const a = tf.variable(tf.tensor1d([1]));
    const t = tf.tensor1d([1]);
    expectThrowsClean(() => clipWeights([a], 0), /clipWeights: c must be a finite number > 0, got 0/);
    expectThrowsClean(() => clipWeights([a, t as never]), /variables\[1\] must be a tf.Variable/);
    expectThrowsClean(() => clipWeights(null as never), /variables must be an array/);
    expectClose(a, [1], { atol: 0 });
    tf.dispose([a, t]);
  });
});
