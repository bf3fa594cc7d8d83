/**
 * GAN losses from discriminator logits (or raw critic scores), mean reduction, in stable forms: every
 * log σ and log(1 − σ) is written with softplus (log σ(l) = −softplus(−l), log(1 − σ(l)) = −softplus(l)),
 * which is exact and has finite gradients at logits of ±1e4.
 *
 * @see Goodfellow et al. 2014, "Generative Adversarial Nets", arXiv:1406.2661 (minimax, non-saturating).
 * @see Mao et al. 2017, "Least Squares Generative Adversarial Networks", arXiv:1611.04076.
 * @see Lim & Ye 2017, "Geometric GAN", arXiv:1705.02894 · Miyato et al. 2018, arXiv:1802.05957 (hinge).
 * @see Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN", arXiv:1701.07875.
 * @see Poole et al. 2016, "Improved generator objectives for GANs", arXiv:1612.02780 (the log-ratio form).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { toFloat } from '@genmod-internal/core';
import { checkScorePair, checkScores } from './internal/checks.js';

/** A tensor or anything `tf.tensor` accepts (shown inline in the API reference). @inline */
type Input = Tensor | TensorLike;

function pair(fn: string, real: Input, fake: Input, body: (r: Tensor, f: Tensor) => Tensor): Scalar {
  checkScorePair(fn, real, fake);
  return tf.tidy(fn, () => body(toFloat(fn, 'real', real), toFloat(fn, 'fake', fake))) as Scalar;
}

function single(fn: string, fake: Input, body: (f: Tensor) => Tensor, arg = 'fakeLogits'): Scalar {
  checkScores(fn, arg, fake);
  return tf.tidy(fn, () => body(toFloat(fn, arg, fake))) as Scalar;
}

/**
 * The discriminator's binary cross-entropy: real labelled 1, fake labelled 0.
 *
 *   L_D = −E_x log D(x) − E_z log(1 − D(G(z))) = mean softplus(−r) + mean softplus(f),  D = σ(logit)
 *
 * The two means are taken separately, so the batch sizes may differ (the per-example shapes must agree).
 * Stable at logits ±1e4 (value and gradient finite).
 *
 * @param realLogits discriminator logits on data, shape `[B]` or `[B, 1]` (any shape)
 * @param fakeLogits discriminator logits on generated samples, same per-example shape
 * @returns a scalar
 * @see Goodfellow et al. 2014, arXiv:1406.2661, eq. 1
 * @example
 * ```ts
 * minimaxDiscriminatorLoss(tf.tensor1d([3, 2]), tf.tensor1d([-2, -3])).print(); // 0.1755 (a good discriminator)
 * ```
 * @since 0.1.0 (named `discriminatorLoss` before the first release)
 */
export function minimaxDiscriminatorLoss(realLogits: Input, fakeLogits: Input): Scalar {
  return pair('minimaxDiscriminatorLoss', realLogits, fakeLogits, (r, f) => tf.add(tf.mean(tf.softplus(tf.neg(r))), tf.mean(tf.softplus(f))));
}

/**
 * The generator's side of the original minimax game, which it minimizes:
 *
 *   L_G = E_z log(1 − D(G(z))) = −mean softplus(f)
 *
 * It saturates: where D confidently rejects the samples (f ≪ 0), ∂L_G/∂f = −σ(f) ≈ 0, so early in training
 * the generator learns slowly. Prefer {@link nonSaturatingGeneratorLoss}.
 *
 * @param fakeLogits discriminator logits on generated samples, shape `[B]` or `[B, 1]`
 * @returns a scalar (≤ 0)
 * @see Goodfellow et al. 2014, arXiv:1406.2661, eq. 1
 * @example
 * ```ts
 * minimaxGeneratorLoss(tf.tensor1d([0, 0])).print(); // −log 2 = −0.6931
 * ```
 * @since 0.1.0 (named `generatorLossMinimax` before the first release)
 */
export function minimaxGeneratorLoss(fakeLogits: Input): Scalar {
  return single('minimaxGeneratorLoss', fakeLogits, (f) => tf.neg(tf.mean(tf.softplus(f))));
}

/**
 * The non-saturating generator loss ("−log D trick"): the same fixed points as the minimax game, strong
 * gradients when D rejects the samples.
 *
 *   L_G = −E_z log D(G(z)) = mean softplus(−f)
 *
 * @param fakeLogits discriminator logits on generated samples, shape `[B]` or `[B, 1]`
 * @returns a scalar (≥ 0)
 * @see Goodfellow et al. 2014, arXiv:1406.2661, §3
 * @example
 * ```ts
 * nonSaturatingGeneratorLoss(tf.tensor1d([0, 0])).print(); // log 2 = 0.6931
 * ```
 * @since 0.1.0 (named `generatorLossNonSaturating` before the first release)
 */
export function nonSaturatingGeneratorLoss(fakeLogits: Input): Scalar {
  return single('nonSaturatingGeneratorLoss', fakeLogits, (f) => tf.mean(tf.softplus(tf.neg(f))));
}

/**
 * The log-ratio generator loss: with an optimal discriminator logit D = log(p_data/p_g), so minimizing
 * it minimizes KL(p_g ‖ p_data) (the sum of the minimax and non-saturating losses).
 *
 *   L_G = −E_z log(D/(1 − D)) = −E_z logit D(G(z)) = −mean f
 *
 * @param fakeLogits discriminator logits on generated samples, shape `[B]` or `[B, 1]`
 * @returns a scalar
 * @see Poole et al. 2016, arXiv:1612.02780 · Goodfellow 2016, "NIPS 2016 Tutorial: GANs", arXiv:1701.00160, §3.2.3
 * @example
 * ```ts
 * logRatioGeneratorLoss(tf.tensor1d([1, 3])).print(); // −2
 * ```
 * @since 0.1.0 (named `generatorLossLogRatio` before the first release)
 */
