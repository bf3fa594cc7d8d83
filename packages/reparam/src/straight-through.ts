/**
 * Straight-through estimators: the forward value of one function with the gradient of another.
 *
 * @see Bengio, Léonard & Courville 2013, "Estimating or Propagating Gradients Through Stochastic Neurons
 *      for Conditional Computation", arXiv:1308.3432.
 * @see Hinton 2012, Coursera lecture 9c (the straight-through idea); Yin et al. 2019, arXiv:1903.05662.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { fail } from '@genmod-internal/core';

/**
 * Builds x ↦ y whose value is `forward(x)` and whose gradient is that of `backward(x)`:
 *
 *   y = forward(x),   ∂y/∂x := ∂backward(x)/∂x
 *
 * (PyTorch's `backward(x) + (forward(x) − backward(x)).detach()`, but with the forward value exact, not
 * rounded through the sum). `forward` may be non-differentiable (round, sign, argmax one-hot): it is never
 * differentiated. Both must return the same shape.
 *
 * @param forward the value, e.g. `tf.round` or a hard threshold
 * @param backward the surrogate whose gradient is used, e.g. the identity or `tf.sigmoid`
 * @see Bengio, Léonard & Courville 2013, arXiv:1308.3432
 * @example
 * ```ts
 * const roundST = straightThrough((x) => tf.round(x), (x) => x);
 * const g = tf.grad((x) => tf.sum(tf.square(roundST(x))))(tf.tensor1d([0.4, 1.6]));
 * g.print();   // [0, 4]: 2·round(x)·1
 * ```
 * @since 0.1.0
 */
export function straightThrough(forward: (x: Tensor) => Tensor, backward: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  const fn = 'straightThrough';
  if (typeof forward !== 'function') fail(fn, 'forward', 'a function x ↦ value', forward);
  if (typeof backward !== 'function') fail(fn, 'backward', 'a function x ↦ surrogate', backward);
  const pass = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [x, surrogate] = args as [Tensor, Tensor];
    const value = forward(x);
    if (!(value instanceof tf.Tensor) || !tf.util.arraysEqual(value.shape, surrogate.shape)) {
      fail(fn, 'forward(x)', `a tensor of backward(x)'s shape [${surrogate.shape.join(', ')}]`, value);
    }
    // the gradient goes to the surrogate (and through it, by autodiff, to x); none directly to x
    return { value, gradFunc: (dy: Tensor) => [tf.zerosLike(x), tf.clone(dy)] };
  }) as (x: Tensor, surrogate: Tensor) => Tensor;
  return (x: Tensor): Tensor => {
    if (!(x instanceof tf.Tensor)) fail(`${fn}(…)`, 'x', 'a tensor', x);
    return tf.tidy(fn, () => pass(x, backward(x)));
  };
}
