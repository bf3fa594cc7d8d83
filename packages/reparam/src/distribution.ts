/**
 * The structural interfaces every distribution of this package satisfies. Nothing here depends on class
 * identity: any object with these methods (a TFP-style distribution from another package, a hand-written
 * one) works with the estimators and with {@link independent}.
 *
 * @see Dillon et al. 2017, "TensorFlow Distributions", arXiv:1711.10604 (batch and event shapes).
 */
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';

/**
 * A distribution: draws samples and evaluates log-densities (log-masses for discrete laws).
 *
 * Shapes: a sample has shape `[...sampleShape, ...batchShape, ...eventShape]`; `logProb(x)` reduces over
 * the event axes, giving `[...sampleShape, ...batchShape]`. Samples from `sample` carry no gradient.
 *
 * @example
 * ```ts
 * const d: Distribution = new Normal({ loc: 0, scale: 1 });
 * const x = d.sample([3], { seed: 1 });   // [3]
 * d.logProb(x);                           // [3]
 * ```
 * @since 0.1.0
 */
export interface Distribution {
  /** the shape of independent, not necessarily identically distributed, draws */
  readonly batchShape?: readonly number[];
  /** the shape of one draw (`[]` for scalar laws, `[d]` for a d-variate one) */
  readonly eventShape?: readonly number[];
  /** samples `[...sampleShape, ...batchShape, ...eventShape]`, without gradient */
  sample(sampleShape?: number[], options?: { seed?: number | string }): Tensor;
  /** log p(x), `[...sample, ...batchShape]` */
  logProb(x: Tensor | TensorLike): Tensor;
  /** frees what the distribution allocated (optional) */
  dispose?(): void;
}

/**
 * A distribution whose samples are a differentiable function of its parameters and of parameter-free
 * noise, z = g(ε, θ): `rsample` returns such a z, so gradients flow to θ (the pathwise estimator).
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114 · Rezende, Mohamed & Wierstra 2014, arXiv:1401.4082
 * @example
 * ```ts
 * const objective = (mu: tf.Tensor) => {
 *   const q: ReparameterizedDistribution = new Normal({ loc: mu, scale: 1 });
 *   return tf.mean(tf.square(q.rsample([64], { seed: 1 })));
 * };
 * const g = tf.grad(objective)(tf.zeros([2]));   // ≈ 2·μ = [0, 0]
 * ```
 * @since 0.1.0
 */
export interface ReparameterizedDistribution extends Distribution {
  /** samples differentiable with respect to the parameters */
  rsample(sampleShape?: number[], options?: { seed?: number | string }): Tensor;
}