export function logRatioGeneratorLoss(fakeLogits: Input): Scalar {
  return single('logRatioGeneratorLoss', fakeLogits, (f) => tf.neg(tf.mean(f)));
}

/**
 * The least-squares (LSGAN) discriminator loss on raw outputs, targets 1 for data and 0 for samples:
 *
 *   L_D = ½·E_x (D(x) − 1)² + ½·E_z D(G(z))²
 *
 * @param real raw discriminator outputs on data, shape `[B]` or `[B, 1]`
 * @param fake raw discriminator outputs on generated samples, same per-example shape
 * @returns a scalar
 * @see Mao et al. 2017, arXiv:1611.04076, eq. 2 (a = 0, b = 1)
 * @example
 * ```ts
 * leastSquaresDiscriminatorLoss(tf.tensor1d([1, 1]), tf.tensor1d([0, 0])).print(); // 0 (perfect)
 * ```
 * @since 0.1.0
 */
export function leastSquaresDiscriminatorLoss(real: Input, fake: Input): Scalar {
  return pair('leastSquaresDiscriminatorLoss', real, fake, (r, f) => tf.mul(tf.add(tf.mean(tf.square(tf.sub(r, 1))), tf.mean(tf.square(f))), 0.5));
}

/**
 * The least-squares (LSGAN) generator loss, target 1 for samples:
 *
 *   L_G = ½·E_z (D(G(z)) − 1)²
 *
 * @param fake raw discriminator outputs on generated samples, shape `[B]` or `[B, 1]`
 * @returns a scalar
 * @see Mao et al. 2017, arXiv:1611.04076, eq. 2 (c = 1)
 * @example
 * ```ts
 * leastSquaresGeneratorLoss(tf.tensor1d([0, 2])).print(); // 0.5
 * ```
 * @since 0.1.0
 */
export function leastSquaresGeneratorLoss(fake: Input): Scalar {
  return single('leastSquaresGeneratorLoss', fake, (f) => tf.mul(tf.mean(tf.square(tf.sub(f, 1))), 0.5), 'fake');
}

/**
 * The hinge discriminator loss (geometric GAN, SN-GAN, BigGAN):
 *
 *   L_D = E_x max(0, 1 − D(x)) + E_z max(0, 1 + D(G(z)))
 *
 * @param real raw discriminator outputs on data, shape `[B]` or `[B, 1]`
 * @param fake raw discriminator outputs on generated samples, same per-example shape
 * @returns a scalar (≥ 0)
 * @see Lim & Ye 2017, arXiv:1705.02894 · Miyato et al. 2018, arXiv:1802.05957, eq. 17
 * @example
 * ```ts
 * hingeDiscriminatorLoss(tf.tensor1d([2, 0.5]), tf.tensor1d([-1, 0])).print(); // 0.25 + 0.5 = 0.75
 * ```
 * @since 0.1.0
 */
export function hingeDiscriminatorLoss(real: Input, fake: Input): Scalar {
  return pair('hingeDiscriminatorLoss', real, fake, (r, f) => tf.add(tf.mean(tf.relu(tf.sub(1, r))), tf.mean(tf.relu(tf.add(1, f)))));
}

/**
 * The hinge generator loss: L_G = −E_z D(G(z)).
 *
 * @param fake raw discriminator outputs on generated samples, shape `[B]` or `[B, 1]`
 * @returns a scalar
 * @see Lim & Ye 2017, arXiv:1705.02894 · Miyato et al. 2018, arXiv:1802.05957
 * @example
 * ```ts
 * hingeGeneratorLoss(tf.tensor1d([1, 3])).print(); // −2
 * ```
 * @since 0.1.0
 */
export function hingeGeneratorLoss(fake: Input): Scalar {
  return single('hingeGeneratorLoss', fake, (f) => tf.neg(tf.mean(f)), 'fake');
}

/**
 * The Wasserstein critic loss (minimized by the critic f, kept 1-Lipschitz by weight clipping, a gradient
 * penalty or spectral normalization): the negated Kantorovich–Rubinstein estimate of W₁.
 *
 *   L_critic = −E_x f(x) + E_z f(G(z))
 *
 * @param realScores critic scores on data, shape `[B]` or `[B, 1]`
 * @param fakeScores critic scores on generated samples, same per-example shape
 * @returns a scalar
 * @see Arjovsky, Chintala & Bottou 2017, arXiv:1701.07875, eq. 3 · Gulrajani et al. 2017, arXiv:1704.00028
 * @example
 * ```ts
 * wassersteinCriticLoss(tf.tensor1d([2, 4]), tf.tensor1d([0, 1])).print(); // 0.5 − 3 = −2.5
 * ```
 * @since 0.1.0
 */
export function wassersteinCriticLoss(realScores: Input, fakeScores: Input): Scalar {
  return pair('wassersteinCriticLoss', realScores, fakeScores, (r, f) => tf.sub(tf.mean(f), tf.mean(r)));
}

/**
 * The Wasserstein generator loss: L_G = −E_z f(G(z)).
 *
 * @param fakeScores critic scores on generated samples, shape `[B]` or `[B, 1]`
 * @returns a scalar
 * @see Arjovsky, Chintala & Bottou 2017, arXiv:1701.07875, Algorithm 1
 * @example
 * ```ts
 * wassersteinGeneratorLoss(tf.tensor1d([0, 1])).print(); // −0.5
 * ```
 * @since 0.1.0
 */
export function wassersteinGeneratorLoss(fakeScores: Input): Scalar {
  return single('wassersteinGeneratorLoss', fakeScores, (f) => tf.neg(tf.mean(f)), 'fakeScores');
}
