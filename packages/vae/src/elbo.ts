/**
 * The evidence lower bound of a VAE, with β-weighting, KL annealing and free bits.
 *
 * @see Kingma & Welling 2014, "Auto-Encoding Variational Bayes", ICLR, arXiv:1312.6114.
 * @see Rezende, Mohamed & Wierstra 2014, "Stochastic Backpropagation and Approximate Inference in Deep Generative Models", ICML, arXiv:1401.4082.
 * @see Higgins et al. 2017, "β-VAE", ICLR · Bowman et al. 2016, arXiv:1511.06349 (annealing) · Kingma et al. 2016, arXiv:1606.04934 (free bits).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkBoolean, checkInteger, checkNumber, toFloat } from '@genmod-internal/core';
import { MODEL_KEYS, checkModel, drawLatents, isStandardNormal, klToStandardNormal, encodeChecked, logLikelihood, logPosterior, logPrior, type ModelOptions } from './internal/latents.js';

/** Options of {@link elbo}. @since 0.1.0 */
export interface ElboOptions extends ModelOptions {
  /** the KL weight β ≥ 0 in the loss (1: the ELBO; anneal it with {@link linearWarmup}); default 1 */
  beta?: number;
  /** S, the number of latent samples per example averaged in the reconstruction term; default 1 */
  samples?: number;
  /**
   * use the closed-form KL (default `true`, possible for a {@link GaussianPosterior} and the standard
   * normal prior: no `prior`, or {@link standardNormalPrior} over the latent shape); `false`, or any other prior or posterior, gives the Monte Carlo estimate
   * mean_s [log q(z_s|x) − log p(z_s)] on the same samples
   */
  analyticKl?: boolean;
  /**
   * free bits λ ≥ 0 (nats per latent dimension): the loss uses Σ_j max(λ, mean_batch KL_j) instead of the
   * batch-mean KL, so no latent dimension is pushed below λ nats (with a Monte Carlo KL the whole KL is
   * held above λ·dim); default 0 (off). The returned `elbo` and `kl` are unaffected.
   */
  freeBits?: number;
}

/** What {@link elbo} returns. @since 0.1.0 */
export interface ElboResult {
  /** the per-example ELBO E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), `[B]`, in nats (a lower bound on log p(x)) */
  elbo: Tensor;
  /** −mean_batch(E_q[log p(x|z)]) + β·KL term (with free bits if asked): the scalar to minimize */
  loss: tf.Scalar;
  /** E_q[log p(x|z)], averaged over the S samples, `[B]` */
  reconstruction: Tensor;
  /** KL(q(z|x) ‖ p(z)) (analytic or Monte Carlo), `[B]` */
  kl: Tensor;
}

const ELBO_KEYS = [...MODEL_KEYS, 'beta', 'samples', 'analyticKl', 'freeBits'];

/**
 * The ELBO of a VAE and a loss to minimize:
 *
 *   ELBO(x) = E_{q(z|x)}[log p(x|z)] − KL(q(z|x) ‖ p(z)) ≤ log p(x),
 *   loss = −mean_batch(E_q[log p(x|z)]) + β·mean_batch KL,
 *
 * with z = μ + σ·ε (reparameterized, so the loss is differentiable in the encoder and the decoder), the
 * expectation averaged over S samples, and for a Gaussian posterior with the standard normal prior the
 * analytic KL ½·Σ_j (σ_j² + μ_j² − 1 − log σ_j²) (core's log-scale form, exact for tiny and huge σ);
 * otherwise the Monte Carlo KL mean_s [log q(z_s|x) − log p(z_s)] with any prior that has `logProb`
 * (a flow, a mixture, the aggregated posterior). The Gaussian posterior is `@genmod/reparam`'s
 * `independent(Normal.fromLogVariance(loc, logVar), rank − 1)`; its noise comes from the seed's 'eps' stream. β ≠ 1 is the β-VAE; a β schedule is KL annealing.
 *
 * The decoder is called once on all S·B latents `[S·B, ...latent]` (sample-major).
 *
 * @returns `{ elbo [B], loss (scalar), reconstruction [B], kl [B] }`
 * @see Kingma & Welling 2014, arXiv:1312.6114 · Rezende et al. 2014, arXiv:1401.4082 · Bowman et al. 2016, arXiv:1511.06349 · Kingma et al. 2016, arXiv:1606.04934
 * @example
 * ```ts
 * const w = tf.variable(tf.randomNormal([2, 6], 0, 0.1, 'float32', 1));
 * const x = tf.tensor2d([[1, 0, 1, 1, 0, 0]]);
 * const encode = (x: tf.Tensor) => ({ loc: tf.zeros([x.shape[0]!, 2]), logVar: tf.zeros([x.shape[0]!, 2]) });
 * const decode = (z: tf.Tensor) => tf.matMul(z, w);                       // logits [B, 6]
 * const { elbo: bound, loss } = elbo({ x, encode, decode, likelihood: bernoulliLogLikelihood, seed: 0 });
 * ```
 * @since 0.1.0
 */
export function elbo(options: ElboOptions): ElboResult {
  const fn = 'elbo';
  const { seed } = checkModel(fn, options, ELBO_KEYS);
  const beta = checkNumber(fn, 'options.beta', options.beta ?? 1, { min: 0 });
  const samples = checkInteger(fn, 'options.samples', options.samples ?? 1, { min: 1 });
  const freeBits = checkNumber(fn, 'options.freeBits', options.freeBits ?? 0, { min: 0 });
  const analyticKl = checkBoolean(fn, 'options.analyticKl', options.analyticKl ?? true);
  return tf.tidy(fn, () => {
    const x = toFloat(fn, 'options.x', options.x);
    const q = encodeChecked(fn, options.encode, x);
    const z = drawLatents(fn, q, samples, seed, options.noise);
    const reconstruction = tf.mean(logLikelihood(fn, options, x, z), 0);
    let kl: Tensor;
    let klTerm: Tensor;
    if (analyticKl && q.gaussian && isStandardNormal(options.prior, q.gaussian.loc.shape.slice(1))) {
      const { loc, logVar } = q.gaussian;
      const perDim = tf.reshape(klToStandardNormal(loc, logVar), [loc.shape[0]!, -1]); // [B, dim]
      kl = tf.sum(perDim, 1);
      klTerm = freeBits > 0 ? tf.sum(tf.maximum(tf.mean(perDim, 0), freeBits)) : tf.mean(kl);
    } else {
      kl = tf.mean(tf.sub(logPosterior(fn, q, z), logPrior(fn, options.prior, z)), 0);
      const dim = z.shape.slice(2).reduce((a, d) => a * d, 1);
      klTerm = freeBits > 0 ? tf.maximum(tf.mean(kl), freeBits * dim) : tf.mean(kl);
    }
    const loss = tf.add(tf.neg(tf.mean(reconstruction)), tf.mul(klTerm, beta)) as tf.Scalar;
    return { elbo: tf.sub(reconstruction, kl), loss, reconstruction, kl };
  });
}
