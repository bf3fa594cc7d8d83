/**
 * The multivariate Normal N(μ, Σ) parameterized by a lower-triangular scale L with Σ = L·Lᵀ (TFP's
 * MultivariateNormalTriL, torch's MultivariateNormal(scale_tril=…)), reparameterized as z = μ + L·ε.
 *
 * @see Rezende, Mohamed & Wierstra 2014, arXiv:1401.4082 (§4: Gaussian approximate posteriors with full
 *      covariance through a Cholesky-type factor).
 * @see Kingma & Welling 2014, arXiv:1312.6114.
 * @see Golub & Van Loan 2013, *Matrix Computations*, §3.1 and §4.2 (triangular solves, Cholesky).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { HALF_LOG_TWO_PI, batchMatMul, broadcastShapes, checkTensorArg, fail, normalNoise, showShape, stopGradient, toFloat, triangularSolve, type MultivariateNormalTriLLaw } from '@genmod-internal/core';
import { Owned, checkParams, checkSampleArgs, noiseOr } from './internal/params.js';
import type { ReparameterizedSampleOptions } from './distribution.js';

/**
 * Parameters of {@link MultivariateNormalTriL}: N(μ, L·Lᵀ) (Rezende et al. 2014, arXiv:1401.4082). Unknown
 * keys throw.
 * @example
 * ```ts
 * const p: MultivariateNormalTriLParams = { loc: [0, 1], scaleTril: [[1, 0], [0.5, 2]] };
 * ```
 * @since 0.1.0
 */
export interface MultivariateNormalTriLParams {
  /** mean μ `[...batch, d]` */
  loc: Tensor | TensorLike;
  /** lower-triangular L `[...batch, d, d]` with a positive diagonal; Σ = L·Lᵀ */
  scaleTril: Tensor | TensorLike;
}

/**
 * N(μ, L·Lᵀ) on ℝᵈ:
 *
 *   log p(x) = −½·‖L⁻¹(x − μ)‖² − Σᵢ log Lᵢᵢ − (d/2)·log 2π,     log|Σ| = 2·Σᵢ log Lᵢᵢ,
 *
 * with L⁻¹(x − μ) from a triangular solve (never an inverse). `rsample` returns z = μ + L·ε,
 * ε ~ N(0, I_d), differentiable in μ and L; `sample` gives the values without gradient.
 *
 * The constructor checks, with one host read, that L is lower triangular (zero strict upper triangle) with a
 * positive diagonal. Batch shapes of `loc` (less its last axis) and `scaleTril` (less its last two)
 * broadcast. Ownership as for {@link Normal}.
 *
 * @see Rezende et al. 2014, arXiv:1401.4082 · tfp.distributions.MultivariateNormalTriL
 * @example
 * ```ts
 * const d = new MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[1, 0], [0.5, 2]] });
 * const z = d.rsample([100], { seed: 1 });   // [100, 2]
 * d.logProb(z);                              // [100]
 * d.covariance();                            // [[1, 0.5], [0.5, 4.25]]
 * d.dispose();
 * ```
 * @since 0.1.0
 */
export class MultivariateNormalTriL implements MultivariateNormalTriLLaw {
  /** The family tag: `'MultivariateNormalTriL'`. */
  readonly family = 'MultivariateNormalTriL' as const;
  /** Draws are real vectors. */
  readonly support = 'real' as const;
  readonly loc: Tensor;
  readonly scaleTril: Tensor;
  readonly batchShape: number[];
  /** `[d]` */
  readonly eventShape: [number];
  private readonly owned = new Owned();

