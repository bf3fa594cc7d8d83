/**
 * What an encoder returns: the diagonal Gaussian q(z|x) = N(μ, diag(exp(logVar))) as its two heads, or
 * any reparameterized distribution.
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114, §2.4 · Rezende, Mohamed & Wierstra 2014, arXiv:1401.4082.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ReparameterizedDistribution } from '@genmod-internal/core';

/**
 * The diagonal Gaussian posterior q(z|x) = N(loc, diag(exp(logVar))) from an encoder's two heads, both of
 * shape `[B, ...latent]` (e.g. `[B, 20]`). Internally it is `@genmod/reparam`'s
 * `independent(Normal.fromLogVariance(loc, logVar), rank − 1)`; the ELBO uses the analytic KL for it when
 * the prior is the standard normal.
 *
 * @example
 * ```ts
 * const encode = (x: tf.Tensor): GaussianPosterior => ({ loc: tf.zeros([x.shape[0]!, 2]), logVar: tf.zeros([x.shape[0]!, 2]) });
 * ```
 * @since 0.1.0
 */
export interface GaussianPosterior {
  loc: Tensor;
  logVar: Tensor;
}

/**
 * Any reparameterized posterior with batch shape `[B]`: a {@link ReparameterizedDistribution} whose
 * `rsample([S])` gives `[S, B, ...latent]`, differentiable in the encoder's parameters, and whose
 * `logProb(z)` gives `[S, B]` (summed over the latent axes). `@genmod/reparam`'s
 * `independent(Normal.fromLogVariance(loc, logVar), 1)` is one.
 *
 * @example
 * ```ts
 * const posterior = (loc: tf.Tensor, logVar: tf.Tensor): Posterior => independent(Normal.fromLogVariance(loc, logVar), 1);
 * ```
 * @since 0.1.0
 */
export type Posterior = ReparameterizedDistribution;

/** What an encoder callback may return. @since 0.1.0 */
export type Encoding = GaussianPosterior | Posterior;
