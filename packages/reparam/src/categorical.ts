/**
 * The categorical distribution over K classes, in logit or probability form. Not reparameterizable: use the
 * score-function estimator, or @genmod/gumbel's Gumbel-softmax / RelaxedOneHotCategorical relaxation.
 *
 * @see Williams 1992, Machine Learning 8 (REINFORCE for multinomial units).
 * @see Maddison, Tarlow & Minka 2014, "A* Sampling", arXiv:1411.0030 (sampling by Gumbel-max).
 * @see torch.distributions.Categorical, tfp.distributions.Categorical (the same law; samples are indices).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { clampedUniform, fail, inferShape, nonDifferentiable, type CategoricalLaw, type SampleOptions } from '@genmod-internal/core';
import { Owned, checkSampleArgs, takeLogitsParams } from './internal/params.js';

/**
 * Parameters of {@link Categorical}: exactly one of the logits (π = softmax(logits)) or the probabilities,
 * classes on the last axis (Williams 1992). Unknown keys throw.
 * @example
 * ```ts
 * const p: CategoricalParams = { logits: [[1, 0, -Infinity]] };
 * ```
 * @since 0.1.0
 */
export interface CategoricalParams {
  /** unnormalized log-probabilities `[...batch, K]`; −Infinity masks a class (give this or `probs`) */
  logits?: Tensor | TensorLike;
  /** probabilities in [0, 1] `[...batch, K]`, normalized along the last axis here (give this or `logits`) */
  probs?: Tensor | TensorLike;
}

/**
 * Categorical(π) over {0, …, K − 1}: P(X = k) = π_k, π = softmax(logits) (or probs / Σ probs).
 *
 * `logProb(k)` = log π_k via logSoftmax; an index outside 0..K−1 has log-mass −Infinity. `sample` draws
 * int32 indices by Gumbel-max, argmax_k(log π_k + g_k), so a masked class (logit −Infinity, or probability
 * 0) is never drawn; the indices carry no gradient. A categorical draw is discrete: there is no `rsample` (no pathwise
 * gradient); use {@link scoreFunctionGradient} (REINFORCE, with a baseline), or @genmod/gumbel's
 * `gumbelSoftmax` / `RelaxedOneHotCategorical` for a continuous relaxation. The entropy uses 0·log 0 = 0.
 * One class (K = 1) is the point mass on 0: `logProb(0)` = 0, `sample` and `mode` give 0, `entropy` 0,
 * `probsParameter` [1] (as torch.distributions.Categorical).
 *
 * @see Williams 1992 · Maddison, Tarlow & Minka 2014, arXiv:1411.0030
 * @example
 * ```ts
 * const c = new Categorical({ logits: [[1, 0, -Infinity]] });
 * const k = c.sample([5], { seed: 1 });   // int32 [5, 1], never 2
 * c.logProb(k);                           // [5, 1]
 * c.entropy();                            // [0.582]
 * c.dispose();
 * ```
 * @since 0.1.0
 */
export class Categorical implements CategoricalLaw {
  /** The family tag: `'Categorical'`. */
  readonly family = 'Categorical' as const;
  /** Draws are class indices {0, …, K − 1}. */
  readonly support = 'index' as const;
  /** The logits as given (undefined when built from `probs`). */
  readonly logits: Tensor | undefined;
  /** The probabilities as given (undefined when built from `logits`). */
  readonly probs: Tensor | undefined;
  /** The number of classes K. */
  readonly numCategories: number;
  /** The parameters' shape without the class axis. */
  readonly batchShape: number[];
  /** Indices are scalars: `[]`. */
  readonly eventShape: number[] = [];
  private readonly owned = new Owned();

  constructor(params: CategoricalParams) {
    const { logits, probs, shape } = takeLogitsParams('Categorical', params, this.owned, true);
    this.numCategories = shape[shape.length - 1]!;
    this.batchShape = shape.slice(0, -1);
    this.logits = logits;
    this.probs = probs;
  }

