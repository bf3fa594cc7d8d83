/**
 * The machinery shared by the two Concrete parameterizations (RelaxedOneHotCategorical and
 * ExpRelaxedOneHotCategorical): parameters, temperature, seeded and reparameterized draws, and the
 * log-space density.
 *
 * @see Maddison, Mnih & Teh 2017, arXiv:1611.00712 (Eq. 3.3 and appendix C).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { logGammaTable } from './log-factorial.js';
import { checkNoiseOptions, gumbelNoise, NOISE_KEYS, type NoiseOptions } from './perturb.js';
import { checkOptions, checkTemperature, fail, inferShape, nonDifferentiable, stopGradient, takeLogitsOrProbs, type Support, checkSampleCall } from '@genmod-internal/core';

const PARAM_KEYS = ['logits', 'probs', 'temperature'] as const;

/**
 * Parameters of {@link RelaxedOneHotCategorical} and {@link ExpRelaxedOneHotCategorical}: x = softmax((log π + g)/τ)
 * (Maddison, Mnih & Teh 2017).
 * @example
 * ```ts
 * const p: RelaxedCategoricalParams = { logits: [1, 0.5, -0.3], temperature: 0.5 };
 * ```
 * @since 0.1.0
 */
export interface RelaxedCategoricalParams {
  /** unnormalized log-probabilities `[...batch, K]`; −Infinity masks a class (give this or `probs`) */
  logits?: Tensor | TensorLike;
  /** probabilities in [0, 1] `[...batch, K]`, normalized along the last axis (give this or `logits`) */
  probs?: Tensor | TensorLike;
  /** temperature τ > 0 */
  temperature: number;
}

/**
 * Shared machinery of the two Concrete parameterizations: the parameter, the temperature, sampling of
 * y = logSoftmax((logits + g)/τ), and the log-space density.
 */
export abstract class ConcreteBase<F extends string> {
  /** The family tag of the distribution contract (the class name). @since 0.1.0 */
  readonly family: F;
  /** The set the draws live in ('simplex' or 'log-simplex'). @since 0.1.0 */
  readonly support: Support;
  /** The temperature τ. */
  readonly temperature: number;
  /** The logits as given (undefined when built from `probs`). */
  readonly logits: Tensor | undefined;
  /** The probabilities as given (undefined when built from `logits`). */
  readonly probs: Tensor | undefined;
  /** The number of categories K. */
  readonly numCategories: number;
  /** The shape of independent laws: the parameter's shape without its last axis. */
  readonly batchShape: number[];
  /** One draw is a vector of K coordinates: `[K]`. */
  readonly eventShape: [number];
  private readonly owned: Tensor[] = [];

  protected constructor(family: F, support: Support, params: RelaxedCategoricalParams) {
    const fn = family;
    this.family = family;
    this.support = support;
    if (params === undefined) fail(fn, 'params', 'an object { logits | probs, temperature }', params);
    checkOptions(fn, params, PARAM_KEYS, 'params');
    this.temperature = checkTemperature(fn, params.temperature, 'params.temperature');
    const { logits, probs, tensor, created } = takeLogitsOrProbs(fn, params, { categorical: true });
    if (created) this.owned.push(created);
    this.logits = logits;
    this.probs = probs;
    const shape = tensor.shape;
    this.numCategories = shape[shape.length - 1]!;
    this.batchShape = shape.slice(0, -1);
    this.eventShape = [this.numCategories];
  }

  /** log π = logSoftmax(logits), or log(probs / Σ probs): a new tensor. */
  logitsParameter(): Tensor {
    return tf.tidy(() => (this.logits ? tf.logSoftmax(this.logits) : tf.sub(tf.log(this.probs!), tf.log(tf.sum(this.probs!, -1, true)))));
  }

  /** π = softmax(logits), or probs / Σ probs: a new tensor. */
  probsParameter(): Tensor {
    return tf.tidy(() => tf.exp(this.logitsParameter()));
  }

  /** log p at a point of the support, `[...sampleShape, ...batchShape]`. */
  abstract logProb(x: Tensor | TensorLike): Tensor;

  /** p = exp(log p). */
  prob(x: Tensor | TensorLike): Tensor {
    return tf.tidy(() => tf.exp(this.logProb(x)));
  }

