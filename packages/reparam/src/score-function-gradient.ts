/**
 * The score-function (REINFORCE, likelihood-ratio) gradient estimator, with baselines.
 *
 * @see Williams 1992, "Simple statistical gradient-following algorithms for connectionist reinforcement
 *      learning", Machine Learning 8:229–256.
 * @see Glynn 1990, "Likelihood ratio gradient estimation for stochastic systems", Comm. ACM 33(10).
 * @see Mohamed, Rosca, Figurnov & Mnih 2020, JMLR, arXiv:1906.10652, §4 and §7 (control variates).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { fail, stopGradient, sumTrailing } from '@genmod-internal/core';
import type { Baseline } from './baselines.js';
import { tidyObject } from './internal/params.js';
import { SCORE_KEYS, checkEstimatorArgs, perSampleValues, surrogateGradients } from './internal/estimate.js';
import type { DistributionFactory, EstimatorOptions, GradientEstimate, Objective } from './gradient-estimate.js';

/**
 * Options of {@link scoreFunctionGradient}: the shared {@link EstimatorOptions} plus a baseline b in
 * (1/n)·Σᵢ (f(zᵢ) − bᵢ)·∇_θ log p(zᵢ|θ) (Williams 1992). Unknown keys throw.
 * @example
 * ```ts
 * const options: ScoreFunctionOptions = { samples: 16, baseline: leaveOneOutBaseline(), seed: 0 };
 * ```
 * @since 0.1.0
 */
export interface ScoreFunctionOptions extends EstimatorOptions {
  /**
   * the baseline b subtracted from f: a number (default 0: none), {@link movingAverageBaseline} or
   * {@link leaveOneOutBaseline} (or any {@link Baseline}).
   */
  baseline?: number | Baseline;
}

/**
 * The score-function estimate of ∇_θ E_{z ~ p(z|θ)}[f(z)]:
 *
 *   ĝ = (1/n)·Σᵢ (f(zᵢ) − bᵢ)·∇_θ log p(zᵢ|θ),   zᵢ ~ p(z|θ) i.i.d. (drawn with `sample`, no gradient)
 *
 * Unbiased for any f (discrete z, non-differentiable f) since E[∇_θ log p(z|θ)] = 0, as long as bᵢ does
 * not depend on zᵢ. Its variance is usually much larger than the pathwise estimator's; baselines reduce it.
 * f's values are used as numbers (no gradient flows through f).
 *
 * @param f z `[n, ...]` ↦ per-sample values `[n]` (or `[n, ...]`, extra axes summed)
 * @param makeDistribution θ ↦ any distribution with `sample` and a `logProb` differentiable in θ
 * @param params θ: tensors or tf.Variables, float32
 * @returns `{ grads, value, values, perSampleGrads? }` (see {@link GradientEstimate})
 * @see Williams 1992 · Mohamed et al. 2020, arXiv:1906.10652 · Kool et al. 2019 (leave-one-out)
 * @example
 * ```ts
 * // A categorical choice among 3 rewards: ∇ E[r_k] = π ⊙ (r − π·r)
 * const logits = tf.variable(tf.zeros([3]));
 * const reward = tf.tensor1d([1, 2, 4]);
 * const est = scoreFunctionGradient(
 *   (k) => tf.gather(reward, k),
 *   ([l]) => new Categorical({ logits: l! }),
 *   [logits],
 *   { samples: 256, baseline: leaveOneOutBaseline(), seed: 1 },
 * );
 * est.grads[0]!.print();   // ≈ [−0.44, −0.11, 0.56]
 * ```
 * @since 0.1.0
 */
export function scoreFunctionGradient(f: Objective, makeDistribution: DistributionFactory, params: Tensor[], options: ScoreFunctionOptions): GradientEstimate {
  const fn = 'scoreFunctionGradient';
  const seed = checkEstimatorArgs(fn, f, makeDistribution, params, options, SCORE_KEYS);
  const n = options.samples;
  const baseline = options.baseline ?? 0;
  if (typeof baseline === 'number') {
    if (!Number.isFinite(baseline)) fail(fn, 'options.baseline', 'a finite number or a Baseline', baseline);
  } else if (baseline === null || typeof baseline !== 'object' || typeof baseline.compute !== 'function') {
    fail(fn, 'options.baseline', 'a finite number or a Baseline (movingAverageBaseline(), leaveOneOutBaseline())', baseline);
  } else if (baseline.minSamples !== undefined && n < baseline.minSamples) {
    fail(fn, 'options.samples', `at least ${baseline.minSamples} with this baseline`, n);
  }
  return tidyObject(fn, () => {
    const make = (ps: Tensor[]) => {
      const d = makeDistribution(ps);
      if (d === null || typeof d !== 'object' || typeof d.sample !== 'function' || typeof d.logProb !== 'function') {
        fail(fn, 'makeDistribution(params)', 'a distribution (with sample and logProb)', d);
      }
      return d;
    };
    // z and f(z) are constants for the gradient: drawn outside the tape
    const z = stopGradient(make(params).sample([n], { seed }));
    const values = perSampleValues(fn, f(z), n);
    const b = typeof baseline === 'number' ? tf.scalar(baseline) : baseline.compute(values);
    const weight = tf.sub(values, b);
    const surrogate = (ps: Tensor[]) => {
      const lp = make(ps).logProb(z);
      const perSample = sumTrailing(lp, lp.rank - 1);
      return tf.mul(weight, perSample);
    };
    const { grads, perSampleGrads } = surrogateGradients(surrogate, params, options.perSample ?? false, n);
    const out: GradientEstimate = { grads, value: tf.mean(values) as Scalar, values: tf.clone(values) };
    if (perSampleGrads) out.perSampleGrads = perSampleGrads;
    return out;
  });
}
