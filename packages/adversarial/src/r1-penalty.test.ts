import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { r1Penalty, r2Penalty } from './r1-penalty.js';
import { gradcheck } from './gradcheck.js';
import { enableHigherOrderGradients } from './higher-order-gradients.js';

describe('r1Penalty / r2Penalty', () => {
  it('(γ/2)·E‖∇D‖² for critics with known gradients', () => {
    tf.tidy(() => {
      const linear = (x: Tensor) => tf.sum(tf.mul(x, tf.tensor1d([3, 4])), 1); // ‖∇D‖² = 25
      expectClose(r1Penalty(linear, tf.ones([4, 2]), { weight: 1 }), 12.5, { rtol: 1e-6 });
      expectClose(r1Penalty(linear, tf.ones([4, 2])), 125, { rtol: 1e-6 }); // default γ = 10
      const quadratic = (x: Tensor) => tf.reshape(tf.sum(tf.square(x), 1), [-1, 1]); // ∇D = 2x, [B, 1] output
      const x = tf.tensor2d([[1, 0], [0, 2], [1, 1]]);
      // ‖2x‖² = 4, 16, 8: mean 28/3, ·γ/2 with γ = 2
      expectClose(r2Penalty(quadratic, x, { weight: 2 }), 28 / 3, { rtol: 1e-6 });
      expectClose(r1Penalty(quadratic, x, { weight: 0 }), 0, { atol: 0 });
    });
  });

  it('on images, sums over every non-batch axis', () => {
    tf.tidy(() => {
      const critic = (x: Tensor) => tf.mul(tf.sum(x, [1, 2, 3]), 0.5); // ∇D = ½ everywhere, ‖∇D‖² = 12·¼
      expectClose(r1Penalty(critic, tf.zeros([2, 2, 3, 2]), { weight: 2 }), 3, { rtol: 1e-6 });
    });
  });

  it('its weight-gradient matches finite differences (elu critic, with enableHigherOrderGradients)', () => {
    const restore = enableHigherOrderGradients();
    const x = tf.tensor2d([[0.5, -1.0], [1.2, 0.3], [-0.7, 0.8]]);
    const W1 = tf.tensor2d([[0.8, -0.5, 0.3], [0.2, 0.9, -0.6]]);
    const w2 = tf.tensor2d([[0.7], [-1.1], [0.4]]);
    try {
      const report = expectNoLeaks(() =>
        gradcheck((a, b) => r1Penalty((v) => tf.matMul(tf.elu(tf.matMul(v, a!)), b!), x), [W1, w2], { eps: 2e-3 }),
      );
      expect(report.ok).toBe(true);
    } finally {
      tf.dispose([x, W1, w2]);
      restore();
    }
  });

  it('leaks nothing and refuses bad arguments', () => {
    const x = tf.ones([2, 2]);
    const critic = (v: Tensor) => tf.sum(tf.tanh(v), 1);
    const a = expectNoLeaks(() => r1Penalty(critic, x));
    const b = expectNoLeaks(() => r2Penalty(critic, x));
    tf.dispose([a, b]);
    expectThrowsClean(() => r1Penalty(critic, x, { weight: -1 }), /r1Penalty: options.weight must be a finite number ≥ 0, got -1/);
    expectThrowsClean(() => r2Penalty(critic, undefined as never), /r2Penalty: fake must be a float32 tensor/);
    expectThrowsClean(() => r1Penalty('critic' as never, x), /r1Penalty: critic must be a function/);
    expectThrowsClean(() => r1Penalty((v) => v, x), /one score per example/);
    x.dispose();
  });
});
