import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** ½·log(2π) */
export const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)): exact at ±1e4 and written with ops that every
 * backend has (and that have gradients).
 */
export function softplus(x: Tensor): Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

/** Standard Normal noise. */
export function standardNormal(shape: number[], seed?: number | string): Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', typeof seed === 'string' ? hashSeed(seed) : seed);
}

/** A string seed as a number (FNV-1a, 32 bits): tf.randomNormal takes numeric seeds only. */
export function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The smallest normal float32, 2⁻¹²⁶. */
export const FLOAT32_TINY = 1.1754943508222875e-38;
/** The largest float32 below 1, 1 − 2⁻²⁴. */
export const FLOAT32_ONE_MINUS_EPS = 1 - 2 ** -24;

/** u ~ U(0, 1) clamped to [2⁻¹²⁶, 1 − 2⁻²⁴] (tfjs's uniform can return exactly 0). */
export function clampedUniform(shape: number[], seed?: number | string): Tensor {
  return tf.tidy(() => tf.clipByValue(tf.randomUniform(shape, 0, 1, 'float32', seed), FLOAT32_TINY, FLOAT32_ONE_MINUS_EPS));
}
