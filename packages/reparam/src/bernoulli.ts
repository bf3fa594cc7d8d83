/**
 * The Bernoulli distribution on {0, 1}, in log-odds or probability form. Not reparameterizable: its
 * gradients come from the score-function estimator or a relaxation (@genmod/gumbel's RelaxedBernoulli).
 *
 * @see Williams 1992, "Simple statistical gradient-following algorithms for connectionist reinforcement
 *      learning", Machine Learning 8 (the score-function estimator for Bernoulli units).
 * @see torch.distributions.Bernoulli, tfp.distributions.Bernoulli (the same law and log_prob convention).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, nonDifferentiable, softplus, toFloat, uniformNoise, type BernoulliLaw, type SampleOptions } from '@genmod-internal/core';
import { Owned, checkSampleArgs, takeLogitsParams } from './internal/params.js';

/**
 * Parameters of {@link Bernoulli}: exactly one of the log-odds l = log(p/(1 − p)) or the probability p of
 * a one (Williams 1992). Unknown keys throw.
 * @example
 * ```ts
 * const p: BernoulliParams = { logits: [0, 2, -50] };
 * ```
 * @since 0.1.0
 */
export interface BernoulliParams {
  /** log-odds log(p/(1 − p)), any shape (give this or `probs`) */
  logits?: Tensor | TensorLike;
  /** probabilities p in [0, 1], any shape (give this or `logits`) */
  probs?: Tensor | TensorLike;
}

/**
 * Bernoulli(p): P(X = 1) = p.
 *
 *   log p(x) = x·log σ(l) + (1 − x)·log σ(−l) = x·l − softplus(l)        (l the logits)
 *
 * written with softplus so that it stays exact at logits ±1e4, and with 0·log 0 = 0 for probabilities 0
 * and 1. Like torch's `Bernoulli.log_prob`, it accepts x in [0, 1] (binary cross-entropy with soft targets).
 * `sample` returns float32 zeros and ones without gradient. A Bernoulli draw is discrete: there is no
 * `rsample` (no pathwise gradient). For unbiased gradients use {@link scoreFunctionGradient} (REINFORCE,
 * with a baseline); for a continuous relaxation, @genmod/gumbel's `RelaxedBernoulli`.
 *
 * @see Williams 1992 · torch.distributions.Bernoulli
 * @example
 * ```ts
 * const b = new Bernoulli({ logits: [0, 2, -50] });
 * const x = b.sample([4], { seed: 1 });   // [4, 3], float32 0/1
 * b.logProb(x);                           // [4, 3]
 * b.entropy();                            // [0.693, 0.388, ≈0]
 * b.dispose();
 * ```
 * @since 0.1.0
 */
export class Bernoulli implements BernoulliLaw {
  /** The family tag: `'Bernoulli'`. */
  readonly family = 'Bernoulli' as const;
  /** Draws are 0 or 1. */
  readonly support = 'binary' as const;
  /** The logits as given (undefined when built from `probs`). */
  readonly logits: Tensor | undefined;
  /** The probabilities as given (undefined when built from `logits`). */
  readonly probs: Tensor | undefined;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  private readonly owned = new Owned();

  constructor(params: BernoulliParams) {
    const { logits, probs, shape } = takeLogitsParams('Bernoulli', params, this.owned, false);
    this.batchShape = shape;
    this.logits = logits;
    this.probs = probs;
  }

  /**
   * [log P(X = 1), log P(X = 0)]. From probs, log 0 = −Infinity is taken through a "safe" input (the double
   * where), so that gradients at p ∈ {0, 1} are 0, not NaN.
   */
  private logMasses(): [Tensor, Tensor] {
    if (this.logits) return [tf.neg(softplus(tf.neg(this.logits))), tf.neg(softplus(this.logits))];
    const p = this.probs!;
    const pos = nonDifferentiable((v) => tf.greater(v, 0), p);
    const belowOne = nonDifferentiable((v) => tf.less(v, 1), p);
    const minusInf = tf.fill(p.shape, -Infinity);
    return [
      tf.where(pos, tf.log(tf.where(pos, p, tf.onesLike(p))), minusInf),
      tf.where(belowOne, tf.log1p(tf.neg(tf.where(belowOne, p, tf.zerosLike(p)))), minusInf),
    ];
  }

