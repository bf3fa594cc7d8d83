/**
 * Bounds on the log-scale of affine layers, so that the inverse never divides by a vanishing scale and
 * training cannot blow the scale up: every mature flow library bounds it (RealNVP's tanh, Glow's
 * sigmoid, FrEIA's soft clamp).
 *
 * @see Dinh, Sohl-Dickstein & Bengio 2017, arXiv:1605.08803, §4.1 (tanh on the scale network's output).
 * @see Ardizzone et al. 2019, "Guided Image Generation with Conditional Invertible Neural Networks", arXiv:1907.02392 (the atan soft clamp).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkNumber } from '@genmod-internal/core';

/**
 * s ↦ c·tanh(s/c): smooth, slope 1 at 0, values in (−c, c). `tanhBound(1)` is RealNVP's plain
 * `tanh(s)` (the convention of the golden values and the PyTorch benchmark peer).
 *
 * @param limit c > 0
 * @see Dinh et al. 2017, arXiv:1605.08803
 * @example
 * ```ts
 * const s = tanhBound(2)(tf.tensor1d([0, 100]));   // [0, 2]
 * ```
 * @since 0.1.0
 */
export function tanhBound(limit: number): (s: Tensor) => Tensor {
  const c = checkNumber('tanhBound', 'limit', limit, { above: 0 });
  return (s: Tensor) => tf.tidy('tanhBound', () => (c === 1 ? tf.tanh(s) : tf.mul(c, tf.tanh(tf.div(s, c)))));
}

/**
 * s ↦ (2c/π)·atan(πs/(2c)): a soft clamp with slope 1 at 0, values in (−c, c), heavier tails than tanh
 * (its gradient decays as 1/s², not exponentially). FrEIA's clamp c·0.636·atan(s/c), rescaled to slope 1.
 *
 * @param limit c > 0
 * @see Ardizzone et al. 2019, arXiv:1907.02392 (FrEIA's soft clamp)
 * @example
 * ```ts
 * const s = softClamp(3)(tf.tensor1d([0, 1e6]));   // [0, ≈3]
 * ```
 * @since 0.1.0
 */
export function softClamp(limit: number): (s: Tensor) => Tensor {
  const c = checkNumber('softClamp', 'limit', limit, { above: 0 });
  return (s: Tensor) => tf.tidy('softClamp', () => tf.mul((2 * c) / Math.PI, tf.atan(tf.mul(s, Math.PI / (2 * c)))));
}
