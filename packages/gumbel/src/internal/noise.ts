import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { clampedUniform, FLOAT32_ONE_MINUS_EPS, FLOAT32_TINY, type Seed } from '@genmod-internal/core';

/** g = −log(−log u) with u clamped to [2⁻¹²⁶, 1 − 2⁻²⁴] first (finite for every u in [0, 1]). */
export function gumbelFromUniform(u: Tensor): Tensor {
  return tf.tidy(() => tf.neg(tf.log(tf.neg(tf.log(tf.clipByValue(u, FLOAT32_TINY, FLOAT32_ONE_MINUS_EPS))))));
}

/**
 * Standard Gumbel noise g = −log(−log u), u = core's clampedUniform (clamped to [2⁻¹²⁶, 1 − 2⁻²⁴], so g is
 * finite), seeded through the one seed scheme: deriveSeed(seed, ...streams).
 */
export function standardGumbelNoise(shape: number[], seed: Seed | undefined, ...streams: Seed[]): Tensor {
  // clampedUniform is already clamped: no second clip (one kernel fewer than gumbelFromUniform)
  return tf.tidy(() => tf.neg(logMinusLog(clampedUniform(shape, seed, ...streams))));
}

/** log(−log u), the Gumbel transform without its sign: g = −log(−log u). Two logs and one negation. */
export function logMinusLog(u: Tensor): Tensor {
  return tf.log(tf.neg(tf.log(u)));
}

/**
 * logits + g with g = −log(−log u) drawn here (u = core's clampedUniform on deriveSeed(seed, ...streams)),
 * written l − log(−log u): the same float32 value as l + g, one negation fewer (ClipByValue, Log, Neg, Log, Sub).
 */
export function addStandardGumbel(logits: Tensor, shape: number[], seed: Seed | undefined, ...streams: Seed[]): Tensor {
  return tf.tidy(() => tf.sub(logits, logMinusLog(clampedUniform(shape, seed, ...streams))));
}

/** Standard logistic noise l = log u − log(1 − u), u = core's clampedUniform (same seed scheme). */
export function standardLogisticNoise(shape: number[], seed: Seed | undefined, ...streams: Seed[]): Tensor {
  return tf.tidy(() => {
    const u = clampedUniform(shape, seed, ...streams);
    return tf.sub(tf.log(u), tf.log1p(tf.neg(u)));
  });
}
