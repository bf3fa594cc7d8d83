/**
 * The Concrete distribution, in the simplex (RelaxedOneHotCategorical) and in log space
 * (ExpRelaxedOneHotCategorical).
 *
 * @see Maddison, Mnih & Teh 2017, "The Concrete Distribution: A Continuous Relaxation of Discrete Random
 *      Variables", ICLR, arXiv:1611.00712 (density: their Eq. 3.3 and appendix on the log-space variable).
 * @see Jang, Gu & Poole 2017, arXiv:1611.01144.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { logGammaTable } from './internal/log-factorial.js';
import { FLOAT32_TINY } from './internal/noise.js';
import { checkNoiseOptions, gumbelNoise, type NoiseOptions } from './internal/perturb.js';
import { checkShape, checkTemperature, fail, inferShape, nonDifferentiable, takeLogitsOrProbs, toFloat } from '@genmod-internal/core';

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
abstract class ConcreteBase {
  /** The temperature τ. */
  readonly temperature: number;
  /** The logits as given (undefined when built from `probs`). */
  readonly logits: Tensor | undefined;
  /** The probabilities as given (undefined when built from `logits`). */
  readonly probs: Tensor | undefined;
  /** The number of categories K. */
  readonly numCategories: number;
  readonly batchShape: number[];
  readonly eventShape: [number];
  private readonly owned: Tensor[] = [];

  protected constructor(
    protected readonly fn: string,
    params: RelaxedCategoricalParams,
  ) {
    if (params === null || typeof params !== 'object') fail(fn, 'params', 'an object { logits | probs, temperature }', params);
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

  /** y = logSoftmax((log π + g)/τ), shape `[...sampleShape, ...batchShape, K]`. */
  protected logSample(method: string, sampleShape: number[], options: NoiseOptions): Tensor {
    const fn = `${this.fn}.${method}`;
    checkShape(fn, sampleShape, 'sampleShape');
    const shape = [...sampleShape, ...this.batchShape, this.numCategories];
    const seed = checkNoiseOptions(fn, options, shape);
    return tf.tidy(() => tf.logSoftmax(tf.div(tf.add(this.logitsParameter(), gumbelNoise(fn, options, shape, seed)), this.temperature)));
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
    const fn = `${this.fn}.${method}`;
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

/**
 * The Concrete distribution (a.k.a. Gumbel-softmax, RelaxedOneHotCategorical) on the open simplex:
 * x = softmax((log π + g)/τ), g ~ Gumbel(0, 1) i.i.d., with the exact density
 *
 *   p(x) = Γ(K)·τ^(K−1)·Π_k (π_k·x_k^(−τ−1)) / (Σ_i π_i·x_i^(−τ))^K
 *
 * evaluated in log space with a logsumexp (log Γ(K) summed on the host in float64). As τ → 0 samples
 * approach one-hot vectors distributed as Categorical(π); `argmax x` is exactly Categorical(π) for every τ.
 *
 * `sample`/`rsample` are reparameterized: differentiable with respect to the logits (or probs).
 * Tensors passed in are used as they are (gradients flow to them) and stay the caller's; arrays are
 * converted to tensors this object owns and frees in `dispose()`.
 *
 * @see Maddison, Mnih & Teh 2017, arXiv:1611.00712 · Jang, Gu & Poole 2017, arXiv:1611.01144
 * @example
 * ```ts
 * const d = new RelaxedOneHotCategorical({ logits: [1, 0.5, -0.3], temperature: 0.5 });
 * const x = d.sample([4], { seed: 2 });    // [4, 3], rows on the simplex
 * const lp = d.logProb(x);                 // [4]
 * d.dispose();
 * ```
 * @since 0.1.0
 */
export class RelaxedOneHotCategorical extends ConcreteBase {
  constructor(params: RelaxedCategoricalParams) {
    super('RelaxedOneHotCategorical', params);
  }

  /**
   * Draws x = softmax((log π + g)/τ), shape `[...sampleShape, ...batchShape, K]`, differentiable with
   * respect to the parameters.
   */
  sample(sampleShape: number[] = [], options: NoiseOptions = {}): Tensor {
    return tf.tidy(`${this.fn}.sample`, () => tf.exp(this.logSample('sample', sampleShape, options)));
  }

  /** The same as {@link RelaxedOneHotCategorical.sample} (every Concrete sample is reparameterized). */
  rsample(sampleShape: number[] = [], options: NoiseOptions = {}): Tensor {
    return this.sample(sampleShape, options);
  }

  /**
   * log p(x) = log Γ(K) + (K−1)·log τ + Σ_k (log π_k − (τ+1)·log x_k) − K·logsumexp_k(log π_k − τ·log x_k),
   * the density with respect to Lebesgue measure on the first K − 1 coordinates. Coordinates of x below
   * the smallest normal float32 (samples that underflowed to 0 at small τ) are read as 2⁻¹²⁶.
   *
   * @param x points on the simplex `[..., K]`, broadcast against the batch shape
   * @returns float32 `[...]` (x's shape without the last axis, broadcast with the batch shape)
   */
  logProb(x: Tensor | TensorLike): Tensor {
    const fn = `${this.fn}.logProb`;
    this.checkPoint('logProb', x, 'x');
    return tf.tidy(fn, () => {
      const $x = toFloat(fn, 'x', x);
      const y = tf.log(tf.maximum($x, FLOAT32_TINY));
      const logPi = this.logitsParameter();
      const live = nonDifferentiable((l) => tf.isFinite(l), logPi);
      // on a masked class only x_k = 0 is in the support: read it as y_k = −∞
      const keep = nonDifferentiable((l, v) => tf.logicalOr(tf.isFinite(l), tf.greater(v, 0)), logPi, $x);
      const yIn = tf.where(keep, y, tf.scalar(-Infinity));
      return tf.sub(this.logDensityOfLog(yIn), tf.sum(tf.where(live, y, tf.scalar(0)), -1));
    });
  }

  /** p(x) = exp(log p(x)). */
  prob(x: Tensor | TensorLike): Tensor {
    return tf.tidy(() => tf.exp(this.logProb(x)));
  }
}

/**
 * The Concrete variable in log space (ExpConcrete, TFP's ExpRelaxedOneHotCategorical): y = log x =
 * logSoftmax((log π + g)/τ), with
 *
 *   log p(y) = log Γ(K) + (K−1)·log τ + Σ_k (log π_k − τ·y_k) − K·logsumexp_k(log π_k − τ·y_k)
 *            = log p_Concrete(exp y) + Σ_k y_k.
 *
 * The numerically safe choice for training at small temperatures: y never underflows where x would, so
 * log-densities (e.g. the KL term of a relaxed discrete VAE) stay finite.
 *
 * @see Maddison, Mnih & Teh 2017, arXiv:1611.00712, appendix C
 * @example
 * ```ts
 * const q = new ExpRelaxedOneHotCategorical({ logits: [[2, 0, -1]], temperature: 0.1 });
 * const y = q.sample([], { seed: 5 });     // [1, 3], logsumexp(y) = 0
 * const lq = q.logProb(y);                 // [1]
 * q.dispose();
 * ```
 * @since 0.1.0
 */
export class ExpRelaxedOneHotCategorical extends ConcreteBase {
  constructor(params: RelaxedCategoricalParams) {
    super('ExpRelaxedOneHotCategorical', params);
  }

  /** Draws y = logSoftmax((log π + g)/τ), shape `[...sampleShape, ...batchShape, K]`, reparameterized. */
  sample(sampleShape: number[] = [], options: NoiseOptions = {}): Tensor {
    return tf.tidy(`${this.fn}.sample`, () => this.logSample('sample', sampleShape, options));
  }

  /** The same as {@link ExpRelaxedOneHotCategorical.sample}. */
  rsample(sampleShape: number[] = [], options: NoiseOptions = {}): Tensor {
    return this.sample(sampleShape, options);
  }

  /**
   * log p(y) for y = log x in log-simplex coordinates `[..., K]`.
   * @returns float32 `[...]`
   */
  logProb(y: Tensor | TensorLike): Tensor {
    const fn = `${this.fn}.logProb`;
    this.checkPoint('logProb', y, 'y');
    return tf.tidy(fn, () => this.logDensityOfLog(toFloat(fn, 'y', y)));
  }

  /** p(y) = exp(log p(y)). */
  prob(y: Tensor | TensorLike): Tensor {
    return tf.tidy(() => tf.exp(this.logProb(y)));
  }
}
