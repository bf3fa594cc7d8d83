import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { contrastiveObjective } from './contrastive-objective.js';

describe('contrastiveObjective: qᵀd₊ − qᵀd₋ (our notes, 000)', () => {
  it('per row and reduced', () => {
    const q = [[1, 0], [0.5, 2]];
    const dp = [[0.9, 0.1], [1, 1]];
    const dn = [[-1, 0], [2, -1]];
    const none = expectNoLeaks(() => contrastiveObjective(q, dp, dn, { reduction: 'none' }));
    expectClose(none, [0.9 + 1, 2.5 - (1 - 2)], { rtol: 1e-6, atol: 1e-6 });
    const mean = contrastiveObjective(q, dp, dn);
    expectClose(mean, (1.9 + 3.5) / 2, { rtol: 1e-6, atol: 1e-6 });
    const sum = contrastiveObjective(q, dp, dn, { reduction: 'sum' });
    expectClose(sum, 5.4, { rtol: 1e-6, atol: 1e-6 });
    tf.dispose([none, mean, sum]);
  });

  it('its gradient in q is d₊ − d₋ (and matches finite differences)', () => {
    const q = tf.tensor2d([[1, 0]]);
    const g = tf.grad((t: tf.Tensor) => contrastiveObjective(t, [[0.9, 0.1]], [[-1, 0]]))(q);
    expectClose(g, [[1.9, 0.1]], { rtol: 1e-6, atol: 1e-6 });
    checkGradient((t) => contrastiveObjective([[1, 0], [0.5, 2]], t, [[-1, 0], [2, -1]]) as tf.Scalar, tf.tensor2d([[0.9, 0.1], [1, 1]]));
    tf.dispose([q, g]);
  });

  it('names mistakes', () => {
    expectThrowsClean(() => contrastiveObjective([[1, 0]], [[1, 0, 0]], [[1, 0]]), /contrastiveObjective: query and positive must be of the same shape, got \[1, 2\] and \[1, 3\]/);
  });
});
