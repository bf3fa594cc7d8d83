/**
 * Kullback–Leibler divergence, entropy and cross-entropy of categorical laws.
 *
 * @see Kullback & Leibler 1951, "On Information and Sufficiency", Ann. Math. Statist. 22(1).
 * @see Shannon 1948, "A Mathematical Theory of Communication" (entropy).
 * @see scipy.stats.entropy, torch.distributions.kl_divergence(Categorical, Categorical).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkLogits, checkOptions, toFloat } from '@genmod-internal/core';
import { checkBase, checkValidate, type ValidateOptions } from './internal/checks.js';
import { categorical, checkDiscrete, checkDiscretePair, crossEntropyTerms, DISCRETE_KEYS, entropyTerms, klTerms, type CategoricalLike } from './internal/discrete.js';
import { scaled } from './internal/math.js';

export type { BernoulliLike, CategoricalLike, DiscreteParams } from './internal/discrete.js';

export interface DiscreteOptions extends ValidateOptions {
  /** the logarithm base: 2 for bits, 10 for bans; default e (nats), as `scipy.stats.entropy(..., base)` */
  base?: number;
}

/**
 * KL(p‖q) = Σ_k p_k·log(p_k/q_k) between categorical laws over the last axis.
 *
 * Zero-probability classes follow 0·log 0 = 0; the divergence is +Infinity exactly where some class has
 * q_k = 0 < p_k. Differentiable in both arguments (logits ±1e4 and −Infinity masks give no NaN).
 *
 * @param p `{ logits }` or `{ probs }`, shape `[...batch, K]` (probabilities are used as given: rows must sum to 1),
 *   or a distribution of family 'Categorical' (its `logits`, else its `probs`)
 * @param q the same, with a batch shape broadcastable with p's and the same K
 * @returns `[...batch]`, in nats (or in `options.base`)
 * @see Kullback & Leibler 1951 · scipy.stats.entropy(p, q)
 * @example
 * ```ts
 * klCategorical({ probs: [0.5, 0.5] }, { probs: [0.9, 0.1] }).print(); // 0.5108 (and ≠ KL(q‖p) = 0.3681)
 * klCategorical({ logits: [[0, 1, 2]] }, { logits: [[2, 1, 0]] }, { base: 2 }); // [1], in bits
 * ```
 * @since 0.1.0
 */
export function klCategorical(p: CategoricalLike, q: CategoricalLike, options: DiscreteOptions = {}): Tensor {
  const fn = 'klCategorical';
  const { cp, cq, factor } = checkDiscretePair(fn, p, q, options, 'Categorical');
  return tf.tidy(fn, () => scaled(tf.sum(klTerms(categorical(fn, 'p', cp), categorical(fn, 'q', cq)), -1), factor));
}

/**
 * The Shannon entropy H(p) = −Σ_k p_k·log p_k over the last axis (0·log 0 = 0).
 *
 * @param p `{ logits }` or `{ probs }`, shape `[...batch, K]`, or a distribution of family 'Categorical'
 * @returns `[...batch]`, in nats (or in `options.base`, e.g. 2 for bits)
 * @see Shannon 1948 · scipy.stats.entropy(p)
 * @example
 * ```ts
 * entropyCategorical({ probs: [0.5, 0.5] }, { base: 2 }).print(); // 1 bit
 * ```
 * @since 0.1.0
 */
export function entropyCategorical(p: CategoricalLike, options: DiscreteOptions = {}): Tensor {
  const fn = 'entropyCategorical';
  options = checkOptions(fn, options, DISCRETE_KEYS);
  const validate = checkValidate(fn, options);
  const factor = checkBase(fn, options.base);
  const cp = checkDiscrete(fn, 'p', p, validate, 'Categorical');
  return tf.tidy(fn, () => scaled(tf.sum(entropyTerms(categorical(fn, 'p', cp)), -1), factor));
}

/**
 * The cross-entropy H(p, q) = −Σ_k p_k·log q_k = H(p) + KL(p‖q) over the last axis; +Infinity where
 * q_k = 0 < p_k. With p one-hot this is the classification loss −log q_y.
 *
 * @param p `{ logits }` or `{ probs }`, shape `[...batch, K]`, or a distribution of family 'Categorical'
 * @param q the same, broadcastable with p
 * @returns `[...batch]`, in nats (or in `options.base`)
 * @see Cover & Thomas 2006, Elements of Information Theory, §2.3
 * @example
 * ```ts
 * crossEntropyCategorical({ probs: [0.5, 0.5] }, { probs: [0.9, 0.1] }).print(); // 1.2040 = log 2 + 0.5108
 * ```
 * @since 0.1.0
 */
export function crossEntropyCategorical(p: CategoricalLike, q: CategoricalLike, options: DiscreteOptions = {}): Tensor {
  const fn = 'crossEntropyCategorical';
  const { cp, cq, factor } = checkDiscretePair(fn, p, q, options, 'Categorical');
  return tf.tidy(fn, () => scaled(tf.sum(crossEntropyTerms(categorical(fn, 'p', cp), categorical(fn, 'q', cq)), -1), factor));
}

/**
 * KL(q‖Uniform(K)) = log K − H(q), q = softmax(logits): the prior term of a discrete (Gumbel-softmax) VAE
 * with a uniform categorical prior. 0 for uniform q, at most log K.
 *
 * @param logits float32 `[...batch, K]` unnormalized log-probabilities; −Infinity masks a class. Or the law
 *   q itself: `{ logits }`, `{ probs }` or a distribution of family 'Categorical' (options then also take
 *   `validate`)
 * @returns `[...batch]`, in nats (or in `options.base`)
 * @see Jang, Gu & Poole 2017, arXiv:1611.01144 (the categorical VAE's KL term)
 * @example
 * ```ts
 * klToUniform([[0, 0, 0], [5, 0, -5]]).print(); // [0, ≈ 1.05]
 * klToUniform({ probs: [0.5, 0.5, 0] }).print();  // log 3 − log 2
 * ```
 * @since 0.1.0
 */
export function klToUniform(logits: Tensor | TensorLike | CategoricalLike, options: DiscreteOptions = {}): Tensor {
  const fn = 'klToUniform';
  if (logits !== null && typeof logits === 'object' && !Array.isArray(logits) && !(logits instanceof tf.Tensor) && !ArrayBuffer.isView(logits)) {
    options = checkOptions(fn, options, DISCRETE_KEYS);
    const validate = checkValidate(fn, options);
    const factor = checkBase(fn, options.base);
    const cq = checkDiscrete(fn, 'q', logits, validate, 'Categorical');
    const k = cq.shape[cq.shape.length - 1]!;
    return tf.tidy(fn, () => scaled(tf.sub(Math.log(k), tf.sum(entropyTerms(categorical(fn, 'q', cq)), -1)), factor));
  }
  options = checkOptions(fn, options, ['base']);
  const factor = checkBase(fn, options.base);
  const { shape } = checkLogits(fn, logits as Tensor | TensorLike);
  const k = shape[shape.length - 1]!;
  return tf.tidy(fn, () => {
    const P = categorical(fn, '', { key: 'logits', value: toFloat(fn, 'logits', logits as Tensor | TensorLike), shape });
    return scaled(tf.sub(Math.log(k), tf.sum(entropyTerms(P), -1)), factor);
  });
}
