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
import { fail, toFloat } from '@genmod-internal/core';
import { checkFiniteNumber, checkOptions, checkTensorArg, sameShape } from './internal/checks.js';
import { safeNorm, sortRows } from './internal/math.js';

export interface Wasserstein1dOptions {
  /** non-negative weights of `u`'s values (any positive total), default uniform */
  uWeights?: Tensor | TensorLike;
  /** non-negative weights of `v`'s values, default uniform */
  vWeights?: Tensor | TensorLike;
}

function hostVector(x: Tensor | TensorLike): number[] {
  if (x instanceof tf.Tensor) return Array.from(x.dataSync() as ArrayLike<number>);
  if (typeof x === 'number') return [x];
  return Array.from(x as ArrayLike<number>, Number);
}

/** Validates a 1-D sample and its optional weights; returns the host values. */
export function checkSample1d(fn: string, arg: string, x: unknown, weights: unknown, weightsArg: string): { values: number[]; weights: number[] | null } {
  const shape = checkTensorArg(fn, arg, x);
  if (shape.length !== 1 || shape[0] === 0) fail(fn, arg, 'a non-empty 1-D sample (shape [n])', x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  const values = hostVector(x as Tensor | TensorLike);
  if (!values.every(Number.isFinite)) fail(fn, arg, 'finite', 'a non-finite value');
  if (weights === undefined || weights === null) return { values, weights: null };
  const wShape = checkTensorArg(fn, weightsArg, weights);
  sameShape(fn, `${arg} and ${weightsArg}`, shape, wShape);
  const w = hostVector(weights as Tensor | TensorLike);
  const total = w.reduce((s, v) => s + v, 0);
  if (!w.every((v) => v >= 0 && Number.isFinite(v)) || !(total > 0)) fail(fn, weightsArg, 'finite non-negative weights with a positive sum', `[${w.join(', ')}]`);
  return { values, weights: w };
}

/**
 * ∫|F_u − G_v|^p (p = 1) or its square root (p = 2), between the empirical CDFs, on the host in float64:
 * scipy.stats._stats_py._cdf_distance, step for step.
 */
export function cdfDistance(u: number[], v: number[], uw: number[] | null, vw: number[] | null, p: 1 | 2): number {
  const order = (x: number[]) => x.map((_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const uo = order(u);
  const vo = order(v);
  const us = uo.map((i) => u[i]!);
  const vs = vo.map((i) => v[i]!);
  const all = [...u, ...v].sort((a, b) => a - b);
  const cumulative = (sorted: number[], ord: number[], w: number[] | null) => {
    const c = [0];
    for (let i = 0; i < sorted.length; i++) c.push(c[i]! + (w ? w[ord[i]!]! : 1));
    return c;
  };
  const uc = cumulative(us, uo, uw);
  const vc = cumulative(vs, vo, vw);
  // searchsorted(sorted, x, 'right'): the number of entries ≤ x
  const upTo = (sorted: number[], x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let total = 0;
  for (let i = 0; i < all.length - 1; i++) {
    const delta = all[i + 1]! - all[i]!;
    if (delta === 0) continue;
    const fu = uc[upTo(us, all[i]!)]! / uc[uc.length - 1]!;
    const fv = vc[upTo(vs, all[i]!)]! / vc[vc.length - 1]!;
    total += (p === 1 ? Math.abs(fu - fv) : (fu - fv) ** 2) * delta;
  }
  return p === 1 ? total : Math.sqrt(total);
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
  options = checkOptions(fn, options);
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
  options = checkOptions(fn, options);
  const p = options.p === undefined ? 1 : checkFiniteNumber(fn, 'options.p', options.p, (x) => x >= 1, 'a finite number ≥ 1');
  const shape = checkTensorArg(fn, 'u', u);
  sameShape(fn, 'u and v', shape, checkTensorArg(fn, 'v', v));
  if (shape.length < 1 || shape[shape.length - 1] === 0) fail(fn, 'u', 'a non-empty sample (shape [..., n])', u);
  const n = shape[shape.length - 1]!;
  const rows = shape.slice(0, -1).reduce((s, d) => s * d, 1);
  return tf.tidy(fn, () => {
    const su = sortRows(tf.reshape(toFloat(fn, 'u', u), [rows, n]));
    const sv = sortRows(tf.reshape(toFloat(fn, 'v', v), [rows, n]));
    const w = tf.div(safeNorm(tf.sub(su, sv), p, -1), n ** (1 / p));
    return tf.reshape(w, shape.slice(0, -1));
  });
}
