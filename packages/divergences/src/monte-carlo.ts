/**
 * Monte Carlo estimates of KL and Jensen–Shannon divergences for any laws that can be sampled and scored.
 *
 * @see Kullback & Leibler 1951 · Lin 1991, "Divergence Measures Based on the Shannon Entropy".
 * @see Kingma & Welling 2014, arXiv:1312.6114 (the Monte Carlo KL of the VAE, with reparameterized samples).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  checkBoolean,
  checkDistribution,
  checkInteger,
  checkOptions,
  checkSeed,
  deriveSeed,
  fail,
  hasRsample,
  sameShape,
  showShape,
  supportWithin,
  type Distribution,
  type Seed,
} from '@genmod-internal/core';
import { checkBase } from './internal/checks.js';
import { safeSqrt } from './internal/math.js';

/** Options of {@link monteCarloKl} and {@link jsDivergenceMonteCarlo}: the number of draws, their seed, pathwise or not. @since 0.1.0 */
export interface MonteCarloOptions {
  /** the number of draws S ≥ 1, default 1000 (with S = 1 there is no standard error) */
  samples?: number;
  /**
   * seed of the draws: any number (0 included) or string. The first law draws with it; the second law of
   * {@link jsDivergenceMonteCarlo} with `deriveSeed(seed, 'q')` (the one seed scheme).
   */
  seed?: Seed;
  /**
   * draw with `rsample` when the law has one, so the estimate is differentiable in its parameters (the
   * pathwise estimator); default `true`. `false` draws with `sample` (no gradient through the draws).
   * @since 0.1.0
   */
  reparameterize?: boolean;
}

/** What {@link monteCarloKl} and {@link jsDivergenceMonteCarlo} return: the sample mean over S draws and its standard error s/√S. @since 0.1.0 */
export interface MonteCarloEstimate {
  /** the sample mean, `[...batchShape]` (differentiable when the draws are reparameterized) */
  estimate: Tensor;
  /** its standard error s/√S, `[...batchShape]`; `undefined` when `samples` is 1 (no spread to measure) */
  standardError: Tensor | undefined;
}

const KEYS = ['samples', 'seed', 'reparameterize'] as const;

function draw(d: Distribution, n: number, seed: Seed | undefined, reparameterize: boolean): Tensor {
  return reparameterize && hasRsample(d) ? d.rsample([n], { seed }) : d.sample([n], { seed });
}

function checkSamples(fn: string, samples: unknown): number {
  return samples === undefined ? 1000 : checkInteger(fn, 'options.samples', samples, { min: 1 });
}

function checkEvents(fn: string, a: Distribution, b: Distribution, names: string): void {
  if (!sameShape(a.eventShape, b.eventShape)) fail(fn, names, 'laws with the same event shape (eventShape)', `${showShape(a.eventShape)} and ${showShape(b.eventShape)}`);
}

/** The mean over the sample axis and its standard error (none for a single draw). */
function meanAndError(x: Tensor): MonteCarloEstimate {
  const n = x.shape[0]!;
  if (n === 1) return { estimate: tf.squeeze(x, [0]), standardError: undefined };
  const { mean, variance } = tf.moments(x, 0);
  // s/√S = √(var·S/(S − 1)/S); safeSqrt: gradient 0 (the subgradient, as torch's std) where the draws agree
  return { estimate: mean, standardError: safeSqrt(tf.div(variance, n - 1)) };
}

function tidyEstimate(fn: string, f: () => MonteCarloEstimate): MonteCarloEstimate {
  const out = tf.tidy(fn, () => {
    const e = f();
    return e.standardError === undefined ? [e.estimate] : [e.estimate, e.standardError];
  });
  return { estimate: out[0]!, standardError: out[1] };
}

/**
 * KL(q‖p) ≈ (1/S)·Σ_s [log q(x_s) − log p(x_s)], x_s ~ q, with its standard error. The draws come from
 * `q.rsample` when q has one (and `reparameterize` is not `false`), so the estimate is differentiable in
 * q's parameters (the pathwise estimator of the VAE) as well as in p's (through `p.logProb`); otherwise from
 * `q.sample`, without gradient through the draws. `samples: 1` gives the single-sample KL a VAE trains with
 * (then `standardError` is `undefined`).
 *
 * @param q the law the expectation is over (the first argument of KL), any {@link Distribution}
 * @param p any {@link Distribution} with q's eventShape whose support contains q's (a law on the simplex
 *   and one on the log-simplex are refused: their draws live in different spaces)
 * @returns `{ estimate, standardError }`, each of the laws' batch shape (`standardError` undefined for S = 1)
 * @see Kullback & Leibler 1951 · Kingma & Welling 2014
 * @example
 * ```ts
 * // a minimal law: N(μ, 1) written by hand (any object implementing the Distribution contract fits)
 * const normal = (mu: number): Distribution => ({
 *   family: 'Normal', batchShape: [], eventShape: [], support: 'real',
 *   sample: (shape = []) => tf.randomNormal(shape, mu, 1), // (a real law also takes { seed })
 *   logProb: (x: tf.Tensor) => tf.sub(tf.mul(tf.square(tf.sub(x, mu)), -0.5), 0.5 * Math.log(2 * Math.PI)),
 * });
 * const { estimate, standardError } = monteCarloKl(normal(0), normal(1), { samples: 4000, seed: 1 });
 * // estimate ≈ 0.5 = KL(N(0, 1) ‖ N(1, 1)), standardError ≈ 0.016
 * ```
 * @since 0.1.0
 */
