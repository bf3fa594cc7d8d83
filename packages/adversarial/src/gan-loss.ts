/**
 * GAN objectives as values: pairs of a discriminator (critic) loss and a generator loss, passed to
 * {@link trainAdversarial}, {@link discriminatorStep} and {@link generatorStep}.
 *
 * @see Goodfellow et al. 2014, "Generative Adversarial Nets", arXiv:1406.2661 (minimax, non-saturating).
 * @see Mao et al. 2017, arXiv:1611.04076 (least squares) · Lim & Ye 2017, arXiv:1705.02894 (hinge).
 * @see Arjovsky, Chintala & Bottou 2017, arXiv:1701.07875 (Wasserstein) · Poole et al. 2016, arXiv:1612.02780 (log-ratio).
 */
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import {
  hingeDiscriminatorLoss, hingeGeneratorLoss, leastSquaresDiscriminatorLoss, leastSquaresGeneratorLoss, logRatioGeneratorLoss,
  minimaxDiscriminatorLoss, minimaxGeneratorLoss, nonSaturatingGeneratorLoss, wassersteinCriticLoss, wassersteinGeneratorLoss,
} from './losses.js';

/**
 * A GAN objective as a pair of losses, passed to training loops as a value: the discriminator (critic)
 * minimizes `discriminator(D(x), D(G(z)))`, the generator minimizes `generator(D(G(z)))`. Both take raw
 * discriminator outputs (logits for the cross-entropy losses) and return a scalar.
 *
 * @example
 * ```ts
 * const loss: GanLoss = nonSaturatingLoss;
 * loss.generator(tf.tensor1d([0])).print(); // 0.6931
 * ```
 * @since 0.1.0
 */
export interface GanLoss {
  /** a short name for logs: 'minimax', 'non-saturating', 'log-ratio', 'least-squares', 'hinge', 'wasserstein' */
  readonly name: string;
  /** the discriminator's (critic's) loss, to minimize */
  discriminator(real: Tensor, fake: Tensor): Scalar;
  /** the generator's loss, to minimize */
  generator(fake: Tensor): Scalar;
}

/**
 * The original minimax GAN: {@link minimaxDiscriminatorLoss} and {@link minimaxGeneratorLoss}.
 * @see Goodfellow et al. 2014, arXiv:1406.2661
 * @example
 * ```ts
 * minimaxLoss.generator(tf.tensor1d([0])).print(); // −0.6931
 * ```
 * @since 0.1.0
 */
export const minimaxLoss: GanLoss = Object.freeze({ name: 'minimax', discriminator: minimaxDiscriminatorLoss, generator: minimaxGeneratorLoss });

/**
 * The non-saturating GAN, the usual default: {@link minimaxDiscriminatorLoss} and {@link nonSaturatingGeneratorLoss}.
 * @see Goodfellow et al. 2014, arXiv:1406.2661, §3
 * @example
 * ```ts
 * nonSaturatingLoss.discriminator(tf.tensor1d([0]), tf.tensor1d([0])).print(); // 2·log 2 = 1.3863
 * ```
 * @since 0.1.0
 */
export const nonSaturatingLoss: GanLoss = Object.freeze({ name: 'non-saturating', discriminator: minimaxDiscriminatorLoss, generator: nonSaturatingGeneratorLoss });

/**
 * The log-ratio GAN: {@link minimaxDiscriminatorLoss} and {@link logRatioGeneratorLoss} (−E logit D).
 * @see Poole et al. 2016, arXiv:1612.02780
 * @example
 * ```ts
 * logRatioLoss.generator(tf.tensor1d([2])).print(); // −2
 * ```
 * @since 0.1.0
 */
export const logRatioLoss: GanLoss = Object.freeze({ name: 'log-ratio', discriminator: minimaxDiscriminatorLoss, generator: logRatioGeneratorLoss });

/**
 * LSGAN: {@link leastSquaresDiscriminatorLoss} and {@link leastSquaresGeneratorLoss}.
 * @see Mao et al. 2017, arXiv:1611.04076
 * @example
 * ```ts
 * leastSquaresLoss.generator(tf.tensor1d([1])).print(); // 0
 * ```
 * @since 0.1.0
 */
export const leastSquaresLoss: GanLoss = Object.freeze({ name: 'least-squares', discriminator: leastSquaresDiscriminatorLoss, generator: leastSquaresGeneratorLoss });

/**
 * The hinge GAN: {@link hingeDiscriminatorLoss} and {@link hingeGeneratorLoss}.
 * @see Lim & Ye 2017, arXiv:1705.02894 · Miyato et al. 2018, arXiv:1802.05957
 * @example
 * ```ts
 * hingeLoss.discriminator(tf.tensor1d([1]), tf.tensor1d([-1])).print(); // 0
 * ```
 * @since 0.1.0
 */
export const hingeLoss: GanLoss = Object.freeze({ name: 'hinge', discriminator: hingeDiscriminatorLoss, generator: hingeGeneratorLoss });

/**
 * WGAN: {@link wassersteinCriticLoss} and {@link wassersteinGeneratorLoss}. The critic must be kept
 * Lipschitz: add `gradientPenalty` (WGAN-GP), use `clipWeights` after each critic step (WGAN) or
 * `spectralNorm` on its weights.
 * @see Arjovsky, Chintala & Bottou 2017, arXiv:1701.07875 · Gulrajani et al. 2017, arXiv:1704.00028
 * @example
 * ```ts
 * wassersteinLoss.discriminator(tf.tensor1d([1]), tf.tensor1d([0])).print(); // −1
 * ```
 * @since 0.1.0
 */
export const wassersteinLoss: GanLoss = Object.freeze({ name: 'wasserstein', discriminator: wassersteinCriticLoss, generator: wassersteinGeneratorLoss });
