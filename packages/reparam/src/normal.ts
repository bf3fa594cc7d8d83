/**
 * The Normal (Gaussian) distribution, reparameterized as z = μ + σ·ε, ε ~ N(0, 1), with the constructors
 * a VAE encoder needs (mean and log-variance, or mean and log-scale heads).
 *
 * @see Kingma & Welling 2014, "Auto-Encoding Variational Bayes", ICLR, arXiv:1312.6114 (§2.4, Eq. 10).
 * @see Rezende, Mohamed & Wierstra 2014, "Stochastic Backpropagation and Approximate Inference in Deep
 *      Generative Models", ICML, arXiv:1401.4082.
 * @see scipy.stats.norm, torch.distributions.Normal, tfp.distributions.Normal (the same law).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { HALF_LOG_TWO_PI, broadcastShapes, checkPositive, checkTensorArg, fail, normalNoise, stopGradient, toFloat, type NormalLaw } from '@genmod-internal/core';
import { Owned, checkParams, checkSampleArgs, noiseOr } from './internal/params.js';
import type { ReparameterizedSampleOptions } from './distribution.js';
import { standardize } from './internal/standardize.js';

/**
 * Parameters of {@link Normal}: a mean μ and either the standard deviation σ or its logarithm log σ
 * (z = μ + σ·ε; Kingma & Welling 2014, arXiv:1312.6114). Unknown keys throw.
 * @example
 * ```ts
 * const p: NormalParams = { loc: [0, 1], logScale: [0, -1] };   // σ = [1, e⁻¹]
 * ```
 * @since 0.1.0
 */
export type NormalParams =
  | {
      /** mean μ, any shape (the batch shape is the broadcast of the two parameters) */
      loc: Tensor | TensorLike;
      /** standard deviation σ > 0 (checked once, on the host) */
      scale: Tensor | TensorLike;
    }
  | {
      /** mean μ */
      loc: Tensor | TensorLike;
      /** log σ, any real value: σ = exp(log σ) is never zero in log-space formulas */
      logScale: Tensor | TensorLike;
    };

/**
 * Normal(μ, σ²): density exp(−½·((x − μ)/σ)²) / (σ·√(2π)).
 *
 * `rsample` returns z = μ + σ·ε with ε ~ N(0, 1), differentiable with respect to μ and σ (∂z/∂μ = 1,
 * ∂z/∂σ = ε); `sample` returns the same values without gradient. Parameters broadcast against each other.
 * Tensors passed in are used as they are (gradients flow to them) and stay the caller's; arrays, numbers
 * and derived tensors (σ = exp(log σ)) belong to this object and are freed by `dispose()`.
 *
 * Built from a log-scale or a log-variance, log-densities and entropies use log σ directly, so they stay
 * exact where σ underflows.
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114 · Rezende et al. 2014, arXiv:1401.4082
 * @example
 * ```ts
 * const q = new Normal({ loc: [0, 1], scale: [1, 0.5] });
 * const z = q.rsample([4], { seed: 1 });   // [4, 2]
 * q.logProb(z);                            // [4, 2]
 * q.entropy();                             // [2]
 * q.dispose();
 * ```
 * @since 0.1.0
 */
export class Normal implements NormalLaw {
  /** The family tag: `'Normal'`. */
  readonly family = 'Normal' as const;
  /** Draws are real numbers. */
  readonly support = 'real' as const;
  /** The mean μ (the caller's tensor, or one this object owns). */
  readonly loc: Tensor;
  /** The standard deviation σ. */
  readonly scale: Tensor;
  /** The broadcast shape of `loc` and `scale`. */
  readonly batchShape: number[];
  /** Scalar events: `[]`. */
  readonly eventShape: number[] = [];
  /** log σ exactly, when built from a log-scale or a log-variance (σ = exp(log σ) may under- or overflow). */
  private readonly exactLogScale: Tensor | undefined;
  private readonly owned = new Owned();