export function monteCarloKl(q: Distribution, p: Distribution, options: MonteCarloOptions = {}): MonteCarloEstimate {
  const fn = 'monteCarloKl';
  options = checkOptions(fn, options, KEYS);
  checkDistribution(fn, 'q', q);
  checkDistribution(fn, 'p', p);
  checkEvents(fn, q, p, 'q and p');
  if (!supportWithin(q.support, p.support)) {
    fail(fn, 'q and p', "laws whose supports nest (q's within p's)", `q on '${q.support}' (${q.family}) and p on '${p.support}' (${p.family})`);
  }
  const n = checkSamples(fn, options.samples);
  const seed = checkSeed(fn, options.seed);
  const rep = options.reparameterize === undefined ? true : checkBoolean(fn, 'options.reparameterize', options.reparameterize);
  return tidyEstimate(fn, () => {
    const x = draw(q, n, seed, rep);
    return meanAndError(tf.sub(q.logProb(x), p.logProb(x)));
  });
}

/**
 * JS(p, q) = ½·E_p[log p − log m] + ½·E_q[log q − log m], m = (p + q)/2, estimated from S draws of each
 * law (log m = logaddexp(log p, log q) − log 2), with its standard error (undefined for S = 1). p draws with
 * `seed`, q with `deriveSeed(seed, 'q')`. Differentiable in both laws' parameters when they have `rsample`
 * (and `reparameterize` is not `false`). Always in [0, log 2] in expectation.
 *
 * @param p any {@link Distribution}
 * @param q the same, with the same batch shape, eventShape and support
 * @returns `{ estimate, standardError }` of the batch shape, in nats (or in `options.base`)
 * @see Lin 1991
 * @example
 * ```ts
 * const normal = (mu: number): Distribution => ({
 *   family: 'Normal', batchShape: [], eventShape: [], support: 'real',
 *   sample: (shape = []) => tf.randomNormal(shape, mu, 1), // (a real law also takes { seed })
 *   logProb: (x: tf.Tensor) => tf.sub(tf.mul(tf.square(tf.sub(x, mu)), -0.5), 0.5 * Math.log(2 * Math.PI)),
 * });
 * const { estimate } = jsDivergenceMonteCarlo(normal(0), normal(0), { seed: 3 }); // exactly 0 for equal laws
 * ```
 * @since 0.1.0
 */
export function jsDivergenceMonteCarlo(p: Distribution, q: Distribution, options: MonteCarloOptions & { base?: number } = {}): MonteCarloEstimate {
  const fn = 'jsDivergenceMonteCarlo';
  options = checkOptions(fn, options, [...KEYS, 'base']);
  checkDistribution(fn, 'p', p);
  checkDistribution(fn, 'q', q);
  checkEvents(fn, p, q, 'p and q');
  if (p.support !== q.support) fail(fn, 'p and q', 'laws on the same support', `p on '${p.support}' (${p.family}) and q on '${q.support}' (${q.family})`);
  const n = checkSamples(fn, options.samples);
  const seed = checkSeed(fn, options.seed);
  const rep = options.reparameterize === undefined ? true : checkBoolean(fn, 'options.reparameterize', options.reparameterize);
  const factor = checkBase(fn, options.base);
  return tidyEstimate(fn, () => {
    const half = (a: Distribution, b: Distribution, s: Seed | undefined) => {
      const x = draw(a, n, s, rep);
      // log a − log m = log 2 − log(1 + exp(lb − la)) = log 2 − softplus(lb − la)
      return tf.sub(Math.LN2, tf.softplus(tf.sub(b.logProb(x), a.logProb(x))));
    };
    const fromP = meanAndError(half(p, q, seed));
    const fromQ = meanAndError(half(q, p, deriveSeed(seed, 'q')));
    const f = 0.5 * factor;
    const estimate = tf.mul(tf.add(fromP.estimate, fromQ.estimate), f);
    if (fromP.standardError === undefined || fromQ.standardError === undefined) return { estimate, standardError: undefined };
    return { estimate, standardError: tf.mul(safeSqrt(tf.add(tf.square(fromP.standardError), tf.square(fromQ.standardError))), f) };
  });
}