  /** The draw from its log-space form y (x = exp y on the simplex, y itself in log space). */
  protected abstract fromLog(y: Tensor): Tensor;

  /**
   * Draws `[...sampleShape, ...batchShape, K]` without gradient: the values of `rsample` with the same seed
   * (or noise).
   * @since 0.1.0 (no gradient since 0.2.0)
   */
  sample(sampleShape: number[] = [], options?: NoiseOptions): Tensor {
    const fn = `${this.family}.sample`;
    return tf.tidy(fn, () => stopGradient(this.fromLog(this.logSample(fn, sampleShape, options))));
  }

  /**
   * Reparameterized draws `[...sampleShape, ...batchShape, K]`, differentiable with respect to the logits
   * (or probs): the pathwise estimator through y = logSoftmax((log π + g)/τ).
   * @since 0.1.0
   */
  rsample(sampleShape: number[] = [], options?: NoiseOptions): Tensor {
    const fn = `${this.family}.rsample`;
    return tf.tidy(fn, () => this.fromLog(this.logSample(fn, sampleShape, options)));
  }

  /** y = logSoftmax((log π + g)/τ), shape `[...sampleShape, ...batchShape, K]`; g seeded by deriveSeed(seed). */
  private logSample(fn: string, sampleShape: number[], options: NoiseOptions | undefined): Tensor {
    const { options: opts } = checkSampleCall(fn, sampleShape, options, NOISE_KEYS);
    const shape = [...sampleShape, ...this.batchShape, this.numCategories];
    const seed = checkNoiseOptions(fn, opts, shape);
    return tf.logSoftmax(tf.div(tf.add(this.logitsParameter(), gumbelNoise(fn, opts, shape, seed)), this.temperature));
  }

  /**
   * The log-density of the log-space variable y = log x (ExpRelaxed / ExpConcrete):
   *
   *   log p(y) = log Γ(K) + (K−1)·log τ + Σ_k (log π_k − τ·y_k) − K·logsumexp_k(log π_k − τ·y_k)
   *
   * Classes with π_k = 0 (masked) are left out, with K counting the others; a point that puts mass on a
   * masked class has log-density −Infinity.
   */
  protected logDensityOfLog(y: Tensor): Tensor {
    const tau = this.temperature;
    const logPi = this.logitsParameter();
    const live = nonDifferentiable((l) => tf.isFinite(l), logPi);
    const zero = tf.scalar(0);
    // K per batch element (masked classes left out) and log Γ(K), looked up in a float64-built table
    const nLive = nonDifferentiable((l) => tf.sum(tf.cast(tf.isFinite(l), 'float32'), -1), logPi);
    const table = logGammaTable(this.numCategories);
    const logGammaK = nonDifferentiable((n) => tf.gather(tf.tensor1d(table, 'float32'), tf.cast(n, 'int32')), nLive);
    // a_k = log π_k − τ·y_k on live classes, 0 on masked ones (so sums skip them)
    const a = tf.sub(tf.where(live, logPi, zero), tf.mul(tf.where(live, y, zero), tau));
    const lse = tf.logSumExp(tf.where(live, a, tf.scalar(-Infinity)), -1);
    const body = tf.add(tf.add(logGammaK, tf.mul(tf.sub(nLive, 1), Math.log(tau))), tf.sub(tf.sum(a, -1), tf.mul(nLive, lse)));
    // mass on a masked class (y_k > −∞ where π_k = 0) has probability zero
    const offSupport = nonDifferentiable((l, v) => tf.any(tf.logicalAnd(tf.logicalNot(tf.isFinite(l)), tf.greater(v, -Infinity)), -1), logPi, y);
    return tf.where(offSupport, tf.scalar(-Infinity), body);
  }

  protected checkPoint(method: string, x: Tensor | TensorLike, arg: string): void {
    const fn = `${this.family}.${method}`;
    const shape = inferShape(x);
    if (shape.length === 0 || shape[shape.length - 1] !== this.numCategories) {
      fail(fn, arg, `a float32 tensor of shape [..., K] with K = ${this.numCategories}`, x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
    }
  }

  /** Frees the tensors this object created from non-tensor parameters. */
  dispose(): void {
    for (const t of this.owned.splice(0)) t.dispose();
  }
}
