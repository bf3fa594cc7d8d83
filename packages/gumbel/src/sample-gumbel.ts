/**
 * @see Gumbel, E. J. (1954). Statistical theory of extreme values and some practical applications.
 *      National Bureau of Standards Applied Mathematics Series 33.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { gumbelFromUniform } from './internal/noise.js';
import { checkFloatDtype, checkSeed, checkShape, toFloat } from '@genmod-internal/core';

export interface SampleGumbelOptions {
  /** location μ (broadcast against `shape`), default 0 */
  loc?: Tensor | TensorLike;
  /** scale β > 0 (broadcast against `shape`), default 1 */
  scale?: Tensor | TensorLike;
  /**
   * Seed of the uniform draws: the same seed gives the same output on every backend (numbers are drawn on
   * the host). A fixed seed gives the same tensor on every call: vary it per step in a training loop.
   */
  seed?: number | string;
}

/**
 * Draws float32 samples of Gumbel(μ, β) by the inverse CDF:
 *
 *   g = μ − β·log(−log u),   u ~ U(0, 1)
 *
 * with u clamped to [2⁻¹²⁶, 1 − 2⁻²⁴] (the smallest normal float32 and the largest float32 below 1), so
 * that g is always finite even when the uniform generator returns exactly 0 or 1.
 *
 * @param shape the shape of the result, e.g. `[batch, K]`
 * @returns float32 tensor of shape `shape` (broadcast with `loc` and `scale`)
 * @see Gumbel 1954; Maddison, Tarlow & Minka 2014, "A* Sampling", arXiv:1411.0030 (the Gumbel-max view)
 * @example
 * ```ts
 * const g = sampleGumbel([1000], { seed: 7 });           // standard Gumbel, mean ≈ 0.5772
 * const h = sampleGumbel([2, 3], { loc: 1.5, scale: 0.5 });
 * ```
 * @since 0.1.0
 */
export function sampleGumbel(shape: number[], options: SampleGumbelOptions = {}): Tensor {
  const fn = 'sampleGumbel';
  checkShape(fn, shape);
  const seed = checkSeed(fn, options.seed);
  if (options.loc !== undefined) checkFloatDtype(fn, 'options.loc', options.loc);
  if (options.scale !== undefined) checkFloatDtype(fn, 'options.scale', options.scale);
  return tf.tidy(fn, () => {
    const g = gumbelFromUniform(tf.randomUniform(shape, 0, 1, 'float32', seed));
    if (options.loc === undefined && options.scale === undefined) return g;
    const scaled = options.scale === undefined ? g : tf.mul(toFloat(fn, 'options.scale', options.scale), g);
    return options.loc === undefined ? scaled : tf.add(toFloat(fn, 'options.loc', options.loc), scaled);
  });
}
