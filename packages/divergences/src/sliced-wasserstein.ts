/**
 * The sliced Wasserstein distance: 1-D optimal transport along random directions.
 *
 * @see Rabin, Peyré, Delon & Bernot 2011, "Wasserstein Barycenter and its Application to Texture Mixing", SSVM.
 * @see Bonneel, Rabin, Peyré & Pfister 2015, "Sliced and Radon Wasserstein Barycenters of Measures", JMIV 51(1).
 * @see Kolouri et al. 2019, "Generalized Sliced Wasserstein Distances", NeurIPS (as a training loss).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { Seed } from '@genmod-internal/core';
import { checkInteger, checkNumber, checkOptions, checkSeed, checkTensorArg, fail, nonDifferentiable, normalNoise, toFloat } from '@genmod-internal/core';
import { checkSameShape } from './internal/checks.js';
import { sortRows } from './internal/math.js';
import { scaledNorm, unitVectors } from './internal/norms.js';

/** Options of {@link slicedWasserstein}: the number of random directions L, the order p, their seed or the directions themselves. @since 0.1.0 */
export interface SlicedWassersteinOptions {
  /** the number L of random directions, default 50 */
  projections?: number;
  /** the order p ≥ 1, default 2 */
  p?: number;
  /**
   * seed of the directions: any number (0 included) or string, mixed by the one seed scheme (the
   * 'directions' stream of `deriveSeed`); a fixed seed gives the same directions on every call: vary it per step
   */
  seed?: Seed;
  /** your own directions `[L, d]` (normalized here) instead of random ones: common random numbers */
  directions?: Tensor | TensorLike;
}

/**
 * SW_p(x, y) = (E_θ[W_p^p(θᵀx, θᵀy)])^(1/p), θ uniform on the unit sphere, estimated with L random
 * directions: each projection is a 1-D transport problem solved by sorting. The samples must have the
 * same size n (equal weights). Differentiable in x and y (finite gradients when x = y), so it works as
 * a generative-model loss. Both samples are shifted by their pooled mean (a constant) before projecting,
 * so that far from the origin (offsets of 10⁴ at spread 1) the projected differences keep float32 precision.
 *
 * @param x `[n, d]`; `y` `[n, d]`
 * @returns a scalar
 * @see Bonneel et al. 2015 · Rabin et al. 2011
 * @example
 * ```ts
 * const x = tf.randomNormal([256, 2], 0, 1, 'float32', 1);
 * const y = tf.add(x, tf.tensor1d([3, 4]));                 // shifted by a vector of length 5
 * slicedWasserstein(x, y, { projections: 500, seed: 2 }); // ≈ 5/√2: E[(θ·s)²] = |s|²/d
 * ```
 * @since 0.1.0
 */
export function slicedWasserstein(x: Tensor | TensorLike, y: Tensor | TensorLike, options: SlicedWassersteinOptions = {}): tf.Scalar {
  const fn = 'slicedWasserstein';
  options = checkOptions(fn, options, ['projections', 'p', 'seed', 'directions']);
  const shape = checkTensorArg(fn, 'x', x);
  if (shape.length !== 2 || shape[0] === 0 || shape[1] === 0) fail(fn, 'x', 'a non-empty sample of shape [n, d]', x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  checkSameShape(fn, 'x and y', shape, checkTensorArg(fn, 'y', y));
  const [n, d] = shape as [number, number];
  const p = options.p === undefined ? 2 : checkNumber(fn, 'options.p', options.p, { min: 1 });
  const seed = checkSeed(fn, options.seed);
  let projections = options.projections === undefined ? 50 : checkInteger(fn, 'options.projections', options.projections, { min: 1 });
  if (options.directions !== undefined) {
    const ds = checkTensorArg(fn, 'options.directions', options.directions);
    if (ds.length !== 2 || ds[1] !== d || ds[0] === 0) fail(fn, 'options.directions', `of shape [L, ${d}]`, `shape [${ds.join(', ')}]`);
    projections = ds[0]!;
  }
  return tf.tidy(fn, () => {
    const raw = options.directions !== undefined ? toFloat(fn, 'options.directions', options.directions) : normalNoise([projections, d], seed, 'directions');
    const theta = unitVectors(raw, 0); // scale-safe: directions of any norm (1e-20 included)
    // a common shift c (the pooled mean) changes no projected difference θ·(x_i − y_j), so it is exact to take
    // it as a constant; it keeps θ·x from rounding at the scale of ‖x‖ instead of the spread (issue 14)
    const xf = toFloat(fn, 'x', x);
    const yf = toFloat(fn, 'y', y);
    const c = nonDifferentiable((a, b) => tf.mean(tf.concat([a, b], 0), 0, true), xf, yf);
    const px = sortRows(tf.matMul(theta, tf.sub(xf, c), false, true)); // [L, n]
    const py = sortRows(tf.matMul(theta, tf.sub(yf, c), false, true));
    return tf.div(scaledNorm(tf.reshape(tf.sub(px, py), [projections * n]), p, -1), (projections * n) ** (1 / p)) as tf.Scalar;
  });
}
