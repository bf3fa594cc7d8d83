/**
 * Adversarial variational Bayes (AVB): variational inference with an implicit encoder z = E(x, ε), whose
 * density q(z|x) is never written down. A discriminator T(x, z) learns to tell pairs (x, z ~ q(z|x)) from pairs
 * (x, z ~ p(z)); at its optimum T*(x, z) = log q(z|x) − log p(z) (the density-ratio trick), so
 *
 *   KL(q(z|x) ‖ p(z)) = E_q[T*(x, z)]   and   ELBO = E_q[log p(x|z) − T*(x, z)].
 *
 * @see Mescheder, Nowozin & Geiger 2017, "Adversarial Variational Bayes: Unifying Variational Autoencoders and
 *   Generative Adversarial Networks", ICML, arXiv:1701.04722 (Proposition 1, eq. 3.3-3.5, Algorithm 1).
 * @see Sugiyama, Suzuki & Kanamori 2012, "Density Ratio Estimation in Machine Learning", ch. 4.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { densityRatioKl, densityRatioLoss } from '@genmod/divergences';
import { fail, showShape, toFloat, inferShape } from '@genmod-internal/core';
import { checkPerExample as perExample } from './internal/checks.js';

/** A tensor or anything `tf.tensor` accepts (shown inline in the API reference). @inline */
type Input = Tensor | TensorLike;

/**
 * The AVB discriminator's logistic loss, posterior pairs labelled 1 and prior pairs 0 (eq. 3.3, minimized):
 *
 *   L_T = −E_{x, z~q(z|x)} log σ(T(x, z)) − E_{x, z~p(z)} log(1 − σ(T(x, z)))
 *       = mean softplus(−T_q) + mean softplus(T_p),
 *
 * whose minimizer is T*(x, z) = log q(z|x) − log p(z) (Proposition 1), with equal numbers of pairs from q and
 * from p. Stable at logits ±1e4. This is `densityRatioLoss` of @genmod/divergences (q₁ = the posterior pairs,
 * q₂ = the prior pairs) with AVB's per-example shape check.
 *
 * @param posteriorLogits T(x, z) on pairs with z ~ q(z|x), `[B]` or `[B, 1]`
 * @param priorLogits T(x, z) on pairs with z ~ p(z), `[B']` or `[B', 1]`
 * @returns a scalar
 * @see Mescheder et al. 2017, arXiv:1701.04722, eq. 3.3 and Proposition 1 · `densityRatioLoss` (@genmod/divergences)
 * @example
 * ```ts
 * avbDiscriminatorLoss(tf.tensor1d([0, 0]), tf.tensor1d([0])).print(); // 2·log 2 = 1.3863 (T cannot tell)
 * ```
 * @since 0.1.0
 */
export function avbDiscriminatorLoss(posteriorLogits: Input, priorLogits: Input): Scalar {
  const fn = 'avbDiscriminatorLoss';
  perExample(fn, 'posteriorLogits', posteriorLogits);
  perExample(fn, 'priorLogits', priorLogits);
  return densityRatioLoss(posteriorLogits, priorLogits);
}

/**
 * The AVB estimate of the mean KL term, by the density-ratio trick:
 *
 *   E_x KL(q(z|x) ‖ p(z)) ≈ mean over (x, z ~ q(z|x)) of T(x, z),
 *
 * exact when T is the optimal discriminator T* = log q(z|x) − log p(z). This is `densityRatioKl` of
 * @genmod/divergences (prior odds 1) with AVB's per-example shape check.
 *
 * @param posteriorLogits T(x, z) on pairs with z ~ q(z|x), `[B]` or `[B, 1]`
 * @returns a scalar
 * @see Mescheder et al. 2017, arXiv:1701.04722, eq. 3.4 · `densityRatioKl` (@genmod/divergences)
 * @example
 * ```ts
 * avbKl(tf.tensor1d([0.2, 0.4])).print(); // 0.3
 * ```
 * @since 0.1.0
 */
export function avbKl(posteriorLogits: Input): Scalar {
  const fn = 'avbKl';
  perExample(fn, 'posteriorLogits', posteriorLogits);
  return densityRatioKl(posteriorLogits);
}

/**
 * The AVB evidence lower bound, averaged over the batch (eq. 3.5; maximize it, or minimize its negative):
 *
 *   ELBO ≈ mean over (x, z = E(x, ε)) of [ log p(x|z) − T(x, z) ].
 *
 * Differentiate it with respect to the encoder and the decoder, holding T fixed: the gradient through z of
 * T(x, z) is the pathwise gradient of the KL term (the term E_q[∇ log q] vanishes, Proposition 2).
 *
 * @param logLikelihood log p(x|z) per example, summed over the event: `[B]` or `[B, 1]`
 * @param posteriorLogits T(x, z) on the same pairs, `[B]` or `[B, 1]`
 * @returns a scalar
 * @see Mescheder et al. 2017, arXiv:1701.04722, eq. 3.5 and Proposition 2
 * @example
 * ```ts
 * avbElbo(tf.tensor1d([-3, -5]), tf.tensor1d([0.5, 1.5])).print(); // mean(−3.5, −6.5) = −5
 * ```
 * @since 0.1.0
 */
export function avbElbo(logLikelihood: Input, posteriorLogits: Input): Scalar {
  const fn = 'avbElbo';
  const b1 = perExample(fn, 'logLikelihood', logLikelihood);
  const b2 = perExample(fn, 'posteriorLogits', posteriorLogits);
  if (b1 !== b2) fail(fn, 'posteriorLogits', `one value per example of logLikelihood (B = ${b1})`, showShape(inferShape(posteriorLogits)));
  return tf.tidy(fn, () => tf.mean(tf.sub(tf.reshape(toFloat(fn, 'logLikelihood', logLikelihood), [-1]), tf.reshape(toFloat(fn, 'posteriorLogits', posteriorLogits), [-1])))) as Scalar;
}
