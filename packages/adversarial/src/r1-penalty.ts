/**
 * The R1 and R2 zero-centred gradient penalties.
 *
 * @see Mescheder, Geiger & Nowozin 2018, "Which Training Methods for GANs do actually Converge?",
 *   arXiv:1801.04406, eq. 9 (R1) and eq. 10 (R2).
 * @see Roth, Lucchi, Nowozin & Hofmann 2017, "Stabilizing Training of GANs through Regularization",
 *   arXiv:1705.09367.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { checkNumber, checkOptions } from '@genmod-internal/core';
import { checkBatch, checkCritic } from './internal/checks.js';
import { inputGradient, sumPerExample } from './internal/math.js';

/** Options of {@link r1Penalty} and {@link r2Penalty}. @since 0.1.0 */
export interface R1PenaltyOptions {
  /** γ. The penalty is γ/2 · E‖∇D‖². Default 10. */
  weight?: number;
}

function penalty(fn: string, arg: string, critic: (x: Tensor) => Tensor, x: Tensor, options: R1PenaltyOptions): Scalar {
  const o = checkOptions(fn, options, ['weight']);
  checkCritic(fn, critic);
  checkBatch(fn, arg, x);
  const gamma = o.weight === undefined ? 10 : checkNumber(fn, 'options.weight', o.weight, { min: 0 });
  return tf.tidy(fn, () => {
    const grad = inputGradient(critic, x, fn);
    return tf.mul(tf.mean(sumPerExample(tf.square(grad))), gamma / 2);
  }) as Scalar;
}

/**
 * The R1 penalty on data, added to the discriminator loss: it pushes the discriminator's gradient to zero
 * on the data manifold, which makes GAN training locally convergent.
 *
 *   R1 = (γ/2) · E_{x~p_data} ‖∇_x D(x)‖²
 *
 * D is the discriminator's logit (before the sigmoid). Differentiating R1 with respect to the weights needs
 * correct second-order gradients: call `enableHigherOrderGradients()` once in the app for critics with
 * tanh, sigmoid, elu, leakyRelu and the like.
 *
 * @param critic the discriminator, `(x: [B, ...]) => [B] | [B, 1]`
 * @param real data, `[B, ...]`, float32
 * @returns a scalar
 * @see Mescheder, Geiger & Nowozin 2018, arXiv:1801.04406, eq. 9
 * @example
 * ```ts
 * const critic = (x: tf.Tensor) => tf.sum(tf.mul(x, tf.tensor1d([3, 4])), 1); // ‖∇D‖² = 25
 * r1Penalty(critic, tf.ones([4, 2]), { weight: 1 }).print();                 // 12.5
 * ```
 * @since 0.1.0
 */
export function r1Penalty(critic: (x: Tensor) => Tensor, real: Tensor, options: R1PenaltyOptions = {}): Scalar {
  return penalty('r1Penalty', 'real', critic, real, options);
}

/**
 * The R2 penalty: the same on generated samples.
 *
 *   R2 = (γ/2) · E_{x~p_g} ‖∇_x D(x)‖²
 *
 * @param critic the discriminator, `(x: [B, ...]) => [B] | [B, 1]`
 * @param fake generated samples, `[B, ...]`, float32
 * @returns a scalar
 * @see Mescheder, Geiger & Nowozin 2018, arXiv:1801.04406, eq. 10
 * @example
 * ```ts
 * const critic = (x: tf.Tensor) => tf.sum(tf.square(x), 1);   // ∇D = 2x
 * r2Penalty(critic, tf.ones([2, 2]), { weight: 2 }).print();  // mean ‖2x‖² = 8
 * ```
 * @since 0.1.0
 */
export function r2Penalty(critic: (x: Tensor) => Tensor, fake: Tensor, options: R1PenaltyOptions = {}): Scalar {
  return penalty('r2Penalty', 'fake', critic, fake, options);
}
