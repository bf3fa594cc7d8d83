/**
 * Reinterprets trailing batch dimensions of a distribution as event dimensions (TFP's Independent,
 * torch.distributions.Independent): a diagonal Gaussian over a d-dimensional latent is
 * `independent(new Normal(...), 1)`.
 *
 * @see Dillon et al. 2017, "TensorFlow Distributions", arXiv:1711.10604 (§3.3, batch and event shapes).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { fail } from '@genmod-internal/core';
import type { Distribution } from './distribution.js';

/** The view returned by {@link independent}: the base's methods with the reinterpreted axes summed. */
export interface Independent<D extends Distribution = Distribution> {
  /** the wrapped distribution (still the caller's) */
  readonly base: D;
  /** the number of trailing batch dimensions moved into the event */
  readonly reinterpretedBatchNdims: number;
  readonly batchShape: number[];
  readonly eventShape: number[];
  /** the base's samples, unchanged: `[...sampleShape, ...batchShape, ...eventShape]` */
  sample(sampleShape?: number[], options?: { seed?: number | string }): Tensor;
  /** the base's reparameterized samples (throws if the base has none) */
  rsample(sampleShape?: number[], options?: { seed?: number | string }): Tensor;
  /** Σ over the reinterpreted axes of the base's log p(x) */
  logProb(x: Tensor | TensorLike): Tensor;
  /** exp(logProb(x)) */
  prob(x: Tensor | TensorLike): Tensor;
  /** Σ over the reinterpreted axes of the base's entropy (throws if the base has none) */
  entropy(): Tensor;
  /** the base's mean (throws if the base has none) */
  mean(): Tensor;
  /** the base's marginal variances (throws if the base has none) */
  variance(): Tensor;
  /** the base's marginal standard deviations (throws if the base has none) */
  stddev(): Tensor;
  /** does nothing: the base stays the caller's, who disposes it */
  dispose(): void;
}

/**
 * Moves the last `reinterpretedBatchNdims` batch dimensions of `distribution` into its event:
 *
 *   log p(x) = Σ_{reinterpreted axes} log p_base(x),   H = Σ_{reinterpreted axes} H_base.
 *
 * Samples, means and variances are the base's, unchanged. Works on any object with `sample` and `logProb`
 * and a `batchShape` (nothing depends on class identity). The view owns nothing; dispose the base yourself.
 *
 * @param distribution the base, with `batchShape` of rank ≥ `reinterpretedBatchNdims`
 * @param reinterpretedBatchNdims how many trailing batch dimensions become event dimensions (default: all)
 * @see Dillon et al. 2017, arXiv:1711.10604 · tfp.distributions.Independent
 * @example
 * ```ts
 * const base = Normal.fromLogVariance(tf.zeros([8, 2]), tf.zeros([8, 2]));
 * const q = independent(base, 1);     // batchShape [8], eventShape [2]
 * const z = q.rsample([], { seed: 1 }); // [8, 2]
 * q.logProb(z);                       // [8]: summed over the latent dimensions
 * base.dispose();
 * ```
 * @since 0.1.0
 */
export function independent<D extends Distribution>(distribution: D, reinterpretedBatchNdims?: number): Independent<D> {
  const fn = 'independent';
  if (distribution === null || typeof distribution !== 'object' || typeof distribution.sample !== 'function' || typeof distribution.logProb !== 'function') {
    fail(fn, 'distribution', 'a distribution (an object with sample and logProb)', distribution);
  }
  if (!Array.isArray(distribution.batchShape)) fail(fn, 'distribution.batchShape', 'an array of dimensions', distribution.batchShape);
  const batch = [...distribution.batchShape];
  const n = reinterpretedBatchNdims ?? batch.length;
  if (!Number.isInteger(n) || n < 0 || n > batch.length) {
    fail(fn, 'reinterpretedBatchNdims', `an integer in [0, ${batch.length}] (the base's batch rank)`, reinterpretedBatchNdims);
  }
  const baseEvent = [...(distribution.eventShape ?? [])];
  const axes = (rank: number) => Array.from({ length: n }, (_, i) => rank - n + i);
  const sumLast = (t: Tensor) => (n === 0 ? t : tf.sum(t, axes(t.rank)));
  const d = distribution as D & Record<string, unknown>;
  const delegate = (method: string): Tensor => {
    const m = d[method];
    if (typeof m !== 'function') throw new Error(`Independent.${method}: the base distribution has no ${method}()`);
    return (m as () => Tensor).call(d);
  };
  return {
    base: distribution,
    reinterpretedBatchNdims: n,
    batchShape: batch.slice(0, batch.length - n),
    eventShape: [...batch.slice(batch.length - n), ...baseEvent],
    sample: (sampleShape = [], options = {}) => distribution.sample(sampleShape, options),
    rsample: (sampleShape = [], options = {}) => {
      const r = d['rsample'];
      if (typeof r !== 'function') throw new Error('Independent.rsample: the base distribution has no rsample() (it is not reparameterizable)');
      return (r as (s: number[], o: object) => Tensor).call(d, sampleShape, options);
    },
    logProb: (x) => tf.tidy('Independent.logProb', () => sumLast(distribution.logProb(x))),
    prob: (x) => tf.tidy('Independent.prob', () => tf.exp(sumLast(distribution.logProb(x)))),
    entropy: () => tf.tidy('Independent.entropy', () => sumLast(delegate('entropy'))),
    mean: () => delegate('mean'),
    variance: () => delegate('variance'),
    stddev: () => delegate('stddev'),
    dispose: () => {},
  };
}
