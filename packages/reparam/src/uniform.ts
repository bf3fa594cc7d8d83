/**
 * The continuous uniform distribution on [low, high), reparameterized as z = low + (high − low)·u.
 *
 * @see scipy.stats.uniform, torch.distributions.Uniform, tfp.distributions.Uniform (the same law).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { broadcastShapes, checkTensorArg, fail, nonDifferentiable, stopGradient, toFloat, uniformNoise, type ReparameterizedDistribution } from '@genmod-internal/core';
import { Owned, checkParams, checkSampleArgs, noiseOr, readMin } from './internal/params.js';
import type { ReparameterizedSampleOptions } from './distribution.js';
import { standardize } from './internal/standardize.js';

/**
 * Parameters of {@link Uniform}: the bounds of [low, high), density 1/(high − low). Unknown keys throw.
 * @example
 * ```ts
 * const p: UniformParams = { low: [0, -1], high: [1, 3] };
 * ```
 * @since 0.1.0
 */
export interface UniformParams {
  /** lower bound (inclusive), any shape */
  low: Tensor | TensorLike;
  /** upper bound (exclusive), > low everywhere */
  high: Tensor | TensorLike;
}

/**
 * Uniform(low, high): density 1/(high − low) on [low, high), 0 elsewhere.
 *
 * `rsample` returns z = low + (high − low)·u, u ~ U(0, 1), differentiable in both bounds (∂z/∂low = 1 − u,
 * ∂z/∂high = u); `sample` gives the values without gradient. Ownership as for {@link Normal}.
 * Every method works for any finite bounds, also where high − low exceeds the float32 range (it goes
 * through the half-width (high − low)/2): `variance` alone is +Infinity, where the true value overflows.
 *
 * @see Devroye 1986, *Non-Uniform Random Variate Generation*, Springer, §II.2 (location-scale transforms of U(0, 1)) · torch.distributions.Uniform
 * @example
 * ```ts
 * const d = new Uniform({ low: [0, -1], high: [1, 3] });
 * d.logProb([0.5, 4]);                  // [0, −Infinity]
 * d.rsample([10], { seed: 2 });         // [10, 2]
 * d.dispose();
 * ```
 * @since 0.1.0
 */
export class Uniform implements ReparameterizedDistribution {
  /** The family tag: `'Uniform'`. */
  readonly family = 'Uniform' as const;
  /** Draws lie in the interval [low, high). */
  readonly support = 'interval' as const;
  readonly low: Tensor;
  readonly high: Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  private readonly owned = new Owned();

