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
import { ConcreteBase, type RelaxedCategoricalParams } from './internal/concrete.js';
import { FLOAT32_TINY, nonDifferentiable, toFloat, type ReparameterizedDistribution } from '@genmod-internal/core';

export type { RelaxedCategoricalParams } from './internal/concrete.js';

/**
 * The Concrete distribution (a.k.a. Gumbel-softmax, RelaxedOneHotCategorical) on the open simplex:
 * x = softmax((log π + g)/τ), g ~ Gumbel(0, 1) i.i.d., with the exact density
 *
 *   p(x) = Γ(K)·τ^(K−1)·Π_k (π_k·x_k^(−τ−1)) / (Σ_i π_i·x_i^(−τ))^K
 *
 * evaluated in log space with a logsumexp (log Γ(K) summed on the host in float64). As τ → 0 samples
 * approach one-hot vectors distributed as Categorical(π); `argmax x` is exactly Categorical(π) for every τ.
 *
 * One class (K = 1): the simplex is the single point x = [1], every draw is [1], and `logProb([1])` = 0
 * (the density with respect to the counting measure on that point; the formula above at K = 1, and
 * torch.distributions.RelaxedOneHotCategorical's value), with a zero gradient in the logits. The formula
 * does not check the support: at K = 1 it gives −log x₀ for x₀ ≠ 1, as torch does.
 *
 * `rsample` is reparameterized (differentiable with respect to the logits or probs); `sample` gives the
 * same values without gradient. Implements the shared `ReparameterizedDistribution` contract (family
 * 'RelaxedOneHotCategorical', support 'simplex', eventShape [K]). Tensors passed in are used as they are (gradients flow to them) and stay the caller's; arrays are
 * converted to tensors this object owns and frees in `dispose()`.
 *
 * @see Maddison, Mnih & Teh 2017, arXiv:1611.00712 · Jang, Gu & Poole 2017, arXiv:1611.01144
 * @example
 * ```ts
 * const d = new RelaxedOneHotCategorical({ logits: [1, 0.5, -0.3], temperature: 0.5 });
 * const x = d.sample([4], { seed: 2 });    // [4, 3], rows on the simplex, no gradient
 * const xr = d.rsample([4], { seed: 2 });  // the same values, differentiable in the logits
 * const lp = d.logProb(x);                 // [4]
 * d.dispose();
 * ```
 * @since 0.1.0
 */
export class RelaxedOneHotCategorical extends ConcreteBase<'RelaxedOneHotCategorical'> implements ReparameterizedDistribution {
  constructor(params: RelaxedCategoricalParams) {
    super('RelaxedOneHotCategorical', 'simplex', params);
  }

  /** x = exp y = softmax((log π + g)/τ). */
  protected fromLog(y: Tensor): Tensor {
    return tf.exp(y);
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
    const fn = `${this.family}.logProb`;
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
}

/**
 * The Concrete variable in log space (ExpConcrete, TFP's ExpRelaxedOneHotCategorical): y = log x =
 * logSoftmax((log π + g)/τ), with
 *
 *   log p(y) = log Γ(K) + (K−1)·log τ + Σ_k (log π_k − τ·y_k) − K·logsumexp_k(log π_k − τ·y_k)
 *            = log p_Concrete(exp y) + Σ_k y_k.
 *
 * The numerically safe choice for training at small temperatures: y never underflows where x would, so
 * log-densities (e.g. the KL term of a relaxed discrete VAE) stay finite. With one class (K = 1) every draw
 * is y = [0] and log p(y) = 0 for any y (the formula at K = 1; torch's ExpRelaxedCategorical gives the same). Implements the shared
 * `ReparameterizedDistribution` contract (family 'ExpRelaxedOneHotCategorical', support 'log-simplex',
 * eventShape [K]); `sample` carries no gradient, `rsample` does.
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
export class ExpRelaxedOneHotCategorical extends ConcreteBase<'ExpRelaxedOneHotCategorical'> implements ReparameterizedDistribution {
  constructor(params: RelaxedCategoricalParams) {
    super('ExpRelaxedOneHotCategorical', 'log-simplex', params);
  }

  /** y = logSoftmax((log π + g)/τ) itself. */
  protected fromLog(y: Tensor): Tensor {
    return y;
  }

  /**
   * log p(y) for y = log x in log-simplex coordinates `[..., K]`.
   * @returns float32 `[...]`
   */
  logProb(y: Tensor | TensorLike): Tensor {
    const fn = `${this.family}.logProb`;
    this.checkPoint('logProb', y, 'y');
    return tf.tidy(fn, () => this.logDensityOfLog(toFloat(fn, 'y', y)));
  }
}
