// Regression (issue 14, differential suite): the gradient of scale / affine's inverse x = (y − b)/s with respect
// to s at |s| = 1e±30, where tfjs's div formed −g·a/s² and s² left the float32 range.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { affine, scale } from './affine.js';

describe('scale and affine inverses at scales 1e±30', () => {
  it.each([
    ['scale', (s: tf.Tensor) => scale(s)],
    ['affine', (s: tf.Tensor) => affine({ shift: 0, scale: s })],
  ])('%s: ∂x/∂s = −x/s stays finite and exact', (_, make) => {
    for (const [sv, yv] of [[1e-30, 2e-30], [-1e-30, 3e-30], [1e30, 3e30], [-1e30, 5e29]] as const) {
      const s = tf.tensor1d([sv]);
      const y = tf.tensor1d([yv]);
      const [gs, gy] = tf.grads((ss: tf.Tensor, yy: tf.Tensor) => tf.sum(make(ss).inverse(yy).x))([s, y]);
      const want = -yv / (sv * sv);
      const g = gs!.dataSync()[0]!;
      expect(Number.isFinite(g)).toBe(true);
      expect(Math.abs(g - want)).toBeLessThanOrEqual(1e-6 * Math.abs(want));
      expect(Math.abs(gy!.dataSync()[0]! - 1 / sv)).toBeLessThanOrEqual(1e-6 / Math.abs(sv));
      tf.dispose([s, y, gs!, gy!]);
    }
  });
});
