/**
 * The prior p(z) as a structural interface: anything that samples and evaluates log-densities. A
 * `@genmod/reparam` distribution wrapped in `independent`, a `@genmod/flows` transformed distribution,
 * {@link flowPrior}, {@link aggregatePosterior} or a hand-written object all fit, with no dependency.
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114 · Tomczak & Welling 2018, "VAE with a VampPrior", arXiv:1705.07120.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkSeed, checkShape, fail } from '@genmod-internal/core';
import { checkReturned, normalNoise, standardLogDensity, sumFrom } from './internal/checks.js';

/**
 * A prior over latents z of event shape `[...event]` (e.g. `[d]`).
 *
 * `sample(sampleShape)` gives `[...sampleShape, ...event]`; `logProb(z [..., ...event])` gives `[...]`,
 * summed over the event axes. Samples need no gradient; `logProb` must be differentiable in z (and in the
 * prior's own parameters, when it is trained).
 *
 * @example
 * ```ts
 * const prior: Prior = standardNormalPrior([2]);
 * prior.logProb(prior.sample([5], { seed: 1 }));   // [5]
 * ```
 * @since 0.1.0
 */
export interface Prior {
  sample(sampleShape: number[], options?: { seed?: number | string }): Tensor;
  logProb(z: Tensor): Tensor;
}

/** A {@link Prior} that knows its event shape. */
export interface ShapedPrior extends Prior {
  readonly eventShape: readonly number[];
}

/**
 * The standard normal prior N(0, I) over events of shape `eventShape`:
 * log p(z) = −½·Σ_j (z_j² + log 2π). It owns no tensors.
 *
 * @param eventShape the latent shape of one example, e.g. `[20]`
 * @see Kingma & Welling 2014, arXiv:1312.6114, §3
 * @example
 * ```ts
 * const prior = standardNormalPrior([2]);
 * const z = prior.sample([3], { seed: 1 });   // [3, 2]
 * prior.logProb(z);                           // [3]
 * ```
 * @since 0.1.0
 */
export function standardNormalPrior(eventShape: number[]): ShapedPrior {
  const fn = 'standardNormalPrior';
  const event = [...checkShape(fn, eventShape, 'eventShape')];
  return {
    eventShape: event,
    sample(sampleShape: number[] = [], options: { seed?: number | string } = {}): Tensor {
      const f = 'standardNormalPrior.sample';
      checkShape(f, sampleShape, 'sampleShape');
      const seed = checkSeed(f, options.seed);
      return tf.tidy(f, () => normalNoise([...sampleShape, ...event], seed));
    },
    logProb(z: Tensor): Tensor {
      const f = 'standardNormalPrior.logProb';
      checkReturned(f, 'z', z);
      if (z.rank < event.length || event.some((d, i) => z.shape[z.rank - event.length + i] !== d)) {
        fail(f, 'z', `a tensor ending in the event shape [${event.join(', ')}]`, z);
      }
      return tf.tidy(f, () => sumFrom(standardLogDensity(z), z.rank - event.length));
    },
  };
}

/**
 * A prior over N categorical latents with K classes, p(c) with c one-hot `[..., N, K]`: a {@link Prior}
 * whose `sample(sampleShape)` gives one-hots `[...sampleShape, N, K]` and whose `logProb(c)` gives
 * log p(c) `[...]` (summed over the N latents; differentiable in c, so relaxed one-hots pass gradients).
 * {@link autoregressivePrior} builds one from a causal network; any object with these methods fits.
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
 *   sample: (shape) => {
 *     const idx = tf.transpose(tf.multinomial(l, shape.reduce((a, b) => a * b, 1), 1));     // int32 [S, N]
 *     return tf.reshape(tf.cast(tf.oneHot(idx, 3), 'float32'), [...shape, 2, 3]);          // [...shape, N, K]
 *   },
 *   logProb: (c) => tf.sum(tf.mul(c, l), [-2, -1]),
 *   conditionalLogProbs: (c) => tf.mul(tf.onesLike(c), l),
 * };
 * ```
 * @since 0.1.0
 */
export interface DiscretePrior extends Prior {
  conditionalLogProbs?(c: Tensor): Tensor;
}
