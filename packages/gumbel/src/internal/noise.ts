import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** The smallest normal float32, 2⁻¹²⁶. */
export const FLOAT32_TINY = 1.1754943508222875e-38;
/** The largest float32 below 1, 1 − 2⁻²⁴. */
export const FLOAT32_ONE_MINUS_EPS = 1 - 2 ** -24;

/**
 * u ~ U(0, 1) clamped to [2⁻¹²⁶, 1 − 2⁻²⁴]: tfjs's seeded uniform can return exactly 0 or 1, where the
 * Gumbel and logistic transforms are infinite. Random numbers are drawn on the host, so a seed gives the
 * same values on every backend.
 */
export function clampedUniform(shape: number[], seed?: number | string): Tensor {
  return tf.tidy(() => tf.clipByValue(tf.randomUniform(shape, 0, 1, 'float32', seed), FLOAT32_TINY, FLOAT32_ONE_MINUS_EPS));
}

/** g = −log(−log u) with u clamped to [2⁻¹²⁶, 1 − 2⁻²⁴] first (finite for every u in [0, 1]). */
export function gumbelFromUniform(u: Tensor): Tensor {
  return tf.tidy(() => tf.neg(tf.log(tf.neg(tf.log(tf.clipByValue(u, FLOAT32_TINY, FLOAT32_ONE_MINUS_EPS))))));
}

/** Standard Gumbel noise g = −log(−log u). */
export function standardGumbelNoise(shape: number[], seed?: number | string): Tensor {
  return tf.tidy(() => gumbelFromUniform(tf.randomUniform(shape, 0, 1, 'float32', seed)));
}

/** Standard logistic noise l = log u − log(1 − u). */
export function standardLogisticNoise(shape: number[], seed?: number | string): Tensor {
  return tf.tidy(() => {
    const u = clampedUniform(shape, seed);
    return tf.sub(tf.log(u), tf.log1p(tf.neg(u)));
  });
}
