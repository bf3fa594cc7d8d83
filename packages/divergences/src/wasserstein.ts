/**
 * The 1-Wasserstein (earth mover's) distance between 1-D empirical distributions: exact (with weights),
 * and a differentiable p-Wasserstein for equal sample sizes through sorting.
 *
 * @see Villani 2009, "Optimal Transport: Old and New", Remark 2.19 (the 1-D quantile formula).
 * @see Ramdas, García Trillos & Cuturi 2017, "On Wasserstein Two-Sample Testing", Entropy 19(2).
 * @see scipy.stats.wasserstein_distance.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkNumber, checkOptions, checkTensorArg, fail, toFloat } from '@genmod-internal/core';
import { checkSameShape } from './internal/checks.js';
import { cdfDistance, checkSample1d } from './internal/wasserstein-1d.js';
import { sortRows } from './internal/math.js';
import { scaledNorm } from './internal/norms.js';

/** Options of {@link wasserstein1d} and {@link energyDistance}: weights of the two samples' values (default uniform). @since 0.1.0 */
export interface Wasserstein1dOptions {
  /** non-negative weights of `u`'s values (any positive total), default uniform */
  uWeights?: Tensor | TensorLike;
  /** non-negative weights of `v`'s values, default uniform */
  vWeights?: Tensor | TensorLike;
}


/**
 * The exact 1-Wasserstein distance between two weighted 1-D empirical distributions,
 *
 *   W₁(u, v) = ∫ |F_u(x) − F_v(x)| dx,
 *
 * with F the (weighted) empirical CDFs: the same value as `scipy.stats.wasserstein_distance(u, v, uWeights,
 * vWeights)`. Sizes may differ. It sorts on the host in float64 (one synchronous read of the inputs) and
 * is **not differentiable**; for a differentiable distance between equal-size samples use
 * {@link wassersteinSorted}.
 *
 * @param u `[n]` values; `v` `[m]` values
 * @returns a float32 scalar
 * @see Villani 2009, Remark 2.19 · Ramdas et al. 2017 · scipy.stats.wasserstein_distance
 * @example
 * ```ts
 * wasserstein1d([0, 1, 3], [5, 6, 8]).print(); // 5: every unit of mass moves by 5
 * wasserstein1d([0, 1], [0, 1], { uWeights: [3, 1] }).print(); // 0.25
 * ```
 * @since 0.1.0
 */
export function wasserstein1d(u: Tensor | TensorLike, v: Tensor | TensorLike, options: Wasserstein1dOptions = {}): tf.Scalar {
  const fn = 'wasserstein1d';
  options = checkOptions(fn, options, ['uWeights', 'vWeights']);
  const a = checkSample1d(fn, 'u', u, options.uWeights, 'options.uWeights');
  const b = checkSample1d(fn, 'v', v, options.vWeights, 'options.vWeights');
  return tf.scalar(cdfDistance(a.values, b.values, a.weights, b.weights, 1), 'float32');
}

/**
 * The p-Wasserstein distance between two 1-D samples of the same size n, from the sorted values:
 *
 *   W_p(u, v) = ((1/n)·Σ_i |u_(i) − v_(i)|^p)^(1/p),
 *
 * (the optimal coupling of equal-weight points in 1-D matches order statistics). Differentiable: the
 * gradient reaches each value through its rank; finite when u = v. With p = 1 it equals
 * {@link wasserstein1d}. Batched over leading axes.
 *
 * @param u `[..., n]`; `v` of the same shape
 * @param options `p` ≥ 1, default 1
 * @returns `[...]` (a scalar for 1-D inputs)
 * @see Villani 2009, Remark 2.19 · Bonneel et al. 2015 (the building block of sliced Wasserstein)
 * @example
 * ```ts
 * const x = tf.variable(tf.tensor1d([3, 0, 1]));
 * const g = tf.grad((t: tf.Tensor) => wassersteinSorted(t, [5, 6, 8]))(x); // [−1/3, −1/3, −1/3]
 * ```
 * @since 0.1.0
 */
export function wassersteinSorted(u: Tensor | TensorLike, v: Tensor | TensorLike, options: { p?: number } = {}): Tensor {
  const fn = 'wassersteinSorted';
  options = checkOptions(fn, options, ['p']);
  const p = options.p === undefined ? 1 : checkNumber(fn, 'options.p', options.p, { min: 1 });
  const shape = checkTensorArg(fn, 'u', u);
  checkSameShape(fn, 'u and v', shape, checkTensorArg(fn, 'v', v));
  if (shape.length < 1 || shape[shape.length - 1] === 0) fail(fn, 'u', 'a non-empty sample (shape [..., n])', u);
  const n = shape[shape.length - 1]!;
  const rows = shape.slice(0, -1).reduce((s, d) => s * d, 1);
  return tf.tidy(fn, () => {
    const su = sortRows(tf.reshape(toFloat(fn, 'u', u), [rows, n]));
    const sv = sortRows(tf.reshape(toFloat(fn, 'v', v), [rows, n]));
    const w = tf.div(scaledNorm(tf.sub(su, sv), p, -1), n ** (1 / p));
    return tf.reshape(w, shape.slice(0, -1));
  });
}