  /** log π = logSoftmax(logits), or log(probs / Σ probs): a new tensor `[...batchShape, K]`. */
  logitsParameter(): Tensor {
    return tf.tidy('Categorical.logitsParameter', () => (this.logits ? tf.logSoftmax(this.logits) : tf.sub(tf.log(this.probs!), tf.log(tf.sum(this.probs!, -1, true)))));
  }

  /** π = softmax(logits), or probs / Σ probs: a new tensor `[...batchShape, K]`. */
  probsParameter(): Tensor {
    return tf.tidy('Categorical.probsParameter', () => tf.exp(this.logitsParameter()));
  }

  /** int32 indices argmax_k(log π_k + g_k), g ~ Gumbel(0, 1), shape `[...sampleShape, ...batchShape]`, no gradient. */
  sample(sampleShape: number[] = [], options?: SampleOptions): Tensor {
    const fn = 'Categorical.sample';
    const { shape, seed } = checkSampleArgs(fn, sampleShape, options, this.batchShape, [this.numCategories], false);
    return tf.tidy(fn, () => {
      const g = tf.neg(tf.log(tf.neg(tf.log(clampedUniform(shape, seed)))));
      return nonDifferentiable((lp, gt) => tf.argMax(tf.add(lp, gt), -1), this.logitsParameter(), g);
    });
  }

  /**
   * log π_k for class indices k (int32, or integer-valued numbers), broadcast against the batch shape;
   * −Infinity for an index outside 0..K−1.
   * @param k `[...]` broadcastable with `batchShape`
   */
  logProb(k: Tensor | TensorLike): Tensor {
    const fn = 'Categorical.logProb';
    if (k === null || k === undefined) fail(fn, 'k', 'class indices (an int32 tensor or integers)', k);
    if (k instanceof tf.Tensor && k.dtype !== 'int32' && k.dtype !== 'float32') fail(fn, 'k', 'an int32 (or float32) tensor of class indices', k);
    inferShape(k);
    return tf.tidy(fn, () => {
      const idx = k instanceof tf.Tensor ? (k.dtype === 'int32' ? k : tf.cast(k, 'int32')) : tf.tensor(k, undefined, 'int32');
      // the boolean selector idx == j, j = 0..K−1 (not tf.oneHot: it refuses K = 1, and
      // tfjs-backend-wasm 4.22 mis-writes a float32 OneHot); an index outside 0..K−1 selects nothing
      const hot = tf.equal(tf.expandDims(idx, -1), tf.range(0, this.numCategories, 1, 'int32'));
      const lp = this.logitsParameter();
      const shape = tf.broadcast_util.assertAndGetBroadcastShape(hot.shape, lp.shape);
      const picked = tf.sum(tf.where(tf.broadcastTo(hot, shape), tf.broadcastTo(lp, shape), tf.zeros(shape)), -1);
      const inRange = tf.broadcastTo(tf.any(hot, -1), picked.shape);
      return tf.where(inRange, picked, tf.fill(picked.shape, -Infinity));
    });
  }

  /** P(X = k) = exp(log π_k). */
  prob(k: Tensor | TensorLike): Tensor {
    return tf.tidy('Categorical.prob', () => tf.exp(this.logProb(k)));
  }

  /** H = −Σ_k π_k·log π_k with 0·log 0 = 0 (masked classes contribute nothing), `batchShape`. */
  entropy(): Tensor {
    return tf.tidy('Categorical.entropy', () => {
      const lp = this.logitsParameter();
      const live = nonDifferentiable((v) => tf.isFinite(v), lp);
      // π·log π with log 0 read as 0 (0·log 0 = 0, and a zero gradient for masked classes)
      return tf.neg(tf.sum(tf.mul(tf.exp(lp), tf.where(live, lp, tf.zerosLike(lp))), -1));
    });
  }

  /** The most probable class (int32, `batchShape`). */
  mode(): Tensor {
    return tf.tidy('Categorical.mode', () => nonDifferentiable((lp) => tf.argMax(lp, -1), this.logitsParameter()));
  }

  /** Frees the tensors this object created from arrays and numbers. */
  dispose(): void {
    this.owned.dispose();
  }
}
