/**
 * The distribution of y = f(z), z ~ base: the change of variables formula,
 *
 *   log p(y) = log q(f⁻¹(y)) + log|det ∂f⁻¹/∂y| = log q(z) − log|det ∂f/∂z|.
 *
 * @see Rezende & Mohamed 2015, "Variational Inference with Normalizing Flows", ICML, arXiv:1505.05770.
 * @see Papamakarios et al. 2021, "Normalizing Flows for Probabilistic Modeling and Inference", JMLR, arXiv:1912.02762, eq. (2)–(3).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { Bijector } from './bijector.js';
import { checkBijectorArg } from './chain.js';
import { fail, sumRightmost, toFloat } from './internal/checks.js';
import { checkSeed, checkShape } from '@genmod-internal/core';

/**
 * Anything with `sample` and `logProb` is a base distribution (a structural interface: `StandardNormal`,
 * a `@genmod/reparam` distribution, your own class). `logProb` sums over the base's event dimensions.
 * @since 0.1.0
 */
export interface BaseDistribution {
  sample(sampleShape: number[], options?: { seed?: number | string }): Tensor;
  /** used by {@link TransformedDistribution.rsample} when present */
  rsample?(sampleShape: number[], options?: { seed?: number | string }): Tensor;
  logProb(x: Tensor): Tensor;
}

export interface FlowSampleOptions {
  seed?: number | string;
  /** the context of a conditional flow, `[..., C]`, broadcasting against the sample's batch shape */
  context?: Tensor;
}

/**
 * A normalizing flow: the law of y = f(z), z ~ base, with f a {@link Bijector} whose `forward` maps base
 * samples to data.
 *
 * - `sample` / `rsample`: z ~ base, y = f(z) (differentiable with respect to f's variables: the
 *   reparameterization gradient), cost one `forward`;
 * - `logProb(y)` = log q(f⁻¹(y)) + log|det ∂f⁻¹/∂y|, cost one `inverse`;
 * - `sampleAndLogProb`: y = f(z) and log p(y) = log q(z) − log|det ∂f/∂z| from one `forward` (no
 *   inverse): what an IAF posterior in a VAE needs.
 *
 * The event rank is the larger of the base's and the bijector's: `exp()` (event rank 0) on a vector base
 * has its log-det summed over the vector, and a coupling on a scalar base `StandardNormal([])` sampled with
 * shape `[n, D]` has log q summed over the vector.
 * The distribution owns neither the base nor the bijector: `dispose()` them yourself.
 *
 * @param base any `{ sample, logProb }`
 * @param bijector f, forward = base → data
 * @see Papamakarios et al. 2021, arXiv:1912.02762 · tfp.distributions.TransformedDistribution
 * @example
 * ```ts
 * const flow = new TransformedDistribution(new StandardNormal([2]), chain(shift([1, 2]), exp()));
 * const y = flow.sample([100], { seed: 1 });   // [100, 2], log-normal shifted by (1, 2)
 * const lp = flow.logProb(y);                  // [100]
 * ```
 * @since 0.1.0
 */
export class TransformedDistribution {
  readonly base: BaseDistribution;
  readonly bijector: Bijector;

  constructor(base: BaseDistribution, bijector: Bijector) {
    const fn = 'TransformedDistribution';
    if (base === null || typeof base !== 'object' || typeof base.sample !== 'function' || typeof base.logProb !== 'function') {
      fail(fn, 'base', 'a distribution with sample and logProb methods', base);
    }
    this.base = base;
    this.bijector = checkBijectorArg(fn, 'bijector', bijector);
  }

  /** The variables of the bijector, for `optimizer.minimize(loss, false, flow.trainableVariables)`. */
  get trainableVariables(): tf.Variable[] {
    return this.bijector.trainableVariables ? [...this.bijector.trainableVariables] : [];
  }

  /** log q(z) ± ldj, both summed down to the larger of the two event ranks (the smaller batch shape). */
  private combine(logQ: Tensor, logDet: Tensor, sign: 1 | -1): Tensor {
    const r = Math.min(logQ.rank, logDet.rank);
    const q = sumRightmost(logQ, logQ.rank - r);
    const ld = sumRightmost(logDet, logDet.rank - r);
    return sign === 1 ? tf.add(q, ld) : tf.sub(q, ld);
  }

  private checkSample(fn: string, sampleShape: number[], options: FlowSampleOptions) {
    checkShape(fn, sampleShape, 'sampleShape');
    if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object { seed, context }', options);
    checkSeed(fn, options.seed);
  }

  /** y = f(z), z ~ base; shape `[...sampleShape, ...eventShape]`. */
  sample(sampleShape: number[] = [], options: FlowSampleOptions = {}): Tensor {
    const fn = 'TransformedDistribution.sample';
    this.checkSample(fn, sampleShape, options);
    return tf.tidy(fn, () => this.bijector.forward(this.base.sample(sampleShape, { seed: options.seed }), options.context).y);
  }

  /** Reparameterized samples y = f(z): gradients reach f's variables (and the base's, through its `rsample`). */
  rsample(sampleShape: number[] = [], options: FlowSampleOptions = {}): Tensor {
    const fn = 'TransformedDistribution.rsample';
    this.checkSample(fn, sampleShape, options);
    return tf.tidy(fn, () => {
      const z = this.base.rsample ? this.base.rsample(sampleShape, { seed: options.seed }) : this.base.sample(sampleShape, { seed: options.seed });
      return this.bijector.forward(z, options.context).y;
    });
  }

  /** log p(y) = log q(f⁻¹(y)) + log|det ∂f⁻¹/∂y|, shape `[...batch]`. */
  logProb(y: Tensor | TensorLike, options: { context?: Tensor } = {}): Tensor {
    const fn = 'TransformedDistribution.logProb';
    if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object { context }', options);
    return tf.tidy(fn, () => {
      const $y = toFloat(fn, 'y', y);
      const { x: z, logDet } = this.bijector.inverse($y, options.context);
      return this.combine(this.base.logProb(z), logDet, 1);
    });
  }

  /** p(y) = exp(log p(y)). */
  prob(y: Tensor | TensorLike, options: { context?: Tensor } = {}): Tensor {
    return tf.tidy('TransformedDistribution.prob', () => tf.exp(this.logProb(y, options)));
  }

  /**
   * One `forward` pass: y = f(z), z ~ base (reparameterized), and log p(y) = log q(z) − log|det ∂f/∂z|.
   * @returns `{ sample: [...sampleShape, ...event], logProb: [...sampleShape] }`
   */
  sampleAndLogProb(sampleShape: number[] = [], options: FlowSampleOptions = {}): { sample: Tensor; logProb: Tensor } {
    const fn = 'TransformedDistribution.sampleAndLogProb';
    this.checkSample(fn, sampleShape, options);
    const [sample, logProb] = tf.tidy(fn, () => {
      const z = this.base.rsample ? this.base.rsample(sampleShape, { seed: options.seed }) : this.base.sample(sampleShape, { seed: options.seed });
      const { y, logDet } = this.bijector.forward(z, options.context);
      return [y, this.combine(this.base.logProb(z), logDet, -1)];
    });
    return { sample: sample!, logProb: logProb! };
  }
}
