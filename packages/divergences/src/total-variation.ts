/**
 * The total variation distance between categorical laws.
 *
 * @see Levin, Peres & Wilmer 2009, "Markov Chains and Mixing Times", §4.1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ValidateOptions } from './internal/checks.js';
import { categorical, checkDiscretePair, type CategoricalLike } from './internal/discrete.js';

/**
 * TV(p, q) = ½·Σ_k |p_k − q_k| = max over events A of |p(A) − q(A)|, in [0, 1], over the last axis.
 *
 * @param p `{ logits }` or `{ probs }`, shape `[...batch, K]`, or a distribution of family 'Categorical'
 * @param q the same, broadcastable with p
 * @returns `[...batch]`
 * @see Levin, Peres & Wilmer 2009, §4.1
 * @example
 * ```ts
 * totalVariation({ probs: [0.5, 0.5] }, { probs: [0.9, 0.1] }).print(); // 0.4
 * ```
 * @since 0.1.0
 */
export function totalVariation(p: CategoricalLike, q: CategoricalLike, options: ValidateOptions = {}): Tensor {
  const fn = 'totalVariation';
  const { cp, cq } = checkDiscretePair(fn, p, q, options, 'Categorical', ['validate']);
  return tf.tidy(fn, () => tf.mul(tf.sum(tf.abs(tf.sub(categorical(fn, 'p', cp).p, categorical(fn, 'q', cq).p)), -1), 0.5));
}
