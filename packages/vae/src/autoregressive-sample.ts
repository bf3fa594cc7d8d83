/**
 * Ancestral sampling of an autoregressive model over discrete codes, one position at a time.
 *
 * @see van den Oord, Vinyals & Kavukcuoglu 2017, "Neural Discrete Representation Learning", NeurIPS,
 *      arXiv:1711.00937 (sampling a prior over VQ-VAE codes, then decoding).
 * @see Ramesh et al. 2021, "Zero-Shot Text-to-Image Generation", ICML, arXiv:2102.12092.
 * @see Fan, Lewis & Dauphin 2018, arXiv:1805.04833 (top-k sampling).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkFunction, checkInteger, checkNumber, checkOptions, checkSeed, deriveSeed, fail, mulberry32, showShape, type Seed } from '@genmod-internal/core';
import { sampleCategorical } from '@genmod/gumbel';

/** Options of {@link autoregressiveSample}. @since 0.1.0 */
export interface AutoregressiveSampleOptions {
  /** N ≥ 1: the number of codes to draw per sequence */
  length: number;
  /** B ≥ 1: the number of sequences drawn in parallel; default 1 */
  batch?: number;
  /** τ > 0 dividing the logits at every step; default 1 (exact ancestral sampling) */
  temperature?: number;
  /** keep the k most likely codes at every step and renormalise; default all */
  topK?: number;
  /** seed (a number, 0 included, or a string): step i uses a seed derived from it, so the whole draw is reproducible */
  seed?: Seed;
}

/**
 * Draws c ~ Π_{i<N} p(c_i | c_<i) by ancestral sampling: for i = 0, …, N − 1,
 *
 *   ℓ = stepLogits(c_<i, i)   `[B, K]`,
 *   c_i = argmax_{k ∈ top-k(ℓ)} (ℓ_k/τ + g_k),  g ~ Gumbel(0, 1)   (`sampleCategorical` of `@genmod/gumbel`),
 *
 * i.e. each code from softmax(ℓ/τ) renormalised over the k largest logits. With τ = 1 and no top-k the
 * sequences are exact samples of the model; τ < 1 and top-k trade diversity for typicality.
 *
 * `stepLogits` receives the codes drawn so far (int32 `[B, i]`, `[B, 0]` at the first step) and returns
 * float32 logits `[B, K]` for position i; its intermediate tensors are freed after each step. Each step gets
 * its own seed, derived from `seed`.
 *
 * @param stepLogits `(prefix: int32 [B, i], i) ↦ logits [B, K]`
 * @returns int32 `[B, N]`, owned by the caller
 * @see van den Oord et al. 2017, arXiv:1711.00937 · Ramesh et al. 2021, arXiv:2102.12092 · Fan et al. 2018, arXiv:1805.04833
 * @example
 * ```ts
 * // a Markov chain over K = 3 codes that prefers to repeat the previous code
 * const step = (prefix: tf.Tensor, i: number) =>
 *   i === 0 ? tf.zeros([prefix.shape[0]!, 3]) : tf.mul(tf.cast(tf.oneHot(tf.squeeze(tf.slice(prefix, [0, i - 1], [-1, 1]), [1]), 3), 'float32'), 3);
 * const codes = autoregressiveSample(step, { length: 8, batch: 4, temperature: 0.8, topK: 2, seed: 0 }); // int32 [4, 8]
 * ```
 * @since 0.1.0
 */
export function autoregressiveSample(stepLogits: (prefix: Tensor, position: number) => Tensor, options: AutoregressiveSampleOptions): Tensor {
  const fn = 'autoregressiveSample';
  checkFunction(fn, 'stepLogits', stepLogits);
  if (options === undefined) fail(fn, 'options', 'an object { length, … }', options);
  checkOptions(fn, options, ['length', 'batch', 'temperature', 'topK', 'seed']);
  const length = checkInteger(fn, 'options.length', options.length, { min: 1 });
  const batch = checkInteger(fn, 'options.batch', options.batch ?? 1, { min: 1 });
  const temperature = checkNumber(fn, 'options.temperature', options.temperature ?? 1, { above: 0 });
  const topK = options.topK === undefined ? undefined : checkInteger(fn, 'options.topK', options.topK, { min: 1 });
  const seeds = stepSeeds(checkSeed(fn, options.seed), length);
  return tf.tidy(fn, () => {
    let codes = tf.zeros([batch, 0], 'int32');
    let classes: number | undefined;
    for (let i = 0; i < length; i++) {
      const prefix = codes;
      const next = tf.tidy(() => {
        const logits = stepLogits(prefix, i);
        const what = `stepLogits(prefix, ${i})`;
        if (!(logits instanceof tf.Tensor) || logits.dtype !== 'float32' || logits.rank !== 2 || logits.shape[0] !== batch) {
          fail(fn, what, `float32 logits of shape [${batch}, K] (B = options.batch)`, logits);
        }
        const k = logits.shape[1]!;
        if (classes === undefined) {
          if (k < 1) fail(fn, what, 'logits with K ≥ 1 classes', showShape(logits.shape));
          if (topK !== undefined && topK > k) fail(fn, 'options.topK', `an integer in [1, K] = [1, ${k}] (K = the classes stepLogits returns)`, topK);
          classes = k;
        } else if (k !== classes) {
          fail(fn, what, `logits with the K = ${classes} classes of the first step`, showShape(logits.shape));
        }
        const c = sampleCategorical(logits, { temperature, ...(topK !== undefined ? { topK } : {}), ...(seeds ? { seed: seeds[i]! } : {}) });
        return tf.reshape(c, [batch, 1]);
      });
      codes = tf.concat([prefix, next], 1);
      tf.dispose([prefix, next]);
    }
    return codes;
  });
}

/** One seed per step from the caller's seed (its 'sample' stream; non-zero: tfjs reads 0 as "unseeded"). */
function stepSeeds(seed: Seed | undefined, n: number): number[] | undefined {
  if (seed === undefined) return undefined;
  const rng = mulberry32(deriveSeed(seed, 'sample'));
  return Array.from({ length: n }, () => 1 + Math.floor(rng() * 2147483646));
}
