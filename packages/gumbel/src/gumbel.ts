/**
 * The Gumbel (type-I extreme value, maximum) distribution.
 *
 * @see Gumbel, E. J. (1954). Statistical theory of extreme values and some practical applications.
 * @see scipy.stats.gumbel_r, torch.distributions.Gumbel, tfp.distributions.Gumbel (the same law).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { standardGumbelNoise } from './internal/noise.js';
import { broadcastShapes, checkFloatDtype, checkOptions, checkPositive, fail, inferShape, stopGradient, toFloat, type ReparameterizedDistribution, type SampleOptions, type Support, checkSampleCall } from '@genmod-internal/core';
import { gumbelLogCdf, gumbelLogDensity } from './internal/gumbel-grad.js';

/**
 * The Euler–Mascheroni constant γ = lim (Σ_{k≤n} 1/k − log n), the mean of the standard Gumbel.
 * @see Gumbel 1954
 * @example
 * ```ts
 * EULER_GAMMA; // 0.5772156649015329
 * ```
 * @since 0.1.0
 */
export const EULER_GAMMA = 0.5772156649015329;

const PARAM_KEYS = ['loc', 'scale'] as const;
const SAMPLE_KEYS = ['seed'] as const;

/**
 * Parameters of {@link Gumbel}: density (1/β)·exp(−(z + e^(−z))), z = (x − μ)/β (Gumbel 1954).
 * @example
 * ```ts
 * const p: GumbelParams = { loc: [0, 1], scale: 2 };
 * ```
 * @since 0.1.0
 */
export interface GumbelParams {
  /** location μ, any shape (the batch shape is the broadcast of `loc` and `scale`) */
  loc: Tensor | TensorLike;
  /** scale β > 0 */
  scale: Tensor | TensorLike;
}

/**
 * Gumbel(μ, β): density (1/β)·exp(−(z + e^(−z))), CDF exp(−e^(−z)), with z = (x − μ)/β.
 *
 * Parameters broadcast against each other and against `x`. Tensors passed in are used as they are (so
 * gradients flow to them) and stay the caller's; arrays and numbers are converted to tensors that this
 * object owns and frees in {@link Gumbel.dispose}. Implements the shared `ReparameterizedDistribution`
 * contract (family 'Gumbel', support 'real', eventShape []): `rsample` is pathwise, `sample` carries no
 * gradient.
 *
 * @see Gumbel 1954 · scipy.stats.gumbel_r
 * @example
 * ```ts
 * const d = new Gumbel({ loc: 0, scale: 2 });
 * d.logProb([0, 1, 5]).print();      // log-density at three points
 * d.sample([100], { seed: 1 });      // shape [100], no gradient
 * d.rsample([100], { seed: 1 });     // the same values, differentiable in loc and scale
 * d.dispose();
 * ```
 * @since 0.1.0
 */
export class Gumbel implements ReparameterizedDistribution {
  /** The family tag of the distribution contract. @since 0.1.0 */
  readonly family = 'Gumbel' as const;
  /** The draws are real numbers. @since 0.1.0 */
  readonly support: Support = 'real';
  /** A scalar law: `[]`. @since 0.1.0 */
  readonly eventShape: readonly number[] = [];
  readonly loc: Tensor;
  readonly scale: Tensor;
  /** The broadcast shape of `loc` and `scale`. */
  readonly batchShape: number[];
  private readonly owned: Tensor[] = [];

