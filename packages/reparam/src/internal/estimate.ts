/**
 * The machinery shared by the gradient estimators: argument checks (before any allocation), per-sample
 * values, and the gradients of a per-sample surrogate.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkBoolean, checkFunction, checkInteger, checkOptions, checkSeed, fail, sumTrailing, type Seed } from '@genmod-internal/core';
import type { EstimatorOptions } from '../gradient-estimate.js';

/** The option keys of {@link reparameterizationGradient}. */
export const PATHWISE_KEYS = ['samples', 'seed', 'perSample'] as const;
/** The option keys of {@link scoreFunctionGradient}. */
export const SCORE_KEYS = ['samples', 'seed', 'perSample', 'baseline'] as const;

/** Checks the shared arguments before anything is allocated; returns a concrete seed. */
export function checkEstimatorArgs(fn: string, f: unknown, makeDistribution: unknown, params: unknown, options: unknown, keys: readonly string[]): Seed {
  checkFunction(fn, 'f', f);
  checkFunction(fn, 'makeDistribution', makeDistribution);
  if (!Array.isArray(params) || params.length === 0) fail(fn, 'params', 'a non-empty array of float32 tensors (or tf.Variables)', params);
  (params as unknown[]).forEach((p, i) => {
    if (!(p instanceof tf.Tensor) || p.dtype !== 'float32') fail(fn, `params[${i}]`, 'a float32 tensor (or tf.Variable)', p);
    if (p.isDisposed) fail(fn, `params[${i}]`, 'a live tensor', 'a disposed tensor');
  });
  if (options === undefined) fail(fn, 'options', 'an object { samples, seed }', options);
  const o = checkOptions(fn, options as EstimatorOptions, keys);
  checkInteger(fn, 'options.samples', o.samples, { min: 1 });
  if (o.perSample !== undefined) checkBoolean(fn, 'options.perSample', o.perSample);
  // unseeded: one fresh seed for the call, so that every pass of the surrogate sees the same draws
  return checkSeed(fn, o.seed) ?? Math.floor(Math.random() * 2 ** 31);
}

/** f's output as per-sample values `[n]`, checking its leading axis. */
export function perSampleValues(fn: string, out: unknown, n: number): Tensor {
  if (!(out instanceof tf.Tensor) || out.rank < 1 || out.shape[0] !== n) {
    fail(fn, 'f(z)', `a tensor of per-sample values with leading axis n = ${n} (shape [n] or [n, ...])`, out);
  }
  const t = out as Tensor;
  return sumTrailing(t, t.rank - 1);
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