  constructor(params: NormalParams) {
    const fn = 'Normal';
    const p = params as { loc?: Tensor | TensorLike; scale?: Tensor | TensorLike; logScale?: Tensor | TensorLike };
    const log = p !== null && typeof p === 'object' && p.logScale !== undefined;
    if (log && p.scale !== undefined) fail(fn, 'params', 'an object with exactly one of `scale` or `logScale`', 'both');
    const sKey = log ? 'logScale' : 'scale';
    const [locShape, sShape] = checkParams(fn, params, ['loc', 'scale', 'logScale'], ['loc', sKey]);
    const sArg = `params.${sKey}`;
    const s = p[sKey]!;
    this.batchShape = broadcastShapes(fn, `params.loc and ${sArg}`, locShape!, sShape!);
    try {
      this.loc = this.owned.float(fn, 'params.loc', p.loc!);
      const st = this.owned.float(fn, sArg, s);
      if (log) {
        this.exactLogScale = st;
        this.scale = this.owned.own(tf.exp(st));
      } else {
        checkPositive(fn, st, 'params.scale');
        this.scale = st;
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /**
   * Normal(μ, exp(logVar)) from an encoder's mean and log-variance heads: σ = exp(½·logVar) (never
   * √(exp(logVar)), which overflows for logVar > 88 and loses log σ to underflow below −103).
   *
   * @param loc μ, any shape; `logVar` log σ², broadcast against it
   * @see Kingma & Welling 2014, arXiv:1312.6114, appendix C.2
   * @example
   * ```ts
   * const q = Normal.fromLogVariance(tf.zeros([8, 2]), tf.fill([8, 2], -2)); // σ = e⁻¹
   * const z = q.rsample([], { seed: 3 });   // [8, 2]
   * ```
   * @since 0.1.0
   */
  static fromLogVariance(loc: Tensor | TensorLike, logVar: Tensor | TensorLike): Normal {
    const fn = 'Normal.fromLogVariance';
    broadcastShapes(fn, 'loc and logVar', checkTensorArg(fn, 'loc', loc), checkTensorArg(fn, 'logVar', logVar));
    const half = tf.tidy(() => tf.mul(toFloat(fn, 'logVar', logVar), 0.5));
    try {
      const d = new Normal({ loc, logScale: half });
      d.owned.own(half);
      return d;
    } catch (e) {
      half.dispose();
      throw e;
    }
  }

  /**
   * Normal(μ, exp(logScale)²) from mean and log-standard-deviation heads.
   * @since 0.1.0
   * @example
   * ```ts
   * const q = Normal.fromLogScale([0, 0], [0, -1]);   // σ = [1, e⁻¹]
   * q.stddev();                                        // [1, 0.368]
   * q.dispose();
   * ```
   */
  static fromLogScale(loc: Tensor | TensorLike, logScale: Tensor | TensorLike): Normal {
    return new Normal({ loc, logScale });
  }

  /** log σ: the exact parameter, or log of the scale (not broadcast, not a copy). */
  private logSigma(): Tensor {
    return this.exactLogScale ?? tf.log(this.scale);
  }

  /**
   * log σ, `batchShape`: exact when the law was built from a log-scale or a log-variance (½·logVar), so it
   * stays finite where σ = exp(log σ) underflows to 0 or overflows; log(scale) otherwise. Differentiable in
   * the parameters; the caller owns the result.
   *
   * @see Kingma & Welling 2014, arXiv:1312.6114, appendix C.2 (log-variance heads)
   * @example
   * ```ts
   * const q = Normal.fromLogVariance([0], [-300]);   // σ = e⁻¹⁵⁰ underflows float32
   * q.logStddev();                                   // [-150], exact
   * q.dispose();
   * ```
   * @since 0.1.0
   */
  logStddev(): Tensor {
    return tf.tidy('Normal.logStddev', () => tf.broadcastTo(this.logSigma(), this.batchShape));
  }

  /**
   * z = (x − μ)/σ from `scale`, or (x − μ)·e^(−log σ) from the exact log σ (0 at x = μ for any log σ), with
   * gradients that never square σ (see internal/standardize).
   */
  private standardized(fn: string, x: Tensor | TensorLike): Tensor {
    const d = tf.sub(toFloat(fn, 'x', x), this.loc);
    return this.exactLogScale ? standardize(d, this.exactLogScale, true) : standardize(d, this.scale, false);
  }

  /** z = μ + σ·ε for a validated shape (`options.noise` is ε), without gradient when `detach`. */
  private draw(fn: string, sampleShape: number[], options: ReparameterizedSampleOptions | undefined, detach: boolean): Tensor {
    const { shape, seed } = checkSampleArgs(fn, sampleShape, options, this.batchShape, [], true);
    return tf.tidy(fn, () => {
      const z = tf.add(this.loc, tf.mul(this.scale, noiseOr(fn, options, () => normalNoise(shape, seed))));
      return detach ? stopGradient(z) : z;
    });
  }

  /**
   * Reparameterized samples z = μ + σ·ε, ε ~ N(0, 1), shape `[...sampleShape, ...batchShape]`,
   * differentiable in μ and σ. `options.noise` is ε itself; `options.seed` any number (0 included) or string.
   */
  rsample(sampleShape: number[] = [], options?: ReparameterizedSampleOptions): Tensor {
    return this.draw('Normal.rsample', sampleShape, options, false);
  }

  /** The values of {@link Normal.rsample} (the same seed, the same values), without gradient. */
  sample(sampleShape: number[] = [], options?: ReparameterizedSampleOptions): Tensor {
    return this.draw('Normal.sample', sampleShape, options, true);
  }

  /**
   * log p(x) = −½·z² − log σ − ½·log 2π, z = (x − μ)/σ, broadcast against the batch shape.
   *
   * z is (x − μ)/σ when built from `scale`, (x − μ)·e^(−log σ) when built from a log-scale or log-variance
   * (so x = μ gives z = 0 and log p = −log σ − ½·log 2π even where σ underflows to 0). The gradient never
   * squares σ: ∂/∂σ = (z² − 1)/σ (as (z/σ)·z − 1/σ), ∂/∂log σ = z² − 1, ∂/∂x = −z/σ are finite and
   * correct for σ from 1e−38 to 1e38 (any log σ in the log forms) wherever the true value is a finite
   * float32; where z² overflows the value is −Infinity, as is the true value in float32.
   */
  logProb(x: Tensor | TensorLike): Tensor {
    const fn = 'Normal.logProb';
    checkTensorArg(fn, 'x', x);
    return tf.tidy(fn, () => {
      const z = this.standardized(fn, x);
      return tf.sub(tf.mul(tf.square(z), -0.5), tf.add(this.logSigma(), HALF_LOG_TWO_PI));
    });
  }

  /** p(x) = exp(log p(x)). */
  prob(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Normal.prob', () => tf.exp(this.logProb(x)));
  }

  /** F(x) = ½·(1 + erf(z/√2)), z = (x − μ)/σ as in {@link Normal.logProb}. */
  cdf(x: Tensor | TensorLike): Tensor {
    const fn = 'Normal.cdf';
    checkTensorArg(fn, 'x', x);
    return tf.tidy(fn, () => {
      const z = this.standardized(fn, x);
      return tf.mul(tf.add(tf.erf(tf.mul(z, Math.SQRT1_2)), 1), 0.5);
    });
  }

  /** The differential entropy H = ½·log(2πe) + log σ (nats), `batchShape`. */
  entropy(): Tensor {
    return tf.tidy('Normal.entropy', () => tf.broadcastTo(tf.add(this.logSigma(), HALF_LOG_TWO_PI + 0.5), this.batchShape));
  }

  /** E[X] = μ, `batchShape`. */
  mean(): Tensor {
    return tf.tidy('Normal.mean', () => tf.broadcastTo(this.loc, this.batchShape));
  }

  /** The mode, μ. */
  mode(): Tensor {
    return tf.tidy('Normal.mode', () => this.mean());
  }

  /** Var[X] = σ², `batchShape`. */
  variance(): Tensor {
    return tf.tidy('Normal.variance', () => tf.broadcastTo(tf.square(this.scale), this.batchShape));
  }

  /** sd[X] = σ, `batchShape`. */
  stddev(): Tensor {
    return tf.tidy('Normal.stddev', () => tf.broadcastTo(this.scale, this.batchShape));
  }

  /** Frees the tensors this object created (from arrays, numbers, or derived from log-parameters). */
  dispose(): void {
    this.owned.dispose();
  }
}
