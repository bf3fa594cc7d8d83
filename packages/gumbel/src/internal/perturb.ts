import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { standardGumbelNoise } from './noise.js';
import { checkNoise, checkSeed, fail, oneHotFloat, toFloat, type Seed } from '@genmod-internal/core';

/**
 * The randomness options of every Gumbel-perturbation sampler: a seed, or the noise g ~ Gumbel(0, 1)
 * itself, g = −log(−log u) (Gumbel 1954; Maddison, Tarlow & Minka 2014).
 * @example
 * ```ts
 * const a: NoiseOptions = { seed: 0 };                 // 0 is a seed like any other
 * const b: NoiseOptions = { noise: [[0.1, -0.4, 1.2]] }; // common random numbers
 * ```
 * @since 0.1.0
 */
export interface NoiseOptions {
  /**
   * Seed of the Gumbel noise: any finite number (0 included) or string, mixed by the one seed scheme of
   * every `@genmod` package (`deriveSeed`). The same seed gives the same output on every backend (numbers are
   * drawn on the host). A fixed seed gives the same noise on every call: vary it per step in a training loop.
   */
  seed?: Seed;
  /**
   * Caller-provided standard Gumbel noise g of the logits' shape, used instead of drawing it: common random
   * numbers across calls, reproducible tests.
   */
  noise?: Tensor | TensorLike;
}

/** The keys of {@link NoiseOptions}, for strict options checks. */
export const NOISE_KEYS = ['seed', 'noise'] as const;

/** Validates the noise options against the logits' shape (before anything is allocated). */
export function checkNoiseOptions(fn: string, options: NoiseOptions, shape: number[]): Seed | undefined {
  const seed = checkSeed(fn, options.seed);
  if (options.noise !== undefined) checkNoise(fn, options.noise, shape, 'options.noise');
  return seed;
}

/** The Gumbel noise for `logits`: the caller's, or a fresh draw from deriveSeed(seed). Call inside a tidy. */
export function gumbelNoise(fn: string, options: NoiseOptions, shape: number[], seed: Seed | undefined): Tensor {
  return options.noise !== undefined ? toFloat(fn, 'options.noise', options.noise) : standardGumbelNoise(shape, seed);
}

/** A class count k in [1, K] (gumbelTopK's k, sampleCategorical's topK), with K in the message. */
export function checkClassCount(fn: string, arg: string, k: unknown, K: number): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > K) {
    fail(fn, arg, `an integer in [1, K] = [1, ${K}] (K = the logits' last dimension)`, k);
  }
  return k as number;
}

/** Moves axis `from` of a rank-r tensor to position `to`. */
export function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const perm = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return tf.transpose(x, perm);
}

/** softmax along `axis` (tf.softmax works on the last axis only). */
export function softmaxAlong(z: Tensor, axis: number): Tensor {
  if (axis === z.rank - 1) return tf.softmax(z);
  const e = tf.exp(tf.sub(z, tf.max(z, axis, true)));
  return tf.div(e, tf.sum(e, axis, true));
}

/** one_hot(argmax y) along `axis`, float32 (core's oneHotFloat: wasm-safe, and valid for one class). */
export function oneHotArgmax(y: Tensor, axis: number): Tensor {
  const depth = y.shape[axis]!;
  // argMax is int32 already: tf.oneHot on it directly (int32, then one cast), no same-dtype Cast of the indices
  const hot = depth === 1 ? oneHotFloat(tf.argMax(y, axis), 1) : tf.cast(tf.oneHot(tf.argMax(y, axis), depth), 'float32');
  return moveAxis(hot, y.rank - 1, axis);
}
