/**
 * Priors p(z) are distributions: anything implementing the shared contract (`family`, `batchShape`,
 * `eventShape`, `support`, `sample`, `logProb`). `@genmod/reparam`'s `independent(new Normal(…), 1)`, a
 * `@genmod/flows` `TransformedDistribution` or a conditional flow bound to a context, {@link flowPrior},
 * {@link aggregatePosterior}, {@link autoregressivePrior} and {@link standardNormalPrior} all fit.
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114 · Tomczak & Welling 2018, "VAE with a VampPrior", arXiv:1705.07120.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assignState, checkSampleCall, checkShape, type Distribution, HALF_LOG_TWO_PI, normalLogDensity, normalNoise, type ReparameterizedDistribution, type SampleOptions, type StateDict, type Stateful, sumTrailing } from '@genmod-internal/core';
import { sizeOf } from './internal/checks.js';
import { checkEventPoint } from './internal/laws.js';

/**
 * A prior over latents z: a {@link Distribution} whose `logProb(z [..., ...event])` gives `[...]`, summed over
 * the event axes. Samples carry no gradient; `logProb` must be differentiable in z (and in the prior's own
 * parameters, when it is trained).
 *
 * @example
 * ```ts
 * const prior: Prior = standardNormalPrior([2]);
 * prior.logProb(prior.sample([5], { seed: 0 }));   // [5]
 * ```
 * @since 0.1.0
 */
export type Prior = Distribution;

/**
 * A prior over N categorical latents with K classes, p(c) with c one-hot `[..., N, K]`: a
 * {@link Distribution} whose `sample(sampleShape)` gives one-hots `[...sampleShape, N, K]` and whose
 * `logProb(c)` gives log p(c) `[...]` (summed over the N latents; differentiable in c, so relaxed one-hots
 * pass gradients). {@link autoregressivePrior} builds one from a causal network.
 *
 * When it also has `conditionalLogProbs(c)`, log p(c_n = k | c_<n) for every class `[..., N, K]`,
 * {@link discreteElbo} takes the KL's expectation over each c_n exactly (given c_<n): exact for a factorised
 * prior, a lower-variance estimate for an autoregressive one.
 *
 * @example
 * ```ts
 * // a factorised prior p(c) = Π_n Cat(c_n; softmax(l_n)) over N = 2 latents with K = 3 classes
 * const l = tf.logSoftmax(tf.tensor2d([[2, 0, 0], [0, 1, 0]]));                 // [N, K]
 * const prior: DiscretePrior = {
 *   family: 'Factorised', batchShape: [], eventShape: [2, 3], support: 'one-hot',
 *   sample: (shape = []) => {
 *     const idx = tf.transpose(tf.multinomial(l, shape.reduce((a, b) => a * b, 1), 1));     // int32 [S, N]
 *     return tf.reshape(tf.cast(tf.oneHot(idx, 3), 'float32'), [...shape, 2, 3]);          // [...shape, N, K]
 *   },
 *   logProb: (c) => tf.sum(tf.mul(c, l), [-2, -1]),
 *   conditionalLogProbs: (c) => tf.mul(tf.onesLike(c), l),
 * };
 * ```
 * @since 0.1.0
 */
export interface DiscretePrior extends Distribution {
  conditionalLogProbs?(c: Tensor): Tensor;
}

/**
 * What {@link standardNormalPrior} returns: N(0, I) over events of its shape, p(z) = Π_j N(z_j; 0, 1), a
 * reparameterized distribution with batch shape `[]`. It owns no tensors: its state (`getState()`) is empty,
 * `{}`, so it can take part in a checkpoint (`composeState({ prior, … })`) and adds nothing to it.
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114, §3
 * @example
 * ```ts
 * const prior: StandardNormalPrior = standardNormalPrior([4]);
 * prior.entropy();   // 4·½·log(2πe)
 * ```
 * @since 0.1.0
 */
export interface StandardNormalPrior extends ReparameterizedDistribution, Stateful {
  readonly family: 'StandardNormal';
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly support: 'real';
  /** draws `[...sampleShape, ...eventShape]`: the same values as `sample` (no parameters to differentiate) */
  rsample(sampleShape?: number[], options?: SampleOptions): Tensor;
  /** 0, `eventShape` */
  mean(): Tensor;
  /** 1, `eventShape` */
  variance(): Tensor;
  /** d·(½ + ½·log 2π) with d the event size, a scalar */
  entropy(): Tensor;
  /** `{}`: the prior has no parameters @since 0.1.0 */
  getState(): StateDict;
  /** accepts `{}` only (an Error lists any entry given) @since 0.1.0 */
  loadState(state: StateDict): void;
}

/**
 * The standard normal prior N(0, I) over events of shape `eventShape`:
 * log p(z) = Σ_j log N(z_j; 0, 1) = −½·Σ_j (z_j² + log 2π). It owns no tensors.
 *
 * @param eventShape the latent shape of one example, e.g. `[20]`
 * @see Kingma & Welling 2014, arXiv:1312.6114, §3
 * @example
 * ```ts
 * const prior = standardNormalPrior([2]);
 * const z = prior.sample([3], { seed: 0 });   // [3, 2]
 * prior.logProb(z);                           // [3]
 * ```
 * @since 0.1.0
 */
export function standardNormalPrior(eventShape: number[]): StandardNormalPrior {
  const event = [...checkShape('standardNormalPrior', eventShape, 'eventShape')];
  const draw = (fn: string, sampleShape: number[] = [], options?: SampleOptions): Tensor => {
    const { seed } = checkSampleCall(fn, sampleShape, options);
    return normalNoise([...sampleShape, ...event], seed);
  };
  return {
    family: 'StandardNormal',
    batchShape: [],
    eventShape: event,
    support: 'real',
    sample: (sampleShape, options) => draw('standardNormalPrior.sample', sampleShape, options),
    rsample: (sampleShape, options) => draw('standardNormalPrior.rsample', sampleShape, options),
    logProb(z: Tensor): Tensor {
      const fn = 'standardNormalPrior.logProb';
      checkEventPoint(fn, z, event);
      return tf.tidy(fn, () => sumTrailing(normalLogDensity(z, 0, 0), event.length));
    },
    mean: () => tf.zeros(event),
    variance: () => tf.ones(event),
    entropy: () => tf.scalar(sizeOf(event) * (0.5 + HALF_LOG_TWO_PI)),
    getState: () => ({}),
    loadState: (state: StateDict) => assignState('standardNormalPrior.loadState', {}, state),
  };
}
