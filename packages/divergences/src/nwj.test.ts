import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { nwjLoss } from './nwj.js';

describe('nwjLoss', () => {
  it('is −(mean T_P − mean exp(T_Q − 1))', () => {
    const l = expectNoLeaks(() => nwjLoss([1, 2, 3], [0, 1]));
    expectClose(l, -(2 - (Math.exp(-1) + 1) / 2), { rtol: 1e-6, atol: 1e-7 });
    l.dispose();
  });

  it('at the optimal critic T* = 1 + log p/q it estimates KL(P‖Q); other critics bound it from below', () => {
    // P = N(0, 1), Q = N(1, 1): log p/q = 0.5 − x, KL = 0.5
    const xp = tf.randomNormal([20000], 0, 1, 'float32', 1);
    const xq = tf.randomNormal([20000], 1, 1, 'float32', 2);
    const critic = (x: tf.Tensor, slope: number) => tf.add(tf.mul(x, -slope), 1 + 0.5 * slope * slope);
    const best = tf.tidy(() => -nwjLoss(critic(xp, 1), critic(xq, 1)).dataSync()[0]!);
    expect(Math.abs(best - 0.5)).toBeLessThan(0.05);
    for (const slope of [0.3, 0.6, 1.5]) {
      const bound = tf.tidy(() => -nwjLoss(critic(xp, slope), critic(xq, slope)).dataSync()[0]!);
      expect(bound, `slope ${slope}`).toBeLessThan(best);
    }
    tf.dispose([xp, xq]);
  });

  it('gradients match finite differences', () => {
    checkGradient((t) => nwjLoss(t, [0.2, -1]), tf.tensor1d([0.5, 1.5, -0.3]));
    checkGradient((t) => nwjLoss([0.2, -1], t), tf.tensor1d([0.5, 1.5, -0.3]));
  });

  it('names mistakes', () => {
    expectThrowsClean(() => nwjLoss([], [1]), /nwjLoss: criticOnP must be non-empty/);
  });
});
