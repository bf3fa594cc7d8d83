/**
 * The density-ratio trick: a classifier that tells samples of q₁ (label 1) from samples of q₂ (label 0)
 * estimates q₁/q₂ through its odds, D/(1 − D) = exp(logit) (times the sample-size ratio).
 *
 * @see Sugiyama, Suzuki & Kanamori 2012, "Density Ratio Estimation in Machine Learning", Cambridge UP, ch. 4 (probabilistic classification).
 * @see Mohamed & Lakshminarayanan 2016, "Learning in Implicit Generative Models", arXiv:1610.03483 (class-probability estimation).
 * @see Mescheder, Nowozin & Geiger 2017, "Adversarial Variational Bayes", ICML, arXiv:1701.04722.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkNumber, checkOptions, checkTensorArg, fail, toFloat } from '@genmod-internal/core';

/** Options of {@link densityRatio}, {@link logDensityRatio} and {@link densityRatioKl}: the classifier's prior odds n₁/n₂. @since 0.1.0 */
export interface DensityRatioOptions {
  /**
   * the prior odds n₁/n₂ of the classifier's training set (samples of q₁ per sample of q₂), default 1;
   * the Bayes-optimal logit is log(q₁/q₂) + log(n₁/n₂), so that offset is removed
   */
  priorOdds?: number;
}

function checkPriorOdds(fn: string, options: DensityRatioOptions): number {
  return options.priorOdds === undefined ? 0 : Math.log(checkNumber(fn, 'options.priorOdds', options.priorOdds, { above: 0 }));
}

/**
 * log r(x) = log q₁(x)/q₂(x) ≈ logit D(x) − log(n₁/n₂), for a discriminator D = σ(logit) trained to tell
 * q₁ (label 1) from q₂ (label 0): at its optimum D = n₁q₁/(n₁q₁ + n₂q₂).
 *
 * @param logits the discriminator's logits, any shape
 * @returns the same shape
 * @see Sugiyama et al. 2012, §4.1
 * @example
 * ```ts
 * logDensityRatio([0, 1.5], { priorOdds: 2 }).print(); // [−log 2, 1.5 − log 2]
 * ```
 * @since 0.1.0
 */
export function logDensityRatio(logits: Tensor | TensorLike, options: DensityRatioOptions = {}): Tensor {
  const fn = 'logDensityRatio';
  options = checkOptions(fn, options, ['priorOdds']);
  const offset = checkPriorOdds(fn, options);
  checkTensorArg(fn, 'logits', logits);
  return tf.tidy(fn, () => tf.sub(toFloat(fn, 'logits', logits), offset));
}

/**
 * r(x) = q₁(x)/q₂(x) ≈ D/(1 − D)·(n₂/n₁) = exp(logit − log(n₁/n₂)).
 *
 * @param logits the discriminator's logits, any shape
 * @returns the same shape, ≥ 0
 * @see Sugiyama et al. 2012, §4.1
 * @example
 * ```ts
 * densityRatio([0, Math.log(3)]).print(); // [1, 3]
 * ```
 * @since 0.1.0
 */
export function densityRatio(logits: Tensor | TensorLike, options: DensityRatioOptions = {}): Tensor {
  const fn = 'densityRatio';
  options = checkOptions(fn, options, ['priorOdds']);
  const offset = checkPriorOdds(fn, options);
  checkTensorArg(fn, 'logits', logits);
  return tf.tidy(fn, () => tf.exp(tf.sub(toFloat(fn, 'logits', logits), offset)));
}

/**
 * KL(q₁‖q₂) = E_{q₁}[log q₁/q₂] ≈ mean over x ~ q₁ of (logit D(x) − log(n₁/n₂)): the likelihood-free KL
 * of adversarial variational Bayes, from the discriminator's logits on samples of q₁.
 *
 * @param logitsOnQ1 logits of D on samples of q₁, `[S]` (or any shape: the mean is over every element)
 * @returns a scalar
 * @see Mescheder et al. 2017, §3 · Sugiyama et al. 2012
 * @example
 * ```ts
 * densityRatioKl([0.4, 0.6, 0.5]).print(); // 0.5
 * ```
 * @since 0.1.0
 */
export function densityRatioKl(logitsOnQ1: Tensor | TensorLike, options: DensityRatioOptions = {}): tf.Scalar {
  const fn = 'densityRatioKl';
  options = checkOptions(fn, options, ['priorOdds']);
  const offset = checkPriorOdds(fn, options);
  const shape = checkTensorArg(fn, 'logitsOnQ1', logitsOnQ1);
  if (shape.reduce((s, d) => s * d, 1) === 0) fail(fn, 'logitsOnQ1', 'non-empty', logitsOnQ1);
  return tf.tidy(fn, () => tf.sub(tf.mean(toFloat(fn, 'logitsOnQ1', logitsOnQ1)), offset) as tf.Scalar);
}

/**
 * The logistic loss that trains the discriminator of the density-ratio trick,
 *
 *   L = mean_{x~q₁} softplus(−logit(x)) + mean_{x~q₂} softplus(logit(x))
 *     = −mean log D(x₁) − mean log(1 − D(x₂)),
 *
 * (binary cross-entropy, labels 1 for q₁ and 0 for q₂; stable at any logit). Its minimizer is the
 * Bayes-optimal logit log(q₁/q₂) (with equal sample sizes).
 *
 * @param logitsOnQ1 logits of D on samples of q₁ (any shape); `logitsOnQ2` on samples of q₂
 * @returns a scalar, for `optimizer.minimize`
 * @see Sugiyama et al. 2012, §4.1 · Goodfellow et al. 2014 (the GAN discriminator's loss)
 * @example
 * ```ts
 * densityRatioLoss([0], [0]).print(); // 2·log 2: a discriminator that cannot tell
 * ```
 * @since 0.1.0
 */
export function densityRatioLoss(logitsOnQ1: Tensor | TensorLike, logitsOnQ2: Tensor | TensorLike): tf.Scalar {
  const fn = 'densityRatioLoss';
  for (const [arg, x] of [['logitsOnQ1', logitsOnQ1], ['logitsOnQ2', logitsOnQ2]] as const) {
    if (checkTensorArg(fn, arg, x).reduce((s, d) => s * d, 1) === 0) fail(fn, arg, 'non-empty', x);
  }
  return tf.tidy(fn, () =>
    tf.add(tf.mean(tf.softplus(tf.neg(toFloat(fn, 'logitsOnQ1', logitsOnQ1)))), tf.mean(tf.softplus(toFloat(fn, 'logitsOnQ2', logitsOnQ2)))) as tf.Scalar,
  );
}
