/**
 * The binary Concrete distribution (RelaxedBernoulli).
 *
 * @see Maddison, Mnih & Teh 2017, "The Concrete Distribution", ICLR, arXiv:1611.00712 (§3.3, binary case).
 * @see Jang, Gu & Poole 2017, arXiv:1611.01144.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { standardLogisticNoise } from './internal/noise.js';
import { checkFloatDtype, checkNoise, checkOptions, checkTemperature, fail, FLOAT32_ONE_MINUS_EPS, FLOAT32_TINY, stopGradient, takeLogitsOrProbs, toFloat, type ReparameterizedDistribution, type Seed, type Support, checkSampleCall } from '@genmod-internal/core';

const PARAM_KEYS = ['logits', 'probs', 'temperature'] as const;
const SAMPLE_KEYS = ['seed', 'noise'] as const;

/**
 * Parameters of {@link RelaxedBernoulli}: y = σ((logit p + l)/τ) (Maddison et al. 2017).
 * @example
 * ```ts
 * const p: RelaxedBernoulliParams = { probs: [0.1, 0.9], temperature: 0.3 };
 * ```
 * @since 0.1.0
 */
export interface RelaxedBernoulliParams {
  /** log-odds log(p/(1 − p)), any shape (give this or `probs`) */
  logits?: Tensor | TensorLike;
  /** probabilities p in [0, 1], any shape (give this or `logits`) */
  probs?: Tensor | TensorLike;
  /** temperature τ > 0 */
  temperature: number;
}

/**
 * Options of {@link RelaxedBernoulli.sample} and {@link RelaxedBernoulli.rsample}: the seed of u, or the logistic noise l = log u − log(1 − u) itself (Maddison et al. 2017).
 * @example
 * ```ts
 * const o: RelaxedBernoulliSampleOptions = { seed: 0 };
 * ```
 * @since 0.1.0
 */
export interface RelaxedBernoulliSampleOptions {
  /**
   * seed of the uniform draws: any finite number (0 included) or string, through `deriveSeed` (same seed,
   * same output on every backend; vary it per training step)
   */
  seed?: Seed;
  /** caller-provided standard logistic noise l of shape `[...sampleShape, ...batchShape]` */
  noise?: Tensor | TensorLike;
}

/**
 * RelaxedBernoulli(p, τ), the binary Concrete: y = σ((logit p + l)/τ) with l = log u − log(1 − u) standard
 * logistic noise. Its density on (0, 1) is
 *
 *   p(y) = τ·α·y^(−τ−1)·(1 − y)^(−τ−1) / (α·y^(−τ) + (1 − y)^(−τ))²,   α = p/(1 − p),
 *
 * evaluated stably as log τ − |z| − 2·log(1 + e^(−|z|)) − log y − log(1 − y), z = τ·logit(y) − logit(p).
 * It equals the two-class Concrete density at x = (y, 1 − y). `rsample` is reparameterized; `sample` gives
 * the same values without gradient. Implements the shared `ReparameterizedDistribution` contract (family
 * 'RelaxedBernoulli', support 'unit-interval', eventShape []). Tensors passed in stay the caller's; arrays
 * are converted to tensors this object owns and frees in `dispose()`.
 *
 * @see Maddison, Mnih & Teh 2017, arXiv:1611.00712 · Jang, Gu & Poole 2017, arXiv:1611.01144
 * @example
 * ```ts
 * const b = new RelaxedBernoulli({ probs: [0.1, 0.5, 0.9], temperature: 0.3 });
 * const y = b.sample([2], { seed: 4 });   // [2, 3], values in (0, 1), no gradient
 * const yr = b.rsample([2], { seed: 4 }); // the same values, differentiable in the parameters
 * b.logProb(y);                           // [2, 3]
 * b.dispose();
 * ```
 * @since 0.1.0
 */
export class RelaxedBernoulli implements ReparameterizedDistribution {
  /** The family tag of the distribution contract. @since 0.1.0 */
  readonly family = 'RelaxedBernoulli' as const;
  /** The draws lie in (0, 1). @since 0.1.0 */
  readonly support: Support = 'unit-interval';
  /** A scalar law: `[]`. @since 0.1.0 */
  readonly eventShape: readonly number[] = [];
  readonly temperature: number;
  readonly logits: Tensor | undefined;
  readonly probs: Tensor | undefined;
  readonly batchShape: number[];
  private readonly owned: Tensor[] = [];
  private readonly fn = 'RelaxedBernoulli';