  constructor(params: GumbelParams) {
    const fn = 'Gumbel';
    if (params === undefined) fail(fn, 'params', 'an object { loc, scale }', params);
    checkOptions(fn, params, PARAM_KEYS, 'params');
    if (params.loc === undefined) fail(fn, 'params.loc', 'a number or float32 tensor', params.loc);
    if (params.scale === undefined) fail(fn, 'params.scale', 'a number or float32 tensor', params.scale);
    checkFloatDtype(fn, 'params.loc', params.loc);
    checkFloatDtype(fn, 'params.scale', params.scale);
    this.batchShape = broadcastShapes(fn, 'params.loc and params.scale', inferShape(params.loc), inferShape(params.scale));
    const loc = toFloat(fn, 'params.loc', params.loc);
    if (loc !== params.loc) this.owned.push(loc);
    try {
      const scale = toFloat(fn, 'params.scale', params.scale);
      if (scale !== params.scale) this.owned.push(scale);
      checkPositive(fn, scale, 'params.scale');
      this.loc = loc;
      this.scale = scale;
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The standardized variable z = (x − μ)/β. */
  private z(x: Tensor): Tensor {
    return tf.div(tf.sub(x, this.loc), this.scale);
  }

  private input(method: string, x: Tensor | TensorLike): Tensor {
    return toFloat(`Gumbel.${method}`, 'x', x);
  }

  /**
   * Draws x = μ + β·g, g = −log(−log u) (u clamped as in {@link sampleGumbel}), without gradient: the same
   * values as {@link Gumbel.rsample} with the same seed.
   * @param sampleShape leading sample dimensions; the result has shape `[...sampleShape, ...batchShape]`
   * @since 0.1.0 (no gradient since 0.2.0)
   */
  sample(sampleShape: number[] = [], options?: SampleOptions): Tensor {
    return tf.tidy('Gumbel.sample', () => stopGradient(this.draw('Gumbel.sample', sampleShape, options)));
  }

  /**
   * Reparameterized draws x = μ + β·g (the pathwise estimator): differentiable with respect to μ and β.
   * @since 0.1.0
   */
  rsample(sampleShape: number[] = [], options?: SampleOptions): Tensor {
    return tf.tidy('Gumbel.rsample', () => this.draw('Gumbel.rsample', sampleShape, options));
  }

  private draw(fn: string, sampleShape: number[], options: SampleOptions | undefined): Tensor {
    const { seed } = checkSampleCall(fn, sampleShape, options, SAMPLE_KEYS);
    return tf.add(this.loc, tf.mul(this.scale, standardGumbelNoise([...sampleShape, ...this.batchShape], seed)));
  }

  /**
   * log p(x) = −log β − z − e^(−z), z = (x − μ)/β; −Infinity where e^(−z) overflows float32 (z < −88.7,
   * the true value is below −3.4e38 there).
   *
   * The gradient is written out rather than taped (tfjs's division gradient squares β, and e^(−z) overflows
   * before it is divided by β): ∂/∂x = −∂/∂μ = expm1(−z)/β and ∂/∂β = −(1 + z·expm1(−z))/β, evaluated as
   * exp(−z − log β) and exp(log(−z) − z − log β) in the far left tail, so both are finite and correct for
   * β from 1e−38 to 1e38 wherever the true value is a finite float32, including where e^(−z) overflows
   * (e.g. z = −100, β = 1e30: ∂/∂β = 2.7e15).
   */
  logProb(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Gumbel.logProb', () => gumbelLogDensity(tf.sub(this.input('logProb', x), this.loc), this.scale));
  }

  /** p(x) = exp(log p(x)). */
  prob(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Gumbel.prob', () => tf.exp(this.logProb(x)));
  }

  /** F(x) = exp(−e^(−z)). */
  cdf(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Gumbel.cdf', () => tf.exp(this.logCdf(x)));
  }

  /**
   * log F(x) = −e^(−z); −Infinity where e^(−z) overflows (z < −88.7). Its gradient is written out as for
   * {@link Gumbel.logProb}: ∂/∂x = −∂/∂μ = e^(−z)/β, ∂/∂β = −z·e^(−z)/β (in log space where e^(−z)
   * overflows), finite and correct wherever the true value is a finite float32.
   */
  logCdf(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Gumbel.logCdf', () => gumbelLogCdf(tf.sub(this.input('logCdf', x), this.loc), this.scale));
  }

  /** The survival function 1 − F(x) = −expm1(−e^(−z)), accurate in the right tail. */
  survivalFunction(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Gumbel.survivalFunction', () => tf.neg(tf.expm1(this.logCdf(x))));
  }

  /** The quantile function F⁻¹(p) = μ − β·log(−log p), for p in (0, 1). */
  quantile(p: Tensor | TensorLike): Tensor {
    return tf.tidy('Gumbel.quantile', () => {
      const $p = toFloat('Gumbel.quantile', 'p', p);
      return tf.sub(this.loc, tf.mul(this.scale, tf.log(tf.neg(tf.log($p)))));
    });
  }

  /** E[X] = μ + β·γ (γ the Euler–Mascheroni constant). */
  mean(): Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, EULER_GAMMA)));
  }

  /** Var[X] = π²β²/6. */
  variance(): Tensor {
    return tf.tidy(() => tf.mul(tf.square(this.broadcastScale()), (Math.PI * Math.PI) / 6));
  }

  /** sd[X] = πβ/√6. */
  stddev(): Tensor {
    return tf.tidy(() => tf.mul(this.broadcastScale(), Math.PI / Math.sqrt(6)));
  }

  /** The mode, μ. */
  mode(): Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.zerosLike(this.scale)));
  }

  /** The median, μ − β·log(log 2). */
  median(): Tensor {
    return tf.tidy(() => tf.sub(this.loc, tf.mul(this.scale, Math.log(Math.LN2))));
  }

  /** The differential entropy H = log β + γ + 1 (nats). */
  entropy(): Tensor {
    return tf.tidy(() => tf.add(tf.log(this.broadcastScale()), EULER_GAMMA + 1));
  }

  private broadcastScale(): Tensor {
    return tf.add(this.scale, tf.zerosLike(this.loc));
  }

  /** Frees the tensors this object created from non-tensor parameters. */
  dispose(): void {
    for (const t of this.owned.splice(0)) t.dispose();
  }
}
