/**
 * @see Maddison, Tarlow & Minka 2014, "A* Sampling", arXiv:1411.0030 (the Gumbel-max trick);
 *      Hinton, Vinyals & Dean 2015, arXiv:1503.02531 (softmax temperature);
 *      Fan, Lewis & Dauphin 2018, "Hierarchical Neural Story Generation", ACL, arXiv:1805.04833 (top-k sampling).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkLogits, checkOptions, checkTemperature, toFloat } from '@genmod-internal/core';
import { checkClassCount, checkNoiseOptions, gumbelNoise, NOISE_KEYS, type NoiseOptions } from './internal/perturb.js';

const KEYS = [...NOISE_KEYS, 'temperature', 'topK'] as const;

/**
 * Options of {@link sampleCategorical}: i = argmax_{j∈top-k} (ℓ_j/τ + g_j) (Fan et al. 2018).
 * @example
 * ```ts
 * const o: SampleCategoricalOptions = { temperature: 0.8, topK: 40, seed: 7 };
 * ```
 * @since 0.1.0
 */
export interface SampleCategoricalOptions extends NoiseOptions {
  /** τ > 0: divides the logits; τ < 1 sharpens the distribution, τ > 1 flattens it; default 1 */
  temperature?: number;
  /** keep only the k largest logits (1 ≤ k ≤ K) and renormalise over them; default K (no truncation) */
  topK?: number;
}

/**
 * Draws a class from the tempered, top-k truncated categorical that language and image-token models sample
 * from, by the Gumbel-max trick:
 *
 *   S = the k classes with the largest logits,
 *   p(i) = exp(ℓ_i/τ) / Σ_{j∈S} exp(ℓ_j/τ) for i ∈ S, 0 otherwise,
 *   i = argmax_{j∈S} (ℓ_j/τ + g_j),   g_j ~ Gumbel(0, 1) i.i.d.
 *
 * With τ = 1 and no `topK` it is {@link gumbelMax}. Logits tied with the k-th largest are all kept (ties
 * have probability zero for continuous logits). Masked classes (logit −Infinity) are never drawn. The noise
 * is seeded by `deriveSeed(seed)`; unknown option keys throw.
 *
 * @param logits float32 `[...batch, K]`, classes on the last axis
 * @returns int32 `[...batch]`
 * @see Maddison, Tarlow & Minka 2014, arXiv:1411.0030 · Fan, Lewis & Dauphin 2018, arXiv:1805.04833
 * @example
 * ```ts
 * const next = sampleCategorical([[2, 1, 0.5, -1, -3]], { temperature: 0.8, topK: 3, seed: 7 }); // int32 [1], in {0, 1, 2}
 * ```
 * @since 0.1.0
 */
export function sampleCategorical(logits: Tensor | TensorLike, options?: SampleCategoricalOptions): Tensor {
  const fn = 'sampleCategorical';
  const opts = checkOptions(fn, options, KEYS);
  const { shape } = checkLogits(fn, logits);
  const k = shape[shape.length - 1]!;
  const temperature = checkTemperature(fn, opts.temperature ?? 1, 'options.temperature');
  const topK = checkClassCount(fn, 'options.topK', opts.topK ?? k, k);
  const seed = checkNoiseOptions(fn, opts, shape);
  return tf.tidy(fn, () => {
    let l = toFloat(fn, 'logits', logits);
    if (topK < k) {
      const kth = tf.slice(tf.topk(l, topK).values, [...shape.slice(0, -1).map(() => 0), topK - 1], [...shape.slice(0, -1).map(() => -1), 1]);
      l = tf.where(tf.greaterEqual(l, kth), l, tf.fill(shape, -Infinity));
    }
    const scaled = temperature === 1 ? l : tf.div(l, temperature);
    return tf.argMax(tf.add(scaled, gumbelNoise(fn, opts, shape, seed)), -1);
  });
}
