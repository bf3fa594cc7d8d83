/**
 * Elementwise bijectors: exp, softplus, sigmoid and tanh, each with its closed-form log-derivative in a
 * numerically stable form (softplus, log1p), finite for every finite input.
 *
 * @see Dillon et al. 2017, "TensorFlow Distributions", arXiv:1711.10604 (tfp.bijectors.Exp, Softplus, Sigmoid, Tanh).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Bijector } from './bijector.js';
import { elementwise, logSigmoid } from './internal/elementwise.js';

/**
 * y = exp(x), log|dy/dx| = x; inverse x = log y, log|dx/dy| = −log y (y > 0).
 *
 * Event rank 0: the log-det has the input's shape. Codomain 'positive'.
 *
 * @see tfp.bijectors.Exp
 * @example
 * ```ts
 * const { y, logDet } = exp().forward(tf.tensor1d([0, 1]));   // y = [1, e], logDet = [0, 1]
 * ```
 * @since 0.1.0
 */
export function exp(): Bijector {
  return elementwise({
    name: 'exp',
    codomain: 'positive',
    forward: (x) => [tf.exp(x), tf.clone(x)],
    inverse: (y) => {
      const x = tf.log(y);
      return [x, tf.neg(x)];
    },
  });
}

/**
 * y = softplus(x) = log(1 + eˣ), log|dy/dx| = log σ(x) = −softplus(−x);
 * inverse x = y + log(−expm1(−y)) (y > 0), log|dx/dy| = −log σ(x).
 *
 * Maps ℝ onto (0, ∞) with a tail that grows linearly: the usual way to make a positive scale. Codomain
 * 'positive'.
 *
 * @see tfp.bijectors.Softplus
 * @example
 * ```ts
 * const { y } = softplus().forward(tf.tensor1d([-50, 0, 50]));   // [≈2e−22, log 2, 50]
 * ```
 * @since 0.1.0
 */
export function softplus(): Bijector {
  return elementwise({
    name: 'softplus',
    codomain: 'positive',
    forward: (x) => [tf.softplus(x), logSigmoid(x)],
    inverse: (y) => {
      const x = tf.add(y, tf.log(tf.neg(tf.expm1(tf.neg(y)))));
      return [x, tf.neg(logSigmoid(x))];
    },
  });
}

/**
 * y = σ(x) = 1/(1 + e⁻ˣ), log|dy/dx| = log σ(x) + log σ(−x) = −softplus(−x) − softplus(x);
 * inverse x = log y − log1p(−y) (0 < y < 1), log|dx/dy| = −log y − log1p(−y). Codomain 'unit-interval'
 *.
 *
 * @see tfp.bijectors.Sigmoid
 * @example
 * ```ts
 * const { y, logDet } = sigmoid().forward(tf.tensor1d([0]));   // y = [0.5], logDet = [log 0.25]
 * ```
 * @since 0.1.0
 */
export function sigmoid(): Bijector {
  return elementwise({
    name: 'sigmoid',
    codomain: 'unit-interval',
    forward: (x) => [tf.sigmoid(x), tf.add(logSigmoid(x), logSigmoid(tf.neg(x)))],
    inverse: (y) => {
      const log1mY = tf.log1p(tf.neg(y));
      const logY = tf.log(y);
      return [tf.sub(logY, log1mY), tf.neg(tf.add(logY, log1mY))];
    },
  });
}

/**
 * y = tanh(x), log|dy/dx| = log(1 − tanh²x) = 2(log 2 − x − softplus(−2x)) (stable for large |x|);
 * inverse x = atanh(y) = ½(log1p(y) − log1p(−y)) (|y| < 1), log|dx/dy| = −log1p(y) − log1p(−y).
 * Codomain 'interval' (−1, 1).
 *
 * @see tfp.bijectors.Tanh
 * @example
 * ```ts
 * const { y, logDet } = tanh().forward(tf.tensor1d([0, 20]));   // y = [0, 1], logDet = [0, ≈ −38.6]
 * ```
 * @since 0.1.0
 */
export function tanh(): Bijector {
  return elementwise({
    name: 'tanh',
    codomain: 'interval',
    forward: (x) => [tf.tanh(x), tf.mul(2, tf.sub(tf.sub(Math.LN2, x), tf.softplus(tf.mul(-2, x))))],
    inverse: (y) => {
      const a = tf.log1p(y);
      const b = tf.log1p(tf.neg(y));
      return [tf.mul(0.5, tf.sub(a, b)), tf.neg(tf.add(a, b))];
    },
  });
}