  constructor(params: RelaxedBernoulliParams) {
    const fn = this.fn;
    if (params === undefined) fail(fn, 'params', 'an object { logits | probs, temperature }', params);
    checkOptions(fn, params, PARAM_KEYS, 'params');
    this.temperature = checkTemperature(fn, params.temperature, 'params.temperature');
    const { logits, probs, tensor, created } = takeLogitsOrProbs(fn, params);
    if (created) this.owned.push(created);
    this.logits = logits;
    this.probs = probs;
    this.batchShape = tensor.shape;
  }

  /** logit p = log p − log(1 − p) (or the logits as given): a new tensor. */
  logitsParameter(): Tensor {
    return tf.tidy(() => (this.logits ? tf.clone(this.logits) : tf.sub(tf.log(this.probs!), tf.log1p(tf.neg(this.probs!)))));
  }

  /** p = σ(logits) (or the probs as given): a new tensor. */
  probsParameter(): Tensor {
    return tf.tidy(() => (this.probs ? tf.clone(this.probs) : tf.sigmoid(this.logits!)));
  }

  /**
   * Draws y = σ((logit p + l)/τ), shape `[...sampleShape, ...batchShape]`, without gradient: the values of
   * {@link RelaxedBernoulli.rsample} with the same seed (or noise).
   * @since 0.1.0 (no gradient since 0.2.0)
   */
  sample(sampleShape: number[] = [], options?: RelaxedBernoulliSampleOptions): Tensor {
    const fn = `${this.fn}.sample`;
    return tf.tidy(fn, () => stopGradient(this.draw(fn, sampleShape, options)));
  }

  /**
   * Reparameterized draws y = σ((logit p + l)/τ), l = log u − log(1 − u), differentiable with respect to
   * the parameters.
   * @since 0.1.0
   */
  rsample(sampleShape: number[] = [], options?: RelaxedBernoulliSampleOptions): Tensor {
    const fn = `${this.fn}.rsample`;
    return tf.tidy(fn, () => this.draw(fn, sampleShape, options));
  }

  private draw(fn: string, sampleShape: number[], options: RelaxedBernoulliSampleOptions | undefined): Tensor {
    const { options: opts, seed } = checkSampleCall(fn, sampleShape, options, SAMPLE_KEYS);
    const shape = [...sampleShape, ...this.batchShape];
    if (opts.noise !== undefined) checkNoise(fn, opts.noise, shape, 'options.noise');
    const l = opts.noise !== undefined ? toFloat(fn, 'options.noise', opts.noise) : standardLogisticNoise(shape, seed);
    return tf.sigmoid(tf.div(tf.add(this.logitsParameter(), l), this.temperature));
  }

  /**
   * log p(y) for y in (0, 1), broadcast against the batch shape. y is clamped to [2⁻¹²⁶, 1 − 2⁻²⁴] so
   * that samples that saturated to 0 or 1 in float32 at small τ keep a finite density.
   */
  logProb(y: Tensor | TensorLike): Tensor {
    const fn = `${this.fn}.logProb`;
    checkFloatDtype(fn, 'y', y);
    return tf.tidy(fn, () => {
      const $y = tf.clipByValue(toFloat(fn, 'y', y), FLOAT32_TINY, FLOAT32_ONE_MINUS_EPS);
      const logY = tf.log($y);
      const log1mY = tf.log1p(tf.neg($y));
      const absZ = tf.abs(tf.sub(tf.mul(tf.sub(logY, log1mY), this.temperature), this.logitsParameter()));
      const logistic = tf.sub(tf.neg(absZ), tf.mul(tf.log1p(tf.exp(tf.neg(absZ))), 2));
      return tf.sub(tf.add(logistic, Math.log(this.temperature)), tf.add(logY, log1mY));
    });
  }

  /** p(y) = exp(log p(y)). */
  prob(y: Tensor | TensorLike): Tensor {
    return tf.tidy(() => tf.exp(this.logProb(y)));
  }

  /** Frees the tensors this object created from non-tensor parameters. */
  dispose(): void {
    for (const t of this.owned.splice(0)) t.dispose();
  }
}
