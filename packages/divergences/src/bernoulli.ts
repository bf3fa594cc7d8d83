/**
 * Kullback–Leibler divergence, entropy and cross-entropy of Bernoulli laws.
 *
 * @see Kullback & Leibler 1951, "On Information and Sufficiency", Ann. Math. Statist. 22(1).
 * @see torch.distributions.kl_divergence(Bernoulli, Bernoulli), tfp.distributions.Bernoulli.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkOptions } from '@genmod-internal/core';
import { checkBase, checkValidate } from './internal/checks.js';
import { bernoulli, checkDiscrete, checkDiscretePair, crossEntropyTerms, DISCRETE_KEYS, entropyTerms, klTerms, type BernoulliLike } from './internal/discrete.js';
import { scaled } from './internal/math.js';
import type { DiscreteOptions } from './categorical.js';

/**
 * KL(p‖q) = p·log(p/q) + (1 − p)·log((1 − p)/(1 − q)), elementwise, for Bernoulli laws with success
 * probabilities p and q. From logits it uses log σ(l) = −softplus(−l), exact at |l| = 1e4. 0·log 0 = 0;
 * +Infinity where q puts zero mass on an outcome p can produce.
 *
 * @param p `{ logits }` or `{ probs }`, any shape, or a distribution of family 'Bernoulli'
 * @param q the same, broadcastable with p
 * @returns the broadcast shape, in nats (or in `options.base`)
 * @see Kullback & Leibler 1951
 * @example
 * ```ts
 * klBernoulli({ probs: [0.5, 0.1] }, { probs: [0.9, 0.1] }).print(); // [0.5108, 0]
 * ```
 * @since 0.1.0
 */
export function klBernoulli(p: BernoulliLike, q: BernoulliLike, options: DiscreteOptions = {}): Tensor {
  const fn = 'klBernoulli';
  const { cp, cq, factor } = checkDiscretePair(fn, p, q, options, 'Bernoulli');
  return tf.tidy(fn, () => scaled(tf.sum(klTerms(bernoulli(fn, 'p', cp), bernoulli(fn, 'q', cq)), -1), factor));
}

/**
 * The entropy H(p) = −p·log p − (1 − p)·log(1 − p) of Bernoulli laws, elementwise.
 *
 * @param p `{ logits }` or `{ probs }`, any shape, or a distribution of family 'Bernoulli'
 * @returns p's shape, in nats (or in `options.base`)
 * @see Shannon 1948
 * @example
 * ```ts
 * entropyBernoulli({ probs: [0.5, 0, 1] }, { base: 2 }).print(); // [1, 0, 0]
 * ```
 * @since 0.1.0
 */
export function entropyBernoulli(p: BernoulliLike, options: DiscreteOptions = {}): Tensor {
  const fn = 'entropyBernoulli';
  options = checkOptions(fn, options, DISCRETE_KEYS);
  const validate = checkValidate(fn, options);
  const factor = checkBase(fn, options.base);
  const cp = checkDiscrete(fn, 'p', p, validate, 'Bernoulli');
  return tf.tidy(fn, () => scaled(tf.sum(entropyTerms(bernoulli(fn, 'p', cp)), -1), factor));
}

/**
 * The cross-entropy H(p, q) = −p·log q − (1 − p)·log(1 − q), elementwise: with p the data (targets in
 * [0, 1]) and q = σ(logits) it is binary cross-entropy with logits, stable at |logits| = 1e4.
 *
 * @param p `{ logits }` or `{ probs }`, any shape, or a distribution of family 'Bernoulli'
 * @param q the same, broadcastable with p
 * @returns the broadcast shape, in nats (or in `options.base`)
 * @see Cover & Thomas 2006, §2.3
 * @example
 * ```ts
 * crossEntropyBernoulli({ probs: [1, 0] }, { logits: [2, 2] }).print(); // [softplus(−2), softplus(2)]
 * ```
 * @since 0.1.0
 */
export function crossEntropyBernoulli(p: BernoulliLike, q: BernoulliLike, options: DiscreteOptions = {}): Tensor {
  const fn = 'crossEntropyBernoulli';
  const { cp, cq, factor } = checkDiscretePair(fn, p, q, options, 'Bernoulli');
  return tf.tidy(fn, () => scaled(tf.sum(crossEntropyTerms(bernoulli(fn, 'p', cp), bernoulli(fn, 'q', cq)), -1), factor));
}
