/**
 * One training step of adversarial variational Bayes (Algorithm 1 of Mescheder et al. 2017): the model
 * (implicit encoder and decoder) and the discriminator T updated simultaneously from one batch.
 *
 * @see Mescheder, Nowozin & Geiger 2017, "Adversarial Variational Bayes", ICML, arXiv:1701.04722, Algorithm 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { checkFunction, checkObject, checkOptions, fail, show } from '@genmod-internal/core';
import { avbDiscriminatorLoss, avbElbo } from './avb.js';
import { checkBatch } from './internal/checks.js';
import { checkSameVariables, checkTwoOptimizers, checkVariables } from './internal/networks.js';
import { releaseTape } from './internal/release-tape.js';

/** Options of {@link avbStep}: the batch and its noise, the three networks, their variables and optimizers. @since 0.1.0 */
export interface AvbStepOptions {
  /** a data batch `[B, ...]` */
  x: Tensor;
  /** the implicit encoder z = E(x, ε): `(x [B, ...], ε [B, ...]) => z [B, d]` */
  encoder: (x: Tensor, epsilon: Tensor) => Tensor;
  /** the encoder's noise ε for this step, `[B, ...]` (e.g. `tf.randomNormal([B, k], 0, 1, 'float32', seed1)`, a seed never 0: tfjs reads 0 as unseeded) */
  epsilon: Tensor;
  /** samples of the prior z ~ p(z) for this step, `[B, d]` (e.g. `tf.randomNormal([B, d], 0, 1, 'float32', seed2)`, a seed of its own, never 0) */
  prior: Tensor;
  /** the decoder's log-likelihood log p(x|z) per example, summed over the event: `(x, z) => [B]` */
  logLikelihood: (x: Tensor, z: Tensor) => Tensor;
  /** the discriminator T(x, z), a logit per example: `(x, z) => [B]` or `[B, 1]` */
  discriminator: (x: Tensor, z: Tensor) => Tensor;
  /** the encoder's and decoder's variables (θ, φ), updated to maximize the ELBO */
  modelVariables: Variable[];
  /** T's variables (ψ), updated to minimize the logistic loss */
  discriminatorVariables: Variable[];
  modelOptimizer: Optimizer;
  discriminatorOptimizer: Optimizer;
}

/** What {@link avbStep} returns (the caller owns the scalars); a type alias, so that it can be returned from `tf.tidy`. @since 0.1.0 */
export type AvbStepResult = {
  /** the ELBO estimate mean[log p(x|z) − T(x, z)], z = E(x, ε), before the update */
  elbo: Scalar;
  /** the KL estimate mean T(x, z) on the same pairs, before the update */
  kl: Scalar;
  /** the discriminator's logistic loss, before the update */
  discriminatorLoss: Scalar;
};

const KEYS = ['x', 'encoder', 'epsilon', 'prior', 'logLikelihood', 'discriminator', 'modelVariables', 'discriminatorVariables', 'modelOptimizer', 'discriminatorOptimizer'] as const;

