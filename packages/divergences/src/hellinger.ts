/**
 * The Hellinger distance between categorical laws.
 *
 * @see Hellinger 1909, "Neue Begründung der Theorie quadratischer Formen von unendlichvielen Veränderlichen", J. reine angew. Math. 136.
 * @see Le Cam & Yang 2000, "Asymptotics in Statistics", §3.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ValidateOptions } from './internal/checks.js';
import { categorical, checkDiscretePair, type CategoricalLike, type LogProbs } from './internal/discrete.js';
import { safeSqrt } from './internal/math.js';

/** √p_k = exp(½·log p_k) on the support, 0 off it (finite gradients where p_k = 0). */
function rootProbs(P: LogProbs): Tensor {
  return tf.where(P.support, tf.exp(tf.mul(P.logp, 0.5)), tf.zerosLike(P.p));
}

/**
 * H(p, q) = √(½·Σ_k (√p_k − √q_k)²) = √(1 − Σ_k √(p_k q_k)), in [0, 1], over the last axis. Its gradient is
 * finite at p = q and where classes have probability 0.
 *
 * @param p `{ logits }` or `{ probs }`, shape `[...batch, K]`, or a distribution of family 'Categorical'
 * @param q the same, broadcastable with p
 * @returns `[...batch]`
 * @see Hellinger 1909 · Le Cam & Yang 2000
 * @example
 * ```ts
 * hellinger({ probs: [0.5, 0.5] }, { probs: [0.9, 0.1] }).print(); // 0.3249
 * ```
 * @since 0.1.0
 */
export function hellinger(p: CategoricalLike, q: CategoricalLike, options: ValidateOptions = {}): Tensor {
  const fn = 'hellinger';
  const { cp, cq } = checkDiscretePair(fn, p, q, options, 'Categorical', ['validate']);
  return tf.tidy(fn, () => {
    const d = tf.sub(rootProbs(categorical(fn, 'p', cp)), rootProbs(categorical(fn, 'q', cq)));
    return safeSqrt(tf.mul(tf.sum(tf.square(d), -1), 0.5));
  });
}
