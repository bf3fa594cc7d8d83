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

  private width(): Tensor {
    return tf.sub(this.high, this.low);
  }

  /** z = low + (high − low)·u for a validated shape, without gradient when `detach`. */
  private draw(fn: string, sampleShape: number[], options: ReparameterizedSampleOptions | undefined, detach: boolean): Tensor {
    const { shape, seed } = checkSampleArgs(fn, sampleShape, options, this.batchShape, [], true);
    return tf.tidy(fn, () => {
      const z = tf.add(this.low, tf.mul(this.width(), noiseOr(fn, options, () => uniformNoise(shape, seed))));
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

  /** log p(x) = −log(high − low) on [low, high), −Infinity outside. */
  logProb(x: Tensor | TensorLike): Tensor {
    const fn = 'Uniform.logProb';
    checkTensorArg(fn, 'x', x);
    return tf.tidy(fn, () => {
      const $x = toFloat(fn, 'x', x);
      const inside = nonDifferentiable((v, lo, hi) => tf.logicalAnd(tf.greaterEqual(v, lo), tf.less(v, hi)), $x, this.low, this.high);
      const shape = tf.broadcast_util.assertAndGetBroadcastShape($x.shape, this.batchShape);
      const lp = tf.broadcastTo(tf.neg(tf.log(this.width())), shape);
      return tf.where(inside, lp, tf.fill(shape, -Infinity));
    });
  }

  /** p(x) = exp(log p(x)). */
  prob(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Uniform.prob', () => tf.exp(this.logProb(x)));
  }

  /** F(x) = clip((x − low)/(high − low), 0, 1). */
  cdf(x: Tensor | TensorLike): Tensor {
    const fn = 'Uniform.cdf';
    checkTensorArg(fn, 'x', x);
    return tf.tidy(fn, () => tf.clipByValue(tf.div(tf.sub(toFloat(fn, 'x', x), this.low), this.width()), 0, 1));
  }

  /** H = log(high − low). */
  entropy(): Tensor {
    return tf.tidy('Uniform.entropy', () => tf.broadcastTo(tf.log(this.width()), this.batchShape));
  }

  /** E[X] = (low + high)/2. */
  mean(): Tensor {
    return tf.tidy('Uniform.mean', () => tf.broadcastTo(tf.mul(tf.add(this.low, this.high), 0.5), this.batchShape));
  }

  /** Var[X] = (high − low)²/12. */
  variance(): Tensor {
    return tf.tidy('Uniform.variance', () => tf.broadcastTo(tf.div(tf.square(this.width()), 12), this.batchShape));
  }

  /** sd[X] = (high − low)/√12. */
  stddev(): Tensor {
    return tf.tidy('Uniform.stddev', () => tf.broadcastTo(tf.div(this.width(), Math.sqrt(12)), this.batchShape));
  }

  /** Frees the tensors this object created from arrays and numbers. */
  dispose(): void {
    this.owned.dispose();
  }
}
