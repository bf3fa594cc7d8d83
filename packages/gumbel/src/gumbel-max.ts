/**
 * @see Gumbel 1954; Maddison, Tarlow & Minka 2014, "A* Sampling", arXiv:1411.0030;
 *      Jang, Gu & Poole 2017, arXiv:1611.01144 §2 (the Gumbel-max trick).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkNoiseOptions, gumbelNoise, NOISE_KEYS, type NoiseOptions } from './internal/perturb.js';
import { checkLogits, checkOptions, toFloat } from '@genmod-internal/core';

const KEYS = [...NOISE_KEYS, 'axis'] as const;

/**
 * Options of {@link gumbelMax}: k = argmax(logits + g) along `axis` (Maddison et al. 2014).
 * @example
 * ```ts
 * const o: GumbelMaxOptions = { seed: 0, axis: -1 };
 * ```
 * @since 0.1.0
 */
export interface GumbelMaxOptions extends NoiseOptions {
  /** the class axis, default −1 */
  axis?: number;
}

/**
 * Exact samples of Categorical(softmax(logits)) by the Gumbel-max trick:
 *
 *   k = argmax_i (logits_i + g_i),   g_i ~ Gumbel(0, 1) i.i.d.,   P(k = i) = softmax(logits)_i
 *
 * Logits may be unnormalized and may hold −Infinity for masked classes (never drawn). The noise is
 * seeded by `deriveSeed(seed)` (the same noise as {@link gumbelSoftmax} with the same seed); unknown option
 * keys throw.
 *
 * @param logits float32 `[...batch, K]` (classes on `axis`)
 * @returns int32 indices, the logits' shape without the class axis
 * @see Maddison, Tarlow & Minka 2014, arXiv:1411.0030 · Jang, Gu & Poole 2017, arXiv:1611.01144
 * @example
 * ```ts
 * const k = gumbelMax([[1, 0.5, -0.3, 2, 0]], { seed: 3 });   // int32 [1], a class in 0..4
 * ```
 * @since 0.1.0
 */
export function gumbelMax(logits: Tensor | TensorLike, options?: GumbelMaxOptions): Tensor {
  const fn = 'gumbelMax';
  const opts = checkOptions(fn, options, KEYS);
  const { shape, axis } = checkLogits(fn, logits, opts.axis ?? -1, 'logits');
  const seed = checkNoiseOptions(fn, opts, shape);
  return tf.tidy(fn, () => {
    const l = toFloat(fn, 'logits', logits);
    return tf.argMax(tf.add(l, gumbelNoise(fn, opts, shape, seed)), axis);
  });
}
