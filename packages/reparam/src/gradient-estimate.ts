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
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { checkSeed, fail } from '@genmod-internal/core';
import type { Distribution } from './distribution.js';

/** Options every estimator takes. */
export interface EstimatorOptions {
  /** the number n ≥ 1 of Monte Carlo samples z₁…zₙ */
  samples: number;
  /**
   * seed of the draws (same seed, same estimate on every backend). A fixed seed gives the same noise on every
   * call: vary it per step in a training loop. Default: a fresh random seed per call.
   */
  seed?: number | string;
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

/** Checks the shared arguments before anything is allocated; returns a concrete seed. */
export function checkEstimatorArgs(fn: string, f: unknown, makeDistribution: unknown, params: unknown, options: unknown): string | number {
  if (typeof f !== 'function') fail(fn, 'f', 'a function z ↦ per-sample values [n]', f);
  if (typeof makeDistribution !== 'function') fail(fn, 'makeDistribution', 'a function params ↦ distribution', makeDistribution);
  if (!Array.isArray(params) || params.length === 0) fail(fn, 'params', 'a non-empty array of float32 tensors (or tf.Variables)', params);
  (params as unknown[]).forEach((p, i) => {
    if (!(p instanceof tf.Tensor) || p.dtype !== 'float32') fail(fn, `params[${i}]`, 'a float32 tensor (or tf.Variable)', p);
    if (p.isDisposed) fail(fn, `params[${i}]`, 'a live tensor', 'a disposed tensor');
  });
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object { samples, seed }', options);
  const o = options as EstimatorOptions;
  if (!Number.isInteger(o.samples) || o.samples < 1) fail(fn, 'options.samples', 'an integer ≥ 1', o.samples);
  if (o.perSample !== undefined && typeof o.perSample !== 'boolean') fail(fn, 'options.perSample', 'a boolean', o.perSample);
  return checkSeed(fn, o.seed) ?? Math.floor(Math.random() * 2 ** 31);
}

/** f's output as per-sample values `[n]`, checking its leading axis. */
export function perSampleValues(fn: string, out: unknown, n: number): Tensor {
  if (!(out instanceof tf.Tensor) || out.rank < 1 || out.shape[0] !== n) {
    fail(fn, 'f(z)', `a tensor of per-sample values with leading axis n = ${n} (shape [n] or [n, ...])`, out);
  }
  const t = out as Tensor;
  return t.rank === 1 ? t : tf.sum(t, Array.from({ length: t.rank - 1 }, (_, i) => i + 1));
}

/**
 * Gradient of the mean of a per-sample surrogate s(θ) `[n]`, and (optionally) of each sᵢ. Call inside a tidy;
 * the results are kept out of it by the caller's returning them.
 */
export function surrogateGradients(surrogate: (params: Tensor[]) => Tensor, params: Tensor[], perSample: boolean, n: number): { grads: Tensor[]; perSampleGrads?: Tensor[] } {
  const grads = tf.grads((...ps: Tensor[]) => tf.mean(surrogate(ps)))(params);
  if (!perSample) return { grads };
  const rows: Tensor[][] = params.map(() => []);
  for (let i = 0; i < n; i++) {
    const gi = tf.grads((...ps: Tensor[]) => tf.squeeze(tf.slice(surrogate(ps), [i], [1])))(params);
    gi.forEach((g, j) => rows[j]!.push(g));
  }
  return { grads, perSampleGrads: rows.map((r) => tf.stack(r)) };
}
