/**
 * ELBO surgery: the average KL term of the ELBO split into the mutual information between x and z
 * under q and the KL between the aggregated posterior and the prior.
 *
 * @see Hoffman & Johnson 2016, "ELBO surgery: yet another way to carve up the variational evidence lower bound", NeurIPS AABI workshop.
 * @see Makhzani et al. 2016, "Adversarial Autoencoders", arXiv:1511.05644 (the aggregated posterior).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkDistribution, checkInteger, checkOptions, checkSeed, deriveSeed, toFloat, type Seed } from '@genmod-internal/core';
import { gaussianLaw, isStandardNormal, klToStandardNormal, logPrior } from './internal/latents.js';
import { checkEncodings, mixtureLogProb } from './internal/mixture.js';
import type { Prior } from './prior.js';

/** Options of {@link elboSurgery}. @since 0.1.0 */
export interface ElboSurgeryOptions {
  /** the prior p(z), a {@link Distribution}; default the standard normal (then, as with {@link standardNormalPrior}, `averageKl` is analytic) */
  prior?: Prior;
  /** S, latent samples per data point, default 1 */
  samples?: number;
  /** seed of the latent samples (a number, 0 included, or a string) */
  seed?: Seed;
}

/** What {@link elboSurgery} returns. @since 0.1.0 */
export interface ElboSurgeryResult {
  /** (1/n)·Σ_i KL(q(z|x_i) ‖ p(z)): analytic for the standard normal prior, else `averageKlMonteCarlo` */
  averageKl: tf.Scalar;
  /** I_q[x, z] = (1/n)·Σ_i E_{q(z|x_i)}[log q(z|x_i) − log q_agg(z)], in [0, log n] */
  mutualInformation: tf.Scalar;
  /** KL(q_agg(z) ‖ p(z)) = E_{q_agg}[log q_agg(z) − log p(z)] */
  marginalKl: tf.Scalar;
  /** (1/n)·Σ_i E_q[log q(z|x_i) − log p(z)] on the same samples: exactly mutualInformation + marginalKl */
  averageKlMonteCarlo: tf.Scalar;
}

/**
 * ELBO surgery over a dataset of n points encoded as q(z|x_i) = N(μ_i, diag(exp(logVar_i))):
 *
 *   (1/n)·Σ_i KL(q(z|x_i) ‖ p(z)) = I_q[x, z] + KL(q_agg(z) ‖ p(z)),   q_agg(z) = (1/n)·Σ_i q(z|x_i),
 *
 * with x uniform over the dataset. Both terms are estimated on the same S·n samples z ~ q(z|x_i) (which
 * are samples of q_agg), with log q_agg(z) computed exactly as a log-sum-exp over the n components, so
 * the two estimates add up to the Monte Carlo average KL exactly and to the analytic one within Monte
 * Carlo error. A large marginal KL says the prior is a poor fit to what the encoder uses (a richer prior
 * helps); I_q ≤ log n bounds how much information the latents can carry about the data index.
 * Costs O(S·n²·d).
 *
 * @param loc `[n, d]` encoder means over a dataset; `logVar` `[n, d]`
 * @returns scalars `{ averageKl, mutualInformation, marginalKl, averageKlMonteCarlo }`, in nats
 * @see Hoffman & Johnson 2016 · Tomczak & Welling 2018, arXiv:1705.07120
 * @example
 * ```ts
 * const loc = tf.randomNormal([200, 2], 0, 1, 'float32', 1);
 * const logVar = tf.fill([200, 2], -2);
 * const { mutualInformation, marginalKl, averageKl } = elboSurgery(loc, logVar, { samples: 4, seed: 2 });
 * ```
 * @since 0.1.0
 */
export function elboSurgery(loc: Tensor | TensorLike, logVar: Tensor | TensorLike, options: ElboSurgeryOptions = {}): ElboSurgeryResult {
  const fn = 'elboSurgery';
  const [n, d] = checkEncodings(fn, loc, logVar) as [number, number];
  checkOptions(fn, options, ['prior', 'samples', 'seed']);
  const samples = checkInteger(fn, 'options.samples', options.samples ?? 1, { min: 1 });
  const seed = checkSeed(fn, options.seed);
  const prior = options.prior;
  if (prior !== undefined) checkDistribution(fn, 'options.prior', prior);
  return tf.tidy(fn, () => {
    const mu = toFloat(fn, 'loc', loc);
    const lv = toFloat(fn, 'logVar', logVar);
    const q = gaussianLaw(mu, lv); // batch [n], event [d]
    const eps = deriveSeed(seed, 'eps');
    const z = q.rsample([samples], eps === undefined ? {} : { seed: eps }); // [S, n, d]
    const logQ = q.logProb(z); // [S, n]
    const logAgg = tf.reshape(mixtureLogProb(tf.reshape(z, [-1, d]), mu, lv), [samples, n]);
    const logP = logPrior(fn, prior, z); // [S, n]
    const mutualInformation = tf.mean(tf.sub(logQ, logAgg)) as tf.Scalar;
    const marginalKl = tf.mean(tf.sub(logAgg, logP)) as tf.Scalar;
    const averageKlMonteCarlo = tf.mean(tf.sub(logQ, logP)) as tf.Scalar;
    const averageKl = (isStandardNormal(prior, [d]) ? tf.mean(tf.sum(klToStandardNormal(mu, lv), 1)) : tf.clone(averageKlMonteCarlo)) as tf.Scalar;
    return { averageKl, mutualInformation, marginalKl, averageKlMonteCarlo };
  });
}
