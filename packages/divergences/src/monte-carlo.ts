/**
 * Monte Carlo estimates of KL and Jensen–Shannon divergences for any laws that can be sampled and scored.
 *
 * @see Kullback & Leibler 1951 · Lin 1991, "Divergence Measures Based on the Shannon Entropy".
 * @see Kingma & Welling 2014, arXiv:1312.6114 (the Monte Carlo KL of the VAE, with reparameterized samples).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkSeed, fail } from '@genmod-internal/core';
import { checkBase, checkOptions, checkPositiveInteger } from './internal/checks.js';

/**
 * What a Monte Carlo divergence needs from a distribution: draws and log-densities. Anything with these
 * methods fits, e.g. `@genmod/reparam`'s or `@genmod/gumbel`'s distributions.
 */
export interface SampleLogProb {
  /** draws of shape `[...sampleShape, ...batchShape, ...eventShape]` */
  sample(sampleShape: number[], options?: { seed?: number | string }): Tensor;
  /** reparameterized draws (differentiable in the parameters); used instead of `sample` when present */
  rsample?(sampleShape: number[], options?: { seed?: number | string }): Tensor;
  /** log-density of draws, `[...sampleShape, ...batchShape]` */
  logProb(x: Tensor): Tensor;
}

export interface MonteCarloOptions {
  /** the number of draws S ≥ 2, default 1000 */
  samples?: number;
  /** seed of the draws (a second law is drawn with a seed derived from it) */
  seed?: number | string;
}

export interface MonteCarloEstimate {
  /** the sample mean, `[...batchShape]` (differentiable when the draws are reparameterized) */
  estimate: Tensor;
  /** its standard error s/√S, `[...batchShape]` */
  standardError: Tensor;
}

function checkDistribution(fn: string, arg: string, d: unknown): SampleLogProb {
  if (d === null || typeof d !== 'object' || typeof (d as SampleLogProb).logProb !== 'function' || (typeof (d as SampleLogProb).sample !== 'function' && typeof (d as SampleLogProb).rsample !== 'function')) {
    fail(fn, arg, 'a distribution with sample(shape, { seed }) (or rsample) and logProb(x)', d);
  }
  return d as SampleLogProb;
}

function draw(d: SampleLogProb, n: number, seed: number | string | undefined): Tensor {
  return typeof d.rsample === 'function' ? d.rsample([n], { seed }) : d.sample([n], { seed });
}

function tidyEstimate(fn: string, f: () => MonteCarloEstimate): MonteCarloEstimate {
  return tf.tidy(fn, () => ({ ...f() })) as unknown as MonteCarloEstimate;
}

/** The mean over the sample axis and its standard error. */
function meanAndError(x: Tensor): MonteCarloEstimate {
  const n = x.shape[0]!;
  const { mean, variance } = tf.moments(x, 0);
  return { estimate: mean, standardError: tf.sqrt(tf.div(tf.mul(variance, n / (n - 1)), n)) };
}

/**
 * KL(q‖p) ≈ (1/S)·Σ_s [log q(x_s) − log p(x_s)], x_s ~ q, with its standard error. The draws come from
 * `q.rsample` when q has one, so the estimate is differentiable in q's parameters (the pathwise
 * estimator of the VAE) as well as in p's (through `p.logProb`).
 *
 * @param q the law the expectation is over (the first argument of KL), with `sample`/`rsample` and `logProb`
 * @param p any law with `logProb` on q's support
 * @returns `{ estimate, standardError }`, each of the laws' batch shape
 * @see Kullback & Leibler 1951 · Kingma & Welling 2014
 * @example
 * ```ts
 * // a minimal law: N(μ, 1) written by hand (any object with sample and logProb fits)
 * const normal = (mu: number) => ({
 *   sample: (shape: number[], o: { seed?: number | string } = {}) => tf.randomNormal(shape, mu, 1, 'float32', o.seed as number),
 *   logProb: (x: tf.Tensor) => tf.sub(tf.mul(tf.square(tf.sub(x, mu)), -0.5), 0.5 * Math.log(2 * Math.PI)),
 * });
 * const { estimate, standardError } = monteCarloKl(normal(0), normal(1), { samples: 4000, seed: 1 });
 * // estimate ≈ 0.5 = KL(N(0, 1) ‖ N(1, 1)), standardError ≈ 0.016
 * ```
 * @since 0.1.0
 */
