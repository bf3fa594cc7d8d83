/**
 * The logistic distribution, reparameterized through its inverse CDF: z = μ + s·(log u − log(1 − u)).
 *
 * @see Balakrishnan (ed.) 1992, *Handbook of the Logistic Distribution*, Marcel Dekker.
 * @see scipy.stats.logistic, torch's TransformedDistribution(Uniform, [Sigmoid⁻¹, Affine]), tfp.distributions.Logistic.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { broadcastShapes, checkPositive, checkTensorArg, clampedUniform, stopGradient, toFloat, type ReparameterizedDistribution } from '@genmod-internal/core';
import { Owned, checkParams, checkSampleArgs, noiseOr } from './internal/params.js';
import type { ReparameterizedSampleOptions } from './distribution.js';
import { standardize } from './internal/standardize.js';

/**
 * Parameters of {@link Logistic}: location μ and scale s > 0, CDF σ((x − μ)/s) (Balakrishnan 1992).
 * Unknown keys throw.
 * @example
 * ```ts
 * const p: LogisticParams = { loc: 0, scale: 2 };
 * ```
 * @since 0.1.0
 */
export interface LogisticParams {
  /** location μ, any shape */
  loc: Tensor | TensorLike;
  /** scale s > 0 */
  scale: Tensor | TensorLike;
}

/**
 * Logistic(μ, s): CDF σ((x − μ)/s), density e^(−z)/(s·(1 + e^(−z))²), z = (x − μ)/s.
 *
 * `rsample` returns z = μ + s·l with l = log u − log(1 − u) standard logistic noise (u clamped to
 * [2⁻¹²⁶, 1 − 2⁻²⁴], so l is finite), differentiable in μ and s; `sample` gives the values without gradient.
 * Ownership as for {@link Normal}.
 *
 * @see Balakrishnan 1992 · scipy.stats.logistic
 * @example
 * ```ts
 * const d = new Logistic({ loc: 0, scale: 2 });
 * d.cdf([0, 2]);                        // [0.5, 0.731]
 * const z = d.rsample([5], { seed: 1 }); // [5]
 * d.dispose();
 * ```
 * @since 0.1.0
 */
export class Logistic implements ReparameterizedDistribution {
  /** The family tag: `'Logistic'`. */
  readonly family = 'Logistic' as const;
  /** Draws are real numbers. */
  readonly support = 'real' as const;
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  private readonly owned = new Owned();

  constructor(params: LogisticParams) {
    const fn = 'Logistic';
    const [locShape, scaleShape] = checkParams(fn, params, ['loc', 'scale'], ['loc', 'scale']);
    this.batchShape = broadcastShapes(fn, 'params.loc and params.scale', locShape!, scaleShape!);
    try {
      this.loc = this.owned.float(fn, 'params.loc', params.loc);
      this.scale = this.owned.float(fn, 'params.scale', params.scale);
      checkPositive(fn, this.scale, 'params.scale');
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** z = (x − μ)/s, with ∂z/∂s = −z/s computed as −(z/s)·dy (never dividing by s², which over- and underflows). */
  private z(fn: string, x: Tensor | TensorLike): Tensor {
    return standardize(tf.sub(toFloat(fn, 'x', x), this.loc), this.scale, false);
  }

  /** z = μ + s·l for a validated shape, without gradient when `detach`. */
  private draw(fn: string, sampleShape: number[], options: ReparameterizedSampleOptions | undefined, detach: boolean): Tensor {
    const { shape, seed } = checkSampleArgs(fn, sampleShape, options, this.batchShape, [], true);
    return tf.tidy(fn, () => {
      const l = noiseOr(fn, options, () => {
        const u = clampedUniform(shape, seed);
        return tf.sub(tf.log(u), tf.log1p(tf.neg(u)));
      });
      const z = tf.add(this.loc, tf.mul(this.scale, l));
      return detach ? stopGradient(z) : z;
    });
  }

  /** z = μ + s·l, l standard logistic (`options.noise` is l), shape `[...sampleShape, ...batchShape]`. */
  rsample(sampleShape: number[] = [], options?: ReparameterizedSampleOptions): Tensor {
    return this.draw('Logistic.rsample', sampleShape, options, false);
  }

  /** The values of {@link Logistic.rsample} (the same seed, the same values), without gradient. */
  sample(sampleShape: number[] = [], options?: ReparameterizedSampleOptions): Tensor {
    return this.draw('Logistic.sample', sampleShape, options, true);
  }

  /**
   * log p(x) = −|z| − 2·log1p(e^(−|z|)) − log s, z = (x − μ)/s (symmetric in z, exact for |z| up to the
   * float32 range, and −Infinity, not NaN, where z is ±Infinity in float32). The gradient in s,
   * (z·tanh(z/2) − 1)/s, is finite and correct for s from 1e−38 to 1e38 wherever it is a finite float32.
   */
  logProb(x: Tensor | TensorLike): Tensor {
    const fn = 'Logistic.logProb';
    checkTensorArg(fn, 'x', x);
    return tf.tidy(fn, () => {
      const a = tf.abs(this.z(fn, x));
      return tf.sub(tf.sub(tf.neg(a), tf.mul(tf.log1p(tf.exp(tf.neg(a))), 2)), tf.log(this.scale));
    });
  }

  /** p(x) = exp(log p(x)). */
  prob(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Logistic.prob', () => tf.exp(this.logProb(x)));
  }

  /** F(x) = σ((x − μ)/s). */
  cdf(x: Tensor | TensorLike): Tensor {
    const fn = 'Logistic.cdf';
    checkTensorArg(fn, 'x', x);
    return tf.tidy(fn, () => tf.sigmoid(this.z(fn, x)));
  }

  /** The quantile function F⁻¹(p) = μ + s·log(p/(1 − p)), p in (0, 1). */
  quantile(p: Tensor | TensorLike): Tensor {
    const fn = 'Logistic.quantile';
    checkTensorArg(fn, 'p', p);
    return tf.tidy(fn, () => {
      const $p = toFloat(fn, 'p', p);
      return tf.add(this.loc, tf.mul(this.scale, tf.sub(tf.log($p), tf.log1p(tf.neg($p)))));
    });
  }

  /** H = log s + 2 (nats), `batchShape`. */
  entropy(): Tensor {
    return tf.tidy('Logistic.entropy', () => tf.broadcastTo(tf.add(tf.log(this.scale), 2), this.batchShape));
  }

  /** E[X] = μ. */
  mean(): Tensor {
    return tf.tidy('Logistic.mean', () => tf.broadcastTo(this.loc, this.batchShape));
  }

  /** Var[X] = s²·π²/3. */
  variance(): Tensor {
    return tf.tidy('Logistic.variance', () => tf.broadcastTo(tf.mul(tf.square(this.scale), (Math.PI * Math.PI) / 3), this.batchShape));
  }

  /** sd[X] = s·π/√3. */
  stddev(): Tensor {
    return tf.tidy('Logistic.stddev', () => tf.broadcastTo(tf.mul(this.scale, Math.PI / Math.sqrt(3)), this.batchShape));
  }

  /** Frees the tensors this object created from arrays and numbers. */
  dispose(): void {
    this.owned.dispose();
  }
}