  /** logit p = log p − log(1 − p), or the logits as given: a new tensor. */
  logitsParameter(): Tensor {
    return tf.tidy('Bernoulli.logitsParameter', () => (this.logits ? tf.clone(this.logits) : tf.sub(tf.log(this.probs!), tf.log1p(tf.neg(this.probs!)))));
  }

  /** p = σ(logits), or the probs as given: a new tensor. */
  probsParameter(): Tensor {
    return tf.tidy('Bernoulli.probsParameter', () => (this.probs ? tf.clone(this.probs) : tf.sigmoid(this.logits!)));
  }

  /** float32 draws 1[u < p], u ~ U(0, 1), shape `[...sampleShape, ...batchShape]`, without gradient. */
  sample(sampleShape: number[] = [], options?: SampleOptions): Tensor {
    const fn = 'Bernoulli.sample';
    const { shape, seed } = checkSampleArgs(fn, sampleShape, options, this.batchShape, [], false);
    return tf.tidy(fn, () => {
      const u = uniformNoise(shape, seed);
      return nonDifferentiable((p, v) => tf.cast(tf.less(v, p), 'float32'), this.probsParameter(), u);
    });
  }

  /**
   * log p(x) = x·log p + (1 − x)·log(1 − p), terms with a zero coefficient left out (0·log 0 = 0).
   * @param x values in [0, 1] (usually 0 or 1), broadcast against the batch shape
   */
  logProb(x: Tensor | TensorLike): Tensor {
    const fn = 'Bernoulli.logProb';
    checkTensorArg(fn, 'x', x);
    return tf.tidy(fn, () => {
      const $x = toFloat(fn, 'x', x);
      const [l1, l0] = this.logMasses();
      const one = tf.mul($x, l1);
      const zero = tf.mul(tf.sub(1, $x), l0);
      // leave out a term only where its coefficient is 0 and its log-mass −Infinity (0·log 0 = 0)
      const keepOne = nonDifferentiable((v, l) => tf.logicalOr(tf.notEqual(v, 0), tf.isFinite(l)), $x, l1);
      const keepZero = nonDifferentiable((v, l) => tf.logicalOr(tf.notEqual(v, 1), tf.isFinite(l)), $x, l0);
      return tf.add(tf.where(keepOne, one, tf.zerosLike(one)), tf.where(keepZero, zero, tf.zerosLike(zero)));
    });
  }

  /** P(X = x) = exp(log p(x)). */
  prob(x: Tensor | TensorLike): Tensor {
    return tf.tidy('Bernoulli.prob', () => tf.exp(this.logProb(x)));
  }

  /** H = −p·log p − (1 − p)·log(1 − p), with 0·log 0 = 0 (nats), `batchShape`. */
  entropy(): Tensor {
    return tf.tidy('Bernoulli.entropy', () => {
      const p = this.probsParameter();
      const [l1, l0] = this.logMasses();
      // p·log p with log 0 read as 0 (0·log 0 = 0, and a zero gradient there)
      const finite = (l: Tensor) => tf.where(nonDifferentiable((v) => tf.isFinite(v), l), l, tf.zerosLike(l));
      return tf.neg(tf.add(tf.mul(p, finite(l1)), tf.mul(tf.sub(1, p), finite(l0))));
    });
  }

  /** E[X] = p. */
  mean(): Tensor {
    return this.probsParameter();
  }

  /** Var[X] = p·(1 − p). */
  variance(): Tensor {
    return tf.tidy('Bernoulli.variance', () => {
      const p = this.probsParameter();
      return tf.mul(p, tf.sub(1, p));
    });
  }

  /** sd[X] = √(p·(1 − p)). */
  stddev(): Tensor {
    return tf.tidy('Bernoulli.stddev', () => tf.sqrt(this.variance()));
  }

  /** Frees the tensors this object created from arrays and numbers. */
  dispose(): void {
    this.owned.dispose();
  }
}
