/**
 * The one calling convention shared by every gradient estimator of this package:
 *
 *   estimator(f, makeDistribution, params, { samples, seed, … }) → { grads, value, values, perSampleGrads? }
 *
 * estimating ∇_θ E_{z ~ p(z|θ)}[f(z)] from `samples` draws.
 *
 * @see Mohamed, Rosca, Figurnov & Mnih 2020, "Monte Carlo Gradient Estimation in Machine Learning", JMLR
 *      21(132), arXiv:1906.10652 (§4 score function, §5 pathwise).
 */
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { Distribution, Seed } from '@genmod-internal/core';

/**
 * Options every estimator takes: n, the number of draws in ĝ = (1/n)·Σᵢ ĝᵢ, and their seed (Mohamed et al.
 * 2020, arXiv:1906.10652). Strict: an unknown key throws.
 * @example
 * ```ts
 * const options: EstimatorOptions = { samples: 16, seed: 0, perSample: false };
 * ```
 * @since 0.1.0
 */
export interface EstimatorOptions {
  /** the number n ≥ 1 of Monte Carlo samples z₁…zₙ */
  samples: number;
  /**
   * seed of the draws (same seed, same estimate on every backend). A fixed seed gives the same noise on every
   * call: vary it per step in a training loop. Default: a fresh random seed per call.
   */
  seed?: Seed;
  /**
   * also return the n per-sample gradient terms, whose mean is the estimate (one extra backward pass per
   * sample: meant for diagnostics on small problems). Default false.
   */
  perSample?: boolean;
}

/**
 * What every estimator returns: ĝ = (1/n)·Σᵢ ĝᵢ and the Monte Carlo value (1/n)·Σᵢ f(zᵢ) (Mohamed et al.
 * 2020, arXiv:1906.10652); the caller owns (and disposes) every tensor in it.
 * @example
 * ```ts
 * const f = (z: tf.Tensor) => tf.sum(tf.square(z), -1);                       // ‖z‖² per sample
 * const make = ([mu]: tf.Tensor[]) => new Normal({ loc: mu!, scale: [1, 1] });
 * const theta = tf.tensor1d([0.5, -1]);
 * const est: GradientEstimate = reparameterizationGradient(f, make, [theta], { samples: 8, seed: 1 });
 * tf.dispose([...est.grads, est.value, est.values, theta]);
 * ```
 * @since 0.1.0
 */
export interface GradientEstimate {
  /** the gradient estimate, one tensor per parameter, of that parameter's shape */
  grads: Tensor[];
  /** the Monte Carlo estimate of E[f] = mean of `values` */
  value: Scalar;
  /** the per-sample values f(zᵢ) `[n]` (extra axes of f's output summed) */
  values: Tensor;
  /** with `perSample: true`: the per-sample gradient terms `[n, ...param.shape]`; their mean is `grads` */
  perSampleGrads?: Tensor[];
}

/**
 * The objective f in ∇_θ E_{z ~ p(z|θ)}[f(z)] (Mohamed et al. 2020, arXiv:1906.10652): z `[n, ...]` ↦
 * per-sample values `[n]` or `[n, ...]` (extra axes are summed).
 * @example
 * ```ts
 * const f: Objective = (z) => tf.sum(tf.square(z), -1);   // ‖z‖² per sample
 * ```
 * @since 0.1.0
 */
export type Objective = (z: Tensor) => Tensor;

/**
 * Builds the distribution p(z|θ) from the parameters θ (called inside a tidy, under the gradient tape, so
 * what it allocates is freed by the estimator; Mohamed et al. 2020, arXiv:1906.10652).
 * @example
 * ```ts
 * const make: DistributionFactory<Normal> = ([mu, logVar]) => Normal.fromLogVariance(mu!, logVar!);
 * ```
 * @since 0.1.0
 */
export type DistributionFactory<D extends Distribution = Distribution> = (params: Tensor[]) => D;

/**
 * The shared signature of the estimators, `(f, makeDistribution, params, options) → GradientEstimate`,
 * estimating ∇_θ E_{z ~ p(z|θ)}[f(z)] (Mohamed et al. 2020, arXiv:1906.10652).
 * @example
 * ```ts
 * const estimators: GradientEstimator[] = [reparameterizationGradient as GradientEstimator, scoreFunctionGradient];
 * ```
 * @since 0.1.0
 */
export type GradientEstimator<O extends EstimatorOptions = EstimatorOptions, D extends Distribution = Distribution> = (
  f: Objective,
  makeDistribution: DistributionFactory<D>,
  params: Tensor[],
  options: O,
) => GradientEstimate;
