/**
 * @see Gumbel, E. J. (1954). Statistical theory of extreme values and some practical applications.
 *      National Bureau of Standards Applied Mathematics Series 33.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { standardGumbelNoise } from './internal/noise.js';
import { checkFloatDtype, checkOptions, checkSeed, checkShape, toFloat, type Seed } from '@genmod-internal/core';

const KEYS = ['loc', 'scale', 'seed'] as const;

/**
 * Options of {@link sampleGumbel}: g = μ − β·log(−log u) (Gumbel 1954).
 * @example
 * ```ts
 * const o: SampleGumbelOptions = { loc: 1.5, scale: 0.5, seed: 'a' };
 * ```
 * @since 0.1.0
 */
export interface SampleGumbelOptions {
  /** location μ (broadcast against `shape`), default 0 */
  loc?: Tensor | TensorLike;
  /** scale β > 0 (broadcast against `shape`), default 1 */
  scale?: Tensor | TensorLike;
  /**
   * Seed of the uniform draws: any finite number (0 included) or string, mixed by the one seed scheme
   * (`deriveSeed`). The same seed gives the same output on every backend (numbers are drawn on the host).
   * A fixed seed gives the same tensor on every call: vary it per step in a training loop.
   */
  seed?: Seed;
}

/**
 * Draws float32 samples of Gumbel(μ, β) by the inverse CDF:
 *
 *   g = μ − β·log(−log u),   u ~ U(0, 1)
 *
 * with u clamped to [2⁻¹²⁶, 1 − 2⁻²⁴] (the smallest normal float32 and the largest float32 below 1), so
 * that g is always finite even when the uniform generator returns exactly 0 or 1. The seed goes through
 * `deriveSeed(seed)`; unknown option keys throw.
 *
 * @param shape the shape of the result, e.g. `[batch, K]`
 * @returns float32 tensor of shape `shape` (broadcast with `loc` and `scale`)
 * @see Gumbel 1954; Maddison, Tarlow & Minka 2014, "A* Sampling", arXiv:1411.0030 (the Gumbel-max view)
 * @example
 * ```ts
 * const g = sampleGumbel([1000], { seed: 7 });           // standard Gumbel, mean ≈ 0.5772
 * const z = sampleGumbel([3], { seed: 'run-a' });         // string seeds, and 0, are seeds too
 * const h = sampleGumbel([2, 3], { loc: 1.5, scale: 0.5 });
 * ```
 * @since 0.1.0
 */
export function sampleGumbel(shape: number[], options?: SampleGumbelOptions): Tensor {
  const fn = 'sampleGumbel';
  const opts = checkOptions(fn, options, KEYS);
  checkShape(fn, shape);
  const seed = checkSeed(fn, opts.seed);
  const { loc, scale } = opts;
  if (loc !== undefined) checkFloatDtype(fn, 'options.loc', loc);
  if (scale !== undefined) checkFloatDtype(fn, 'options.scale', scale);
  return tf.tidy(fn, () => {
    const g = standardGumbelNoise(shape, seed);
    if (loc === undefined && scale === undefined) return g;
    const scaled = scale === undefined ? g : tf.mul(toFloat(fn, 'options.scale', scale), g);
    return loc === undefined ? scaled : tf.add(toFloat(fn, 'options.loc', loc), scaled);
  });
}
