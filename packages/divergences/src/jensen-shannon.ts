/**
 * The Jensen–Shannon divergence and distance between categorical laws.
 *
 * @see Lin 1991, "Divergence Measures Based on the Shannon Entropy", IEEE Trans. Inf. Theory 37(1).
 * @see Endres & Schindelin 2003, "A New Metric for Probability Distributions" (√JS is a metric).
 * @see scipy.spatial.distance.jensenshannon.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { categorical, checkDiscretePair, klTerms, midpoint, type CategoricalLike } from './internal/discrete.js';
import { safeSqrt } from './internal/math.js';
import type { DiscreteOptions } from './categorical.js';

function js(fn: string, p: CategoricalLike, q: CategoricalLike, options: DiscreteOptions, distance: boolean): Tensor {
  const { cp, cq, factor } = checkDiscretePair(fn, p, q, options, 'Categorical');
  return tf.tidy(fn, () => {
    const P = categorical(fn, 'p', cp);
    const Q = categorical(fn, 'q', cq);
    const M = midpoint(P, Q);
    const d = tf.mul(tf.add(tf.sum(klTerms(P, M), -1), tf.sum(klTerms(Q, M), -1)), 0.5 * factor);
    return distance ? safeSqrt(d) : d;
  });
}

/**
 * JS(p, q) = ½·KL(p‖m) + ½·KL(q‖m), m = (p + q)/2, over the last axis: symmetric, finite (at most log 2
 * nats, 1 bit) even where the supports differ.
 *
 * @param p `{ logits }` or `{ probs }`, shape `[...batch, K]`, or a distribution of family 'Categorical'
 * @param q the same, broadcastable with p
 * @returns `[...batch]`, in nats (or in `options.base`: 2 gives bits, at most 1)
 * @see Lin 1991 · scipy.spatial.distance.jensenshannon(p, q)² (which returns the distance)
 * @example
 * ```ts
 * jsDivergence({ probs: [1, 0] }, { probs: [0, 1] }, { base: 2 }).print(); // 1 bit: disjoint supports
 * ```
 * @since 0.1.0
 */
export function jsDivergence(p: CategoricalLike, q: CategoricalLike, options: DiscreteOptions = {}): Tensor {
  return js('jsDivergence', p, q, options, false);
}

/**
 * The Jensen–Shannon distance √JS(p, q), a metric on distributions; what
 * `scipy.spatial.distance.jensenshannon` returns. Its gradient is finite (0) at p = q.
 *
 * @param p `{ logits }` or `{ probs }`, shape `[...batch, K]`, or a distribution of family 'Categorical'
 * @param q the same, broadcastable with p
 * @returns `[...batch]` (with `options.base`, the square root of the divergence in that base)
 * @see Endres & Schindelin 2003 · Lin 1991
 * @example
 * ```ts
 * jsDistance({ probs: [0.5, 0.5] }, { probs: [0.9, 0.1] }).print(); // 0.3190
 * ```
 * @since 0.1.0
 */
export function jsDistance(p: CategoricalLike, q: CategoricalLike, options: DiscreteOptions = {}): Tensor {
  return js('jsDistance', p, q, options, true);
}