  constructor(params: MultivariateNormalTriLParams) {
    const fn = 'MultivariateNormalTriL';
    const [ls, ss] = checkParams(fn, params, ['loc', 'scaleTril'], ['loc', 'scaleTril']) as [number[], number[]];
    if (ss.length < 2 || ss[ss.length - 1] !== ss[ss.length - 2]) {
      fail(fn, 'params.scaleTril', 'square matrices of shape [..., d, d]', params.scaleTril instanceof tf.Tensor ? params.scaleTril : showShape(ss));
    }
    const d = ss[ss.length - 1]!;
    if (ls.length < 1 || ls[ls.length - 1] !== d) {
      fail(fn, 'params.loc', `of shape [..., d] with d = ${d} (the event size of params.scaleTril)`, params.loc instanceof tf.Tensor ? params.loc : showShape(ls));
    }
    this.batchShape = broadcastShapes(fn, 'the batch shapes of params.loc and params.scaleTril', ls.slice(0, -1), ss.slice(0, -2));
    this.eventShape = [d];
    try {
      this.loc = this.owned.float(fn, 'params.loc', params.loc);
      this.scaleTril = this.owned.float(fn, 'params.scaleTril', params.scaleTril);
      const [upper, minDiag] = tf.tidy(() => {
        const L = this.scaleTril;
        const strictUpper = tf.sub(L, tf.linalg.bandPart(L, -1, 0));
        return [tf.max(tf.abs(strictUpper)), tf.min(this.diag(L))];
      }).map((t) => {
        const v = t.dataSync()[0] as number;
        t.dispose();
        return v;
      }) as [number, number];
      if (!(upper === 0)) fail(fn, 'params.scaleTril', 'lower triangular (a zero strict upper triangle)', `an entry of magnitude ${upper} above the diagonal`);
      if (!(minDiag > 0)) fail(fn, 'params.scaleTril', 'a lower-triangular matrix with a strictly positive diagonal', `a minimum diagonal entry of ${minDiag}`);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The diagonal of `[..., d, d]` as `[..., d]`. */
  private diag(L: Tensor): Tensor {
    return tf.sum(tf.mul(L, tf.eye(this.eventShape[0])), -1);
  }

  /** z = μ + L·ε for a validated shape, without gradient when `detach`. */
  private draw(fn: string, sampleShape: number[], options: ReparameterizedSampleOptions | undefined, detach: boolean): Tensor {
    const { shape, seed } = checkSampleArgs(fn, sampleShape, options, this.batchShape, this.eventShape, true);
    return tf.tidy(fn, () => {
      const eps = noiseOr(fn, options, () => normalNoise(shape, seed));
      // (L·ε)_i = Σ_j L_ij·ε_j, broadcast over sample and batch axes
      const z = tf.add(this.loc, tf.sum(tf.mul(this.scaleTril, tf.expandDims(eps, -2)), -1));
      return detach ? stopGradient(z) : z;
    });
  }

  /**
   * z = μ + L·ε, ε ~ N(0, I) (`options.noise` is ε), shape `[...sampleShape, ...batchShape, d]`,
   * differentiable in μ and L.
   */
  rsample(sampleShape: number[] = [], options?: ReparameterizedSampleOptions): Tensor {
    return this.draw('MultivariateNormalTriL.rsample', sampleShape, options, false);
  }

  /** The values of {@link MultivariateNormalTriL.rsample} (the same seed, the same values), without gradient. */
  sample(sampleShape: number[] = [], options?: ReparameterizedSampleOptions): Tensor {
    return this.draw('MultivariateNormalTriL.sample', sampleShape, options, true);
  }

  /**
   * log p(x) = −½·‖y‖² − Σ log Lᵢᵢ − (d/2)·log 2π with L·y = x − μ (forward substitution).
   * @param x `[..., d]`, broadcast against `[...batchShape, d]`
   * @returns `[...]` (x's shape without the event axis, broadcast with the batch shape)
   */
  logProb(x: Tensor | TensorLike): Tensor {
    const fn = 'MultivariateNormalTriL.logProb';
    const xs = checkTensorArg(fn, 'x', x);
    const d = this.eventShape[0];
    if (xs.length < 1 || xs[xs.length - 1] !== d) fail(fn, 'x', `of shape [..., ${d}] (the event size)`, x instanceof tf.Tensor ? x : showShape(xs));
    return tf.tidy(fn, () => {
      const diff = tf.sub(toFloat(fn, 'x', x), this.loc); // [..., d]
      const y = tf.squeeze(triangularSolve(this.scaleTril, tf.expandDims(diff, -1)), [-1]); // [..., d]
      return tf.sub(tf.mul(tf.sum(tf.square(y), -1), -0.5), tf.add(this.halfLogDet(), d * HALF_LOG_TWO_PI));
    });
  }

  /** p(x) = exp(log p(x)). */
  prob(x: Tensor | TensorLike): Tensor {
    return tf.tidy('MultivariateNormalTriL.prob', () => tf.exp(this.logProb(x)));
  }

  /** ½·log|Σ| = Σ log Lᵢᵢ, `[...batch of L]` */
  private halfLogDet(): Tensor {
    return tf.sum(tf.log(this.diag(this.scaleTril)), -1);
  }

  /** log|Σ| = 2·Σᵢ log Lᵢᵢ, `batchShape`. */
  logDetCovariance(): Tensor {
    return tf.tidy('MultivariateNormalTriL.logDetCovariance', () => tf.broadcastTo(tf.mul(this.halfLogDet(), 2), this.batchShape));
  }

  /** H = (d/2)·(1 + log 2π) + Σᵢ log Lᵢᵢ (nats), `batchShape`. */
  entropy(): Tensor {
    const d = this.eventShape[0];
    return tf.tidy('MultivariateNormalTriL.entropy', () => tf.broadcastTo(tf.add(this.halfLogDet(), d * (HALF_LOG_TWO_PI + 0.5)), this.batchShape));
  }

  /** E[X] = μ, `[...batchShape, d]`. */
  mean(): Tensor {
    return tf.tidy('MultivariateNormalTriL.mean', () => tf.broadcastTo(this.loc, [...this.batchShape, this.eventShape[0]]));
  }

  /** Σ = L·Lᵀ, `[...batchShape, d, d]`. */
  covariance(): Tensor {
    const d = this.eventShape[0];
    return tf.tidy('MultivariateNormalTriL.covariance', () => tf.broadcastTo(batchMatMul(this.scaleTril, this.scaleTril, false, true), [...this.batchShape, d, d]));
  }

  /** The marginal variances diag Σ = Σⱼ Lᵢⱼ², `[...batchShape, d]`. */
  variance(): Tensor {
    return tf.tidy('MultivariateNormalTriL.variance', () => tf.broadcastTo(tf.sum(tf.square(this.scaleTril), -1), [...this.batchShape, this.eventShape[0]]));
  }

  /** The marginal standard deviations √(diag Σ), `[...batchShape, d]`. */
  stddev(): Tensor {
    return tf.tidy('MultivariateNormalTriL.stddev', () => tf.sqrt(this.variance()));
  }

  /** Frees the tensors this object created from arrays and numbers. */
  dispose(): void {
    this.owned.dispose();
  }
}
