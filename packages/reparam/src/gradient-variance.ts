/**
 * The spread of a gradient estimator over independent repetitions: the tool to compare estimators.
 *
 * @see Mohamed, Rosca, Figurnov & Mnih 2020, JMLR, arXiv:1906.10652, §3 (bias, variance and
 *      computational cost of an estimator) and §8 (empirical comparison of estimators).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { checkInteger, checkObject, checkOptions, checkSeed, deriveSeed, fail } from '@genmod-internal/core';
import { tidyObject } from './internal/params.js';
import { PATHWISE_KEYS, SCORE_KEYS } from './internal/estimate.js';
import { reparameterizationGradient } from './reparameterization-gradient.js';
import { scoreFunctionGradient } from './score-function-gradient.js';
import type { DistributionFactory, EstimatorOptions, GradientEstimate, Objective } from './gradient-estimate.js';

/** The option keys of this package's estimators, checked by gradientVariance itself. */
const KNOWN_KEYS = new Map<unknown, readonly string[]>([
  [reparameterizationGradient, PATHWISE_KEYS],
  [scoreFunctionGradient, SCORE_KEYS],
]);

/**
 * The option gradientVariance adds to an estimator's: R, the number of repetitions (Mohamed et al. 2020,
 * arXiv:1906.10652, §3). Unknown keys throw.
 * @example
 * ```ts
 * const options: GradientVarianceOptions = { repeats: 200 };
 * ```
 * @since 0.1.0
 */
export interface GradientVarianceOptions {
  /** the number R ≥ 2 of independent estimates */
  repeats: number;
}

/**
 * Mean and spread of R independent estimates, m = (1/R)·Σ_r ĝ_r and v = (1/(R − 1))·Σ_r (ĝ_r − m)²
 * (Mohamed et al. 2020, arXiv:1906.10652); the caller owns every tensor.
 * @example
 * ```ts
 * const f = (z: tf.Tensor) => tf.sum(tf.square(z), -1);
 * const make = ([mu]: tf.Tensor[]) => new Normal({ loc: mu!, scale: [1, 1] });
 * const theta = tf.tensor1d([0.5, -1]);
 * const r: GradientVarianceResult = gradientVariance(reparameterizationGradient, f, make, [theta], { samples: 10, repeats: 100, seed: 1 });
 * tf.dispose([...r.mean, ...r.variance, ...r.standardError, r.totalVariance, theta]);
 * ```
 * @since 0.1.0
 */
export interface GradientVarianceResult {
  /** the mean of the R estimates, one tensor per parameter */
  mean: Tensor[];
  /** the unbiased variance over the R estimates, per parameter element */
  variance: Tensor[];
  /** √(variance / R): the standard error of `mean` */
  standardError: Tensor[];
  /** Σ of `variance` over every element of every parameter (the trace of the covariance) */
  totalVariance: Scalar;
}

/**
 * Runs `estimator` R times with independent seeds (`deriveSeed(seed, r)`, r = 0 … R − 1) and returns the mean and the unbiased
 * variance of its estimates, per parameter element, accumulated in float64 on the host:
 *
 *   m = (1/R)·Σ_r ĝ_r,   v = (1/(R − 1))·Σ_r (ĝ_r − m)²,   se = √(v/R).
 *
 * `variance` is the variance of one estimate made from `options.samples` draws (≈ per-sample variance / n).
 * A stateful baseline (moving average) is updated across the repetitions, as in training.
 *
 * Options are strict: with this package's estimators every key is checked here (the estimator's keys and
 * `repeats`; `perSample` is not taken); another estimator receives the options less `repeats` and checks
 * them itself.
 *
 * @param estimator any estimator with the shared signature (reparameterizationGradient, scoreFunctionGradient, …)
 * @param options the estimator's options plus `repeats`
 * @see Mohamed et al. 2020, arXiv:1906.10652
 * @example
 * ```ts
 * const make = ([t]: tf.Tensor[]) => new Normal({ loc: t!, scale: 1 });
 * const theta = tf.scalar(3);
 * const f = (z: tf.Tensor) => tf.square(z);
 * const pathwise = gradientVariance(reparameterizationGradient, f, make, [theta], { samples: 10, repeats: 100, seed: 1 });
 * const score = gradientVariance(scoreFunctionGradient, f, make, [theta], { samples: 10, repeats: 100, seed: 1 });
 * // pathwise.variance[0] ≈ 0.4, score.variance[0] ≈ 22
 * ```
 * @since 0.1.0
 */
export function gradientVariance<O extends EstimatorOptions>(
  estimator: (f: Objective, makeDistribution: DistributionFactory<any>, params: Tensor[], options: O) => GradientEstimate,
  f: Objective,
  makeDistribution: DistributionFactory<any>,
  params: Tensor[],
  options: O & GradientVarianceOptions,
): GradientVarianceResult {
  const fn = 'gradientVariance';
  if (typeof estimator !== 'function') fail(fn, 'estimator', 'a gradient estimator (f, makeDistribution, params, options) ↦ { grads }', estimator);
  const known = KNOWN_KEYS.get(estimator);
  checkObject(fn, 'options', options, 'an object { repeats, samples, seed }');
  if (known) checkOptions(fn, options, ['repeats', ...known.filter((k) => k !== 'perSample')]);
  const { repeats, ...rest } = options;
  checkInteger(fn, 'options.repeats', repeats, { min: 2 });
  if (!Array.isArray(params)) fail(fn, 'params', 'a non-empty array of float32 tensors (or tf.Variables)', params);
  const seed = checkSeed(fn, options.seed) ?? Math.floor(Math.random() * 2 ** 31);
  return tidyObject(fn, () => {
    // every estimate on the host in float64, then a two-pass mean and variance (no cancellation)
    const draws: Float64Array[][] = [];
    for (let r = 0; r < repeats; r++) {
      const o = { ...rest, seed: deriveSeed(seed, r), ...(known ? { perSample: false } : {}) } as unknown as O;
      const est = estimator(f, makeDistribution, params, o);
      draws.push(est.grads.map((g) => Float64Array.from(g.dataSync())));
      tf.dispose([est.grads, est.value, est.values, est.perSampleGrads ?? []]);
    }
    const means = params.map((p, j) => {
      const m = new Float64Array(p.size);
      for (const d of draws) d[j]!.forEach((x, i) => (m[i]! += x / repeats));
      return m;
    });
    const vars = params.map((p, j) => {
      const v = new Float64Array(p.size);
      for (const d of draws) d[j]!.forEach((x, i) => (v[i]! += (x - means[j]![i]!) ** 2 / (repeats - 1)));
      return v;
    });
    let total = 0;
    for (const v of vars) for (const x of v) total += x;
    return {
      mean: means.map((m, j) => tf.tensor(Float32Array.from(m), params[j]!.shape, 'float32')),
      variance: vars.map((v, j) => tf.tensor(Float32Array.from(v), params[j]!.shape, 'float32')),
      standardError: vars.map((v, j) => tf.tensor(Float32Array.from(v, (x) => Math.sqrt(x / repeats)), params[j]!.shape, 'float32')),
      totalVariance: tf.scalar(total),
    };
  });
}
