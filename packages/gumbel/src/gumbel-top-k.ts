/**
 * @see Kool, van Hoof & Welling 2019, "Stochastic Beams and Where to Find Them: The Gumbel-Top-k Trick for
 *      Sampling Sequences Without Replacement", ICML, arXiv:1903.06059.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkClassCount, checkNoiseOptions, gumbelNoise, NOISE_KEYS, type NoiseOptions } from './internal/perturb.js';
import { checkLogits, checkOptions, toFloat } from '@genmod-internal/core';

/**
 * Options of {@link gumbelTopK}: the seed, or the noise g of top-k(logits + g) (Kool et al. 2019).
 * @example
 * ```ts
 * const o: GumbelTopKOptions = { seed: 11 };
 * ```
 * @since 0.1.0
 */
export type GumbelTopKOptions = NoiseOptions;

/**
 * k draws without replacement from Categorical(softmax(logits)), in the order they are drawn, by the
 * Gumbel-top-k trick: the indices of the k largest perturbed logits logits_i + g_i, in decreasing order.
 * The ordered tuple (i₁, …, i_k) has the Plackett–Luce probability Π_j p_{i_j} / (1 − Σ_{l<j} p_{i_l}).
 *
 * Masked classes (logit −Infinity) come only after every unmasked class, so k must not exceed the number
 * of unmasked classes for the draws to be meaningful. The noise is seeded by `deriveSeed(seed)`; unknown
 * option keys throw.
 *
 * @param logits float32 `[...batch, K]`
 * @param k the number of draws, 1 ≤ k ≤ K
 * @returns int32 `[...batch, k]`
 * @see Kool, van Hoof & Welling 2019, arXiv:1903.06059 · Vieira 2014, "Gumbel-max trick and weighted reservoir sampling"
 * @example
 * ```ts
 * const idx = gumbelTopK([[0, 1, -0.5, 0.4]], 2, { seed: 11 });   // int32 [1, 2], two distinct classes
 * ```
 * @since 0.1.0
 */
export function gumbelTopK(logits: Tensor | TensorLike, k: number, options?: GumbelTopKOptions): Tensor {
  const fn = 'gumbelTopK';
  const opts = checkOptions(fn, options, NOISE_KEYS);
  const { shape } = checkLogits(fn, logits);
  checkClassCount(fn, 'k', k, shape[shape.length - 1]!);
  const seed = checkNoiseOptions(fn, opts, shape);
  return tf.tidy(fn, () => {
    const l = toFloat(fn, 'logits', logits);
    return tf.topk(tf.add(l, gumbelNoise(fn, opts, shape, seed)), k, true).indices;
  });
}
