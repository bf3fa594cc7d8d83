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

/** Options every estimator takes. */
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

/** What every estimator returns; the caller owns (and disposes) every tensor in it. */
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

/** The objective: z `[n, ...]` ↦ per-sample values `[n]` or `[n, ...]` (extra axes are summed). */
export type Objective = (z: Tensor) => Tensor;

/** Builds the distribution p(z|θ) from the parameters (called inside a tidy, under the gradient tape). */
export type DistributionFactory<D extends Distribution = Distribution> = (params: Tensor[]) => D;

/** The shared signature: `(f, makeDistribution, params, options) → GradientEstimate`. */
export type GradientEstimator<O extends EstimatorOptions = EstimatorOptions, D extends Distribution = Distribution> = (
  f: Objective,
  makeDistribution: DistributionFactory<D>,
  params: Tensor[],
  options: O,
) => GradientEstimate;