/**
 * One AVB step: with z_q = E(x, ε) and z_p ~ p(z),
 *   model (θ, φ):  ascend  mean[ log p_θ(x | z_q) − T_ψ(x, z_q) ]               (the ELBO, T held fixed)
 *   T (ψ):         descend mean softplus(−T_ψ(x, z_q)) + mean softplus(T_ψ(x, z_p))  (z_q held fixed)
 * Both gradients are taken at the current parameters and then applied (simultaneous updates, as Algorithm 1).
 * For T to track log q(z|x) − log p(z) it should learn at least as fast as the encoder moves (a larger
 * learning rate, or extra {@link avbDiscriminatorLoss} steps between these). The caller owns the returned scalars.
 *
 * @see Mescheder et al. 2017, arXiv:1701.04722, Algorithm 1
 * @example
 * ```ts
 * // x | z ~ N(z, 1), z ~ N(0, 1); the implicit encoder z = u·x + v·ε learns the posterior N(x/2, 1/2)
 * const u = tf.variable(tf.scalar(0));
 * const v = tf.variable(tf.scalar(1));
 * const w = tf.variable(tf.zeros([6, 1]));
 * const feats = (x: tf.Tensor, z: tf.Tensor) => tf.concat([tf.onesLike(x), x, z, tf.square(x), tf.mul(x, z), tf.square(z)], 1);
 * const x = tf.randomNormal([256, 1], 0, Math.SQRT2, 'float32', 1);
 * const r = avbStep({
 *   x, epsilon: tf.randomNormal([256, 1], 0, 1, 'float32', 2), prior: tf.randomNormal([256, 1], 0, 1, 'float32', 3),
 *   encoder: (x, e) => tf.add(tf.mul(u, x), tf.mul(v, e)),
 *   logLikelihood: (x, z) => tf.sum(tf.mul(-0.5, tf.add(tf.square(tf.sub(x, z)), Math.log(2 * Math.PI))), 1),
 *   discriminator: (x, z) => tf.matMul(feats(x, z), w),
 *   modelVariables: [u, v], discriminatorVariables: [w],
 *   modelOptimizer: tf.train.adam(0.01), discriminatorOptimizer: tf.train.adam(0.05),
 * });
 * r.elbo.print();
 * ```
 * @since 0.1.0
 */
export function avbStep(options: AvbStepOptions): AvbStepResult {
  const fn = 'avbStep';
  const o = checkOptions(fn, checkObject(fn, 'options', options), KEYS);
  const x = checkBatch(fn, 'options.x', o.x);
  const eps = checkBatch(fn, 'options.epsilon', o.epsilon);
  const prior = checkBatch(fn, 'options.prior', o.prior);
  const B = x.shape[0];
  if (eps.shape[0] !== B) fail(fn, 'options.epsilon', `a batch of ${B} (x's batch size)`, eps);
  if (prior.shape[0] !== B) fail(fn, 'options.prior', `a batch of ${B} (x's batch size)`, prior);
  const encoder = checkFunction<AvbStepOptions['encoder']>(fn, 'options.encoder', o.encoder);
  const logLikelihood = checkFunction<AvbStepOptions['logLikelihood']>(fn, 'options.logLikelihood', o.logLikelihood);
  const discriminator = checkFunction<AvbStepOptions['discriminator']>(fn, 'options.discriminator', o.discriminator);
  const mVars = checkVariables(fn, 'options.modelVariables', o.modelVariables);
  const dVars = checkVariables(fn, 'options.discriminatorVariables', o.discriminatorVariables);
  checkSameVariables(fn, mVars, dVars, 'options.modelVariables and options.discriminatorVariables');
  const [optM, optD] = checkTwoOptimizers(fn, ['options.modelOptimizer', 'options.discriminatorOptimizer'], o.modelOptimizer, o.discriminatorOptimizer);

  let kl: Scalar | undefined;
  try {
    const [elbo, discriminatorLoss] = tf.tidy(() => {
      // T's update sees z_q as data: encoded outside T's tape
      const zq = encoder(x, eps);
      if (!(zq instanceof tf.Tensor) || zq.rank < 1 || zq.shape[0] !== B) throw new Error(`${fn}: the encoder must return z of shape [${B}, ...], got ${show(zq)}`);
      if (zq.shape.length !== prior.shape.length || zq.shape.some((d, i) => d !== prior.shape[i])) {
        throw new Error(`${fn}: options.prior must have the shape of the encoder's z [${zq.shape.join(', ')}], got ${show(prior)}`);
      }
      const d = optD.computeGradients(() => avbDiscriminatorLoss(discriminator(x, zq), discriminator(x, prior)), dVars);
      const m = optM.computeGradients(() => {
        const z = encoder(x, eps);
        const t = discriminator(x, z);
        kl = tf.keep(tf.mean(t)) as Scalar;
        return tf.neg(avbElbo(logLikelihood(x, z), t));
      }, mVars);
      optD.applyGradients(d.grads as NamedTensorMap);
      optM.applyGradients(m.grads as NamedTensorMap);
      return [tf.neg(m.value) as Scalar, d.value];
    });
    return { elbo, kl: kl!, discriminatorLoss };
  } catch (e) {
    kl?.dispose();
    releaseTape();
    throw e;
  }
}
