/**
 * The KL term of a discrete VAE with N categorical latents of K classes.
 *
 * @see Jang, Gu & Poole 2017, arXiv:1611.01144, §3 · Ramesh et al. 2021, arXiv:2102.12092 (dVAE).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkOptions, checkTensorArg, fail, inferShape, showShape, sumTrailing, toFloat } from '@genmod-internal/core';
import { klCategorical, klToUniform } from '@genmod/divergences';

/** Options of {@link categoricalKl}. @since 0.1.0 */
export interface CategoricalKlOptions {
  /** the prior's logits, broadcastable with the posterior's (e.g. `[N, K]` or `[K]`); default uniform */
  priorLogits?: Tensor | TensorLike;
}

/**
 * Σ_n KL(q(c_n|x) ‖ p(c_n)) per example, for N categorical latents with K classes (the analytic KL; the
 * relaxation only enters the reconstruction term). With the uniform prior it is Σ_n (log K − H(q_n)).
 *
 * @param logits float32 `[B, N, K]` (or `[B, K]` for one latent)
 * @returns `[B]`, in nats
 * @see Jang et al. 2017, arXiv:1611.01144 · Ramesh et al. 2021, arXiv:2102.12092
 * @example
 * ```ts
 * categoricalKl(tf.zeros([2, 30, 10])).print();   // [0, 0]: uniform q
 * categoricalKl(tf.tensor3d([[[9, 0, 0]]]));      // ≈ [log 3 − H] > 0
 * ```
 * @since 0.1.0
 */
export function categoricalKl(logits: Tensor | TensorLike, options: CategoricalKlOptions = {}): Tensor {
  const fn = 'categoricalKl';
  const shape = checkTensorArg(fn, 'logits', logits, 2);
  checkOptions(fn, options, ['priorLogits']);
  const k = shape[shape.length - 1]!;
  if (k < 2) fail(fn, 'logits', 'a tensor with K ≥ 2 classes on the last axis', showShape(shape));
  if (options.priorLogits !== undefined) {
    const ps = checkTensorArg(fn, 'options.priorLogits', options.priorLogits, 1);
    if (ps[ps.length - 1] !== k) fail(fn, 'options.priorLogits', `a tensor with K = ${k} classes on the last axis`, showShape(inferShape(options.priorLogits)));
  }
  return tf.tidy(fn, () => {
    const l = toFloat(fn, 'logits', logits);
    const perLatent =
      options.priorLogits === undefined ? klToUniform(l) : klCategorical({ logits: l }, { logits: toFloat(fn, 'options.priorLogits', options.priorLogits) });
    return sumTrailing(perLatent, perLatent.rank - 1);
  });
}
