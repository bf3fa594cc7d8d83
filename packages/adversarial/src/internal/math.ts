/** Small numerical helpers shared by the penalties. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { nonDifferentiable, sumTrailing } from '@genmod-internal/core';

/** Σ over every axis but the first: [B, ...] → [B]. */
export function sumPerExample(x: Tensor): Tensor {
  return sumTrailing(x, x.rank - 1);
}

/**
 * ‖x‖₂ over every axis but the first, [B, ...] → [B], with a finite gradient at x = 0 (where √ has an
 * infinite derivative and tf.norm gives NaN): the square root is taken of a safe value and the result
 * selected, the "double where" trick. Value and gradient are exact elsewhere (no ε added), and it stays
 * twice differentiable (the mask is built in one non-differentiable node).
 */
export function safeNormPerExample(x: Tensor): Tensor {
  const s = sumPerExample(tf.square(x));
  const positive = nonDifferentiable((v) => tf.greater(v, 0), s);
  const safe = tf.where(positive, s, tf.onesLike(s));
  return tf.where(positive, tf.sqrt(safe), tf.zerosLike(s));
}

/** ∂/∂x Σ critic(x): for a critic without cross-example interaction, row b is ∇D(x_b). */
export function inputGradient(critic: (x: Tensor) => Tensor, x: Tensor, fn: string): Tensor {
  return tf.grad((v: Tensor) => {
    const out = critic(v);
    if (!(out instanceof tf.Tensor)) throw new Error(`${fn}: critic must return a tensor, got ${String(out)}`);
    if (out.shape[0] !== x.shape[0] || out.size !== x.shape[0]) {
      throw new Error(`${fn}: critic must return one score per example (shape [${x.shape[0]}] or [${x.shape[0]}, 1]), got shape [${out.shape.join(', ')}]`);
    }
    return tf.sum(out);
  })(x);
}