export function monteCarloKl(q: SampleLogProb, p: SampleLogProb | Pick<SampleLogProb, 'logProb'>, options: MonteCarloOptions = {}): MonteCarloEstimate {
  const fn = 'monteCarloKl';
  options = checkOptions(fn, options);
  checkDistribution(fn, 'q', q);
  if (p === null || typeof p !== 'object' || typeof p.logProb !== 'function') fail(fn, 'p', 'a distribution with logProb(x)', p);
  const n = checkSamples(fn, options.samples);
  const seed = checkSeed(fn, options.seed);
  return tidyEstimate(fn, () => {
    const x = draw(q, n, seed);
    return meanAndError(tf.sub(q.logProb(x), p.logProb(x)));
  });
}

function checkSamples(fn: string, samples: unknown): number {
  const n = samples === undefined ? 1000 : checkPositiveInteger(fn, 'options.samples', samples);
  if (n < 2) fail(fn, 'options.samples', 'at least 2 (for a standard error)', n);
  return n;
}

/** A second seed derived from the first (undefined stays undefined). */
function derivedSeed(seed: number | string | undefined): number | string | undefined {
  if (seed === undefined) return undefined;
  return typeof seed === 'number' ? seed + 7919 : `${seed}:q`;
}

/**
 * JS(p, q) = ½·E_p[log p − log m] + ½·E_q[log q − log m], m = (p + q)/2, estimated from S draws of each
 * law (log m = logaddexp(log p, log q) − log 2), with its standard error. Differentiable in both laws'
 * parameters when they have `rsample`. Always in [0, log 2] in expectation.
 *
 * @param p a law with `sample`/`rsample` and `logProb`
 * @param q the same, with the same batch shape
 * @returns `{ estimate, standardError }` of the batch shape, in nats (or in `options.base`)
 * @see Lin 1991
 * @example
 * ```ts
 * const normal = (mu: number) => ({
 *   sample: (shape: number[], o: { seed?: number | string } = {}) => tf.randomNormal(shape, mu, 1, 'float32', o.seed as number),
 *   logProb: (x: tf.Tensor) => tf.sub(tf.mul(tf.square(tf.sub(x, mu)), -0.5), 0.5 * Math.log(2 * Math.PI)),
 * });
 * const { estimate } = jsDivergenceMonteCarlo(normal(0), normal(0), { seed: 3 }); // exactly 0 for equal laws
 * ```
 * @since 0.1.0
 */
export function jsDivergenceMonteCarlo(p: SampleLogProb, q: SampleLogProb, options: MonteCarloOptions & { base?: number } = {}): MonteCarloEstimate {
  const fn = 'jsDivergenceMonteCarlo';
  options = checkOptions(fn, options);
  checkDistribution(fn, 'p', p);
  checkDistribution(fn, 'q', q);
  const n = checkSamples(fn, options.samples);
  const seed = checkSeed(fn, options.seed);
  const factor = checkBase(fn, options.base);
  return tidyEstimate(fn, () => {
    const half = (a: SampleLogProb, b: SampleLogProb, s: number | string | undefined) => {
      const x = draw(a, n, s);
      const la = a.logProb(x);
      const lb = b.logProb(x);
      // log a − log m = log 2 − log(1 + exp(lb − la)) = log 2 − softplus(lb − la)
      return tf.sub(Math.LN2, tf.softplus(tf.sub(lb, la)));
    };
    const fromP = meanAndError(half(p, q, seed));
    const fromQ = meanAndError(half(q, p, derivedSeed(seed)));
    const f = 0.5 * factor;
    return {
      estimate: tf.mul(tf.add(fromP.estimate, fromQ.estimate), f),
      standardError: tf.mul(tf.sqrt(tf.add(tf.square(fromP.standardError), tf.square(fromQ.standardError))), f),
    };
  });
}
