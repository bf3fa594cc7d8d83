/**
 * The energy distance between two (weighted) samples.
 *
 * @see Székely & Rizzo 2013, "Energy statistics: A class of statistics based on distances", J. Stat. Plan. Inference 143(8).
 * @see scipy.stats.energy_distance.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkOptions, checkTensorArg, fail, toFloat } from '@genmod-internal/core';
import { safeSqrt } from './internal/math.js';
import { scaledNorm } from './internal/norms.js';
import type { Wasserstein1dOptions } from './wasserstein.js';

function checkSample(fn: string, arg: string, x: unknown, weights: unknown, weightsArg: string): number[] {
  const shape = checkTensorArg(fn, arg, x);
  if (shape.length < 1 || shape.length > 2 || shape[0] === 0) fail(fn, arg, 'a non-empty sample of shape [n] or [n, d]', x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  if (weights !== undefined && weights !== null) {
    const w = checkTensorArg(fn, weightsArg, weights);
    if (w.length !== 1 || w[0] !== shape[0]) fail(fn, weightsArg, `of shape [${shape[0]}] (one weight per point of ${arg})`, `shape [${w.join(', ')}]`);
    checkNonNegative(fn, weightsArg, weights as Tensor | TensorLike);
  }
  return shape;
}

function hostFlat(w: TensorLike): number[] {
  return typeof w === 'number' ? [w] : Array.from(w as ArrayLike<number>, Number);
}

function checkNonNegative(fn: string, arg: string, w: Tensor | TensorLike): void {
  const values = w instanceof tf.Tensor ? Array.from(w.dataSync() as ArrayLike<number>) : hostFlat(w);
  const total = values.reduce((s, v) => s + v, 0);
  if (!values.every((v) => v >= 0 && Number.isFinite(v)) || !(total > 0)) fail(fn, arg, 'finite non-negative weights with a positive sum', `[${values.join(', ')}]`);
}

/**
 * The energy distance between the (weighted) empirical distributions of u and v,
 *
 *   D(u, v) = (2·E|X − Y| − E|X − X'| − E|Y − Y'|)^(1/2),   X, X' ~ u,  Y, Y' ~ v,
 *
 * with |·| the Euclidean norm for `[n, d]` samples. For 1-D samples it equals
 * `scipy.stats.energy_distance(u, v, uWeights, vWeights)` (= √2 times the L² distance between the CDFs).
 * Differentiable in the points (finite gradients between coincident points, and at D = 0). Costs
 * O((n + m)²·d) memory.
 *
 * @param u `[n]` or `[n, d]`; `v` `[m]` or `[m, d]` with the same d
 * @returns a scalar
 * @see Székely & Rizzo 2013 · scipy.stats.energy_distance
 * @example
 * ```ts
 * energyDistance([0, 1, 3], [5, 6, 8]).print(); // 2.7080
 * ```
 * @since 0.1.0
 */
export function energyDistance(u: Tensor | TensorLike, v: Tensor | TensorLike, options: Wasserstein1dOptions = {}): tf.Scalar {
  const fn = 'energyDistance';
  options = checkOptions(fn, options, ['uWeights', 'vWeights']);
  const su = checkSample(fn, 'u', u, options.uWeights, 'options.uWeights');
  const sv = checkSample(fn, 'v', v, options.vWeights, 'options.vWeights');
  if (su.length !== sv.length || su[1] !== sv[1]) fail(fn, 'u and v', 'samples of the same dimension ([n] and [m], or [n, d] and [m, d])', `[${su.join(', ')}] and [${sv.join(', ')}]`);
  return tf.tidy(fn, () => {
    const x = toFloat(fn, 'u', u);
    const y = toFloat(fn, 'v', v);
    const weights = (w: Tensor | TensorLike | undefined, n: number, arg: string) => {
      const t = w === undefined || w === null ? tf.fill([n], 1 / n) : toFloat(fn, arg, w);
      return tf.div(t, tf.sum(t));
    };
    const a = weights(options.uWeights, su[0]!, 'options.uWeights');
    const b = weights(options.vWeights, sv[0]!, 'options.vWeights');
    const dist = (s: Tensor, t: Tensor) =>
      // |·| with the subgradient 0 between coincident points (tf.abs' gradient at 0 is −1)
      s.rank === 1 ? scaledNorm(tf.expandDims(tf.sub(tf.expandDims(s, 1), tf.expandDims(t, 0)), -1), 1, -1) : scaledNorm(tf.sub(tf.expandDims(s, 1), tf.expandDims(t, 0)), 2, -1);
    const expect2 = (wa: Tensor, d: Tensor, wb: Tensor) => tf.sum(tf.mul(tf.mul(tf.expandDims(wa, 1), d), tf.expandDims(wb, 0)));
    const e = tf.sub(tf.sub(tf.mul(expect2(a, dist(x, y), b), 2), expect2(a, dist(x, x), a)), expect2(b, dist(y, y), b));
    return safeSqrt(e) as tf.Scalar;
  });
}
