/**
 * The aggregated posterior q_agg(z) = (1/n)·Σ_i q(z|x_i) of a Gaussian encoder over a dataset: the
 * optimal prior for a fixed encoder (expensive: n components), for comparison with the standard normal.
 *
 * @see Hoffman & Johnson 2016, "ELBO surgery", NeurIPS Workshop on Advances in Approximate Bayesian Inference.
 * @see Tomczak & Welling 2018, "VAE with a VampPrior", AISTATS, arXiv:1705.07120, §2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkSampleCall, deriveSeed, type Distribution, fail, nonDifferentiable, type SampleOptions, toFloat, uniformNoise } from '@genmod-internal/core';
import { checkReturned, sizeOf } from './internal/checks.js';
import { gaussianLaw } from './internal/latents.js';
import { checkEncodings, mixtureLogProb } from './internal/mixture.js';

/**
 * What {@link aggregatePosterior} returns: q_agg(z) = (1/n)·Σ_i N(z; μ_i, diag σ_i²) as a {@link Distribution}
 * over `[d]` with batch shape `[]`, its mean and variance in closed form. It owns the tensors it made from
 * arrays (free them with `dispose()`); tensors passed in stay the caller's.
 *
 * @see Tomczak & Welling 2018, arXiv:1705.07120, §2
 * @example
 * ```ts
 * const prior: AggregatePosterior = aggregatePosterior([[-2, 0], [2, 0]], [[0, 0], [0, 0]]);
 * prior.variance();   // [5, 1]
 * prior.dispose();
 * ```
 * @since 0.1.0
 */
export interface AggregatePosterior extends Distribution {
  readonly family: 'AggregatePosterior';
  readonly support: 'real';
  /** the component means `[n, d]` */
  readonly loc: Tensor;
  /** the component log-variances `[n, d]` */
  readonly logVar: Tensor;
  /** (1/n)·Σ_i μ_i, `[d]` */
  mean(): Tensor;
  /** (1/n)·Σ_i (σ_i² + μ_i²) − mean², `[d]` */
  variance(): Tensor;
  /** frees the tensors made from arrays */
  dispose(): void;
}

/**
 * The aggregated posterior of a Gaussian encoder over n data points,
 *
 *   q_agg(z) = (1/n)·Σ_i N(z; μ_i, diag(exp(logVar_i))),
 *
 * as a {@link Distribution}: the prior that maximizes the average ELBO for a fixed encoder (it zeroes the
 * marginal KL of {@link elboSurgery}); with n components it is expensive and overfits, hence the
 * VampPrior's learned pseudo-inputs. `logProb` is differentiable in z, `loc` and `logVar`; tensors passed in
 * stay the caller's, arrays become tensors that `dispose()` frees. Sampling picks a component (the seed's
 * 'component' stream), then draws from it (the 'eps' stream).
 *
 * @param loc `[n, d]` encoder means over a dataset; `logVar` `[n, d]`
 * @returns an {@link AggregatePosterior}, family 'AggregatePosterior', eventShape `[d]`
 * @see Hoffman & Johnson 2016 · Tomczak & Welling 2018, arXiv:1705.07120
 * @example
 * ```ts
 * const prior = aggregatePosterior(tf.tensor2d([[-2, 0], [2, 0]]), tf.fill([2, 2], -1));
 * prior.logProb(tf.zeros([1, 2]));          // [1]: low, between the two modes
 * prior.sample([100], { seed: 0 });         // [100, 2]
 * ```
 * @since 0.1.0
 */
export function aggregatePosterior(loc: Tensor | TensorLike, logVar: Tensor | TensorLike): AggregatePosterior {
  const fn = 'aggregatePosterior';
  const [n, d] = checkEncodings(fn, loc, logVar) as [number, number];
  const mu = toFloat(fn, 'loc', loc);
  const lv = toFloat(fn, 'logVar', logVar);
  const owned = [mu === loc ? undefined : mu, lv === logVar ? undefined : lv].filter((t): t is Tensor => t !== undefined);
  return {
    family: 'AggregatePosterior',
    batchShape: [],
    eventShape: [d],
    support: 'real',
    loc: mu,
    logVar: lv,
    sample(sampleShape: number[] = [], options?: SampleOptions): Tensor {
      const f = 'aggregatePosterior.sample';
      const { seed } = checkSampleCall(f, sampleShape, options);
      // computed off the tape (no gradient, and no gather gradient, which tfjs-backend-wasm lacks)
      const draw = (m0: Tensor, lv0: Tensor): Tensor => {
        const m = sizeOf(sampleShape);
        const i = tf.cast(tf.clipByValue(tf.floor(uniformNoise([m], seed, 0, n, 'component')), 0, n - 1), 'int32');
        const eps = deriveSeed(seed, 'eps');
        const z = gaussianLaw(tf.gather(m0, i), tf.gather(lv0, i)).rsample([], eps === undefined ? {} : { seed: eps }); // [m, d]
        return tf.reshape(z, [...sampleShape, d]);
      };
      return tf.tidy(f, () => nonDifferentiable(draw, mu, lv));
    },
    logProb(z: Tensor): Tensor {
      const f = 'aggregatePosterior.logProb';
      checkReturned(f, 'z', z);
      if (z.rank < 1 || z.shape[z.rank - 1] !== d) fail(f, 'z', `a tensor [..., ${d}]`, z);
      return tf.tidy(f, () => tf.reshape(mixtureLogProb(tf.reshape(z, [-1, d]), mu, lv), z.shape.slice(0, -1)));
    },
    mean: () => tf.tidy('aggregatePosterior.mean', () => tf.mean(mu, 0)),
    variance: () => tf.tidy('aggregatePosterior.variance', () => tf.sub(tf.mean(tf.add(tf.exp(lv), tf.square(mu)), 0), tf.square(tf.mean(mu, 0)))),
    dispose: () => tf.dispose(owned),
  };
}
