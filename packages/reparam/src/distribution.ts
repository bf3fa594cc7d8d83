/**
 * The sampler options of this package's reparameterized laws. The distribution contract itself
 * (`Distribution`, `ReparameterizedDistribution`, `SampleOptions`, `Support`, the family laws) is the one
 * every @genmod package shares, re-exported from the package index.
 *
 * @see Dillon et al. 2017, "TensorFlow Distributions", arXiv:1711.10604 (batch and event shapes).
 */
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { SampleOptions } from '@genmod-internal/core';

/**
 * Options of the reparameterized samplers (`sample` and `rsample` of Normal, MultivariateNormalTriL,
 * Logistic, Uniform): the seed, or the standard noise ε itself, transformed by z = g(ε, θ).
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114 (z = g(ε, θ), ε from a parameter-free law)
 * @example
 * ```ts
 * const q = new Normal({ loc: [0, 1], scale: 2 });
 * const a = q.rsample([3], { seed: 0 });                      // [3, 2], seeded (0 is a seed)
 * const b = q.rsample([], { noise: [0.5, -1] });              // z = μ + σ·ε with ε given
 * ```
 * @since 0.1.0
 */
export interface ReparameterizedSampleOptions extends SampleOptions {
  /**
   * The standard noise ε to transform instead of drawing it, of shape `[...sampleShape, ...batchShape,
   * ...eventShape]` (each distribution says which law ε has): common random numbers, reproducible tests.
   */
  noise?: Tensor | TensorLike;
}
