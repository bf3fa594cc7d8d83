/**
 * Reinterprets trailing batch dimensions of a distribution as event dimensions (TFP's Independent,
 * torch.distributions.Independent): a diagonal Gaussian over a d-dimensional latent is
 * `independent(new Normal(...), 1)`.
 *
 * @see Dillon et al. 2017, "TensorFlow Distributions", arXiv:1711.10604 (§3.3, batch and event shapes).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkDistribution, checkInteger, hasRsample, sumTrailing, type Distribution, type IndependentLaw, type ReparameterizedDistribution, type SampleOptions, type Support } from '@genmod-internal/core';

/** The moments a base may have in closed form; the view has each exactly when its base has it. */
type Moment = 'entropy' | 'mean' | 'variance' | 'stddev';

/**
 * The view returned by {@link independent}: the base's methods with the reinterpreted axes summed. Its type
 * follows the base's: `rsample` only when the base is a {@link ReparameterizedDistribution}, and `entropy`,
 * `mean`, `variance`, `stddev` each only when the base has it.
 *
 *   log p(x) = Σ_{reinterpreted axes} log p_base(x),   H = Σ_{reinterpreted axes} H_base
 *
 * @see Dillon et al. 2017, arXiv:1711.10604 · torch.distributions.Independent
 * @example
 * ```ts
 * const q: Independent<Normal> = independent(new Normal({ loc: [[0, 1]], scale: 1 }), 1);
 * q.rsample([], { seed: 0 });   // has rsample: Normal does
 * ```
 * @since 0.1.0
 */
export type Independent<D extends Distribution = Distribution> = IndependentLaw<D> & {
  readonly batchShape: number[];
  readonly eventShape: number[];
  /** the base's support */
  readonly support: Support;
  /** the base's samples, unchanged: `[...sampleShape, ...batchShape, ...eventShape]`, without gradient */
  sample(sampleShape?: number[], options?: SampleOptions): Tensor;
  /** Σ over the reinterpreted axes of the base's log p(x) */
  logProb(x: Tensor | TensorLike): Tensor;
  /** exp(logProb(x)) */
  prob(x: Tensor | TensorLike): Tensor;
  /** disposes the base: the view owns what it wraps (as a flow owns its base and bijector) */
  dispose(): void;
} & (D extends ReparameterizedDistribution ? { /** the base's reparameterized samples, unchanged */ rsample(sampleShape?: number[], options?: SampleOptions): Tensor } : unknown) & {
  [K in Moment as D extends { [P in K]: () => Tensor } ? K : never]: () => Tensor;
};

/**
 * Moves the last `reinterpretedBatchNdims` batch dimensions of `distribution` into its event:
 *
 *   log p(x) = Σ_{reinterpreted axes} log p_base(x),   H = Σ_{reinterpreted axes} H_base.
 *
 * Samples, means and variances are the base's, unchanged; the support is the base's. The view has `rsample`
 * only when the base has one (and its type says so), and `entropy` / `mean` / `variance` / `stddev` only
 * where the base has them. The view owns its base: `dispose()` calls `base.dispose()` (so
 * `independent(new Normal(...), 1).dispose()` frees the Normal too), as a flow owns its base.
 *
 * @param distribution the base (any {@link Distribution}), with `batchShape` of rank ≥ `reinterpretedBatchNdims`
 * @param reinterpretedBatchNdims how many trailing batch dimensions become event dimensions (default: all)
 * @see Dillon et al. 2017, arXiv:1711.10604 · tfp.distributions.Independent
 * @example
 * ```ts
 * const base = Normal.fromLogVariance(tf.zeros([8, 2]), tf.zeros([8, 2]));
 * const q = independent(base, 1);       // batchShape [8], eventShape [2]
 * const z = q.rsample([], { seed: 1 }); // [8, 2]
 * q.logProb(z);                         // [8]: summed over the latent dimensions
 * q.dispose();                          // frees the base too
 * ```
 * @since 0.1.0
 */
export function independent<D extends Distribution>(distribution: D, reinterpretedBatchNdims?: number): Independent<D> {
  const fn = 'independent';
  checkDistribution(fn, 'distribution', distribution);
  const batch = [...distribution.batchShape];
  const n = reinterpretedBatchNdims === undefined ? batch.length : checkInteger(fn, 'reinterpretedBatchNdims', reinterpretedBatchNdims, { min: 0, max: batch.length });
  const sumLast = (t: Tensor) => sumTrailing(t, n);
  const d = distribution as D & Partial<Record<Moment, () => Tensor>>;
  const view: Record<string, unknown> = {
    family: 'Independent',
    base: distribution,
    reinterpretedBatchNdims: n,
    batchShape: batch.slice(0, batch.length - n),
    eventShape: [...batch.slice(batch.length - n), ...distribution.eventShape],
    support: distribution.support,
    sample: (sampleShape: number[] = [], options?: SampleOptions) => distribution.sample(sampleShape, options),
    logProb: (x: Tensor | TensorLike) => tf.tidy('Independent.logProb', () => sumLast(distribution.logProb(x as Tensor))),
    prob: (x: Tensor | TensorLike) => tf.tidy('Independent.prob', () => tf.exp(sumLast(distribution.logProb(x as Tensor)))),
    dispose: () => distribution.dispose?.(),
  };
  if (hasRsample(distribution)) view.rsample = (sampleShape: number[] = [], options?: SampleOptions) => distribution.rsample(sampleShape, options);
  if (typeof d.entropy === 'function') view.entropy = () => tf.tidy('Independent.entropy', () => sumLast(d.entropy!()));
  for (const m of ['mean', 'variance', 'stddev'] as const) if (typeof d[m] === 'function') view[m] = () => d[m]!();
  return view as Independent<D>;
}