  constructor(params: UniformParams) {
    const fn = 'Uniform';
    const [lowShape, highShape] = checkParams(fn, params, ['low', 'high'], ['low', 'high']);
    this.batchShape = broadcastShapes(fn, 'params.low and params.high', lowShape!, highShape!);
    try {
      this.low = this.owned.float(fn, 'params.low', params.low);
      this.high = this.owned.float(fn, 'params.high', params.high);
      const gap = tf.sub(this.high, this.low);
      const lo = readMin(gap);
      gap.dispose();
      if (!(lo > 0)) fail(fn, 'params.high', 'greater than params.low everywhere', `a minimum of high − low = ${lo}`);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /**
   * The half-width h = high/2 − low/2 = (high − low)/2: finite for any finite bounds (high − low itself
   * overflows float32 once it exceeds 3.4e38, e.g. low = −3e38, high = 3e38). Halving is exact for normal
   * floats, so h is the rounded (high − low)/2 exactly.
   */
  private halfWidth(): Tensor {
    return tf.sub(tf.mul(this.high, 0.5), tf.mul(this.low, 0.5));
  }

  /** log(high − low) = log h + log 2. */
  private logWidth(): Tensor {
    return tf.add(tf.log(this.halfWidth()), Math.LN2);
  }

  /**
   * z = low + (high − low)·u for a validated shape, or (low + h·u) + h·u where high − low overflows (each
   * partial sum lies in [low, high]), without gradient when `detach`.
   */
  private draw(fn: string, sampleShape: number[], options: ReparameterizedSampleOptions | undefined, detach: boolean): Tensor {
    const { shape, seed } = checkSampleArgs(fn, sampleShape, options, this.batchShape, [], true);
    return tf.tidy(fn, () => {
      const u = noiseOr(fn, options, () => uniformNoise(shape, seed));
      const w = tf.sub(this.high, this.low);
      const finite = nonDifferentiable((v) => tf.isFinite(v), w);
      const direct = tf.add(this.low, tf.mul(tf.where(finite, w, tf.zerosLike(w)), u));
      const hu = tf.mul(this.halfWidth(), u);
      const z = tf.where(finite, direct, tf.add(tf.add(this.low, hu), hu));
      return detach ? stopGradient(z) : z;
    });
  }

  /** z = low + (high − low)·u, u ~ U(0, 1) (`options.noise` is u), shape `[...sampleShape, ...batchShape]`. */
  rsample(sampleShape: number[] = [], options?: ReparameterizedSampleOptions): Tensor {
    return this.draw('Uniform.rsample', sampleShape, options, false);
  }

  /** The values of {@link Uniform.rsample} (the same seed, the same values), without gradient. */
  sample(sampleShape: number[] = [], options?: ReparameterizedSampleOptions): Tensor {
    return this.draw('Uniform.sample', sampleShape, options, true);
  }

  /**
   * log p(x) = −log(high − low) on [low, high), −Infinity outside; computed as −(log h + log 2) with the
   * half-width h, so it is finite for any finite bounds (−89.3 for low = −3e38, high = 3e38).
   */
  logProb(x: Tensor | TensorLike): Tensor {
    const fn = 'Uniform.logProb';
    checkTensorArg(fn, 'x', x);
    return tf.tidy(fn, () => {
      const $x = toFloat(fn, 'x', x);
      const inside = nonDifferentiable((v, lo, hi) => tf.logicalAnd(tf.greaterEqual(v, lo), tf.less(v, hi)), $x, this.low, this.high);
      const shape = tf.broadcast_util.assertAndGetBroadcastShape($x.shape, this.batchShape);
      const lp = tf.broadcastTo(tf.neg(this.logWidth()), shape);
      return tf.where(inside, lp, tf.fill(shape, -Infinity));
    });
  }

  /** p(x) = exp(log p(x)). */
  prob(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Uniform.prob', () => tf.exp(this.logProb(x)));
  }

  /**
   * F(x) = clip((x − low)/(high − low), 0, 1), computed as (x/2 − low/2)/h (the same rounded value for
   * normal floats, and no overflow when x − low or high − low exceed 3.4e38). The gradient never squares h:
   * ∂F/∂high = −F/(high − low) is finite for widths down to 1e−38.
   */
  cdf(x: Tensor | TensorLike): Tensor {
    const fn = 'Uniform.cdf';
    checkTensorArg(fn, 'x', x);
    return tf.tidy(fn, () => tf.clipByValue(standardize(tf.sub(tf.mul(toFloat(fn, 'x', x), 0.5), tf.mul(this.low, 0.5)), this.halfWidth(), false), 0, 1));
  }

  /** H = log(high − low) = log h + log 2, finite for any finite bounds. */
  entropy(): Tensor {
    return tf.tidy('Uniform.entropy', () => tf.broadcastTo(this.logWidth(), this.batchShape));
  }

  /** E[X] = low/2 + high/2 (no overflow of low + high). */
  mean(): Tensor {
    return tf.tidy('Uniform.mean', () => tf.broadcastTo(tf.add(tf.mul(this.low, 0.5), tf.mul(this.high, 0.5)), this.batchShape));
  }

  /**
   * Var[X] = (high − low)²/12 = (h/√3)²: +Infinity only where the true variance exceeds the float32 range
   * (high − low > 6.4e19).
   */
  variance(): Tensor {
    return tf.tidy('Uniform.variance', () => tf.broadcastTo(tf.square(tf.mul(this.halfWidth(), 1 / Math.sqrt(3))), this.batchShape));
  }

  /** sd[X] = (high − low)/√12 = h/√3, finite for any finite bounds. */
  stddev(): Tensor {
    return tf.tidy('Uniform.stddev', () => tf.broadcastTo(tf.mul(this.halfWidth(), 1 / Math.sqrt(3)), this.batchShape));
  }

  /** Frees the tensors this object created from arrays and numbers. */
  dispose(): void {
    this.owned.dispose();
  }
}
