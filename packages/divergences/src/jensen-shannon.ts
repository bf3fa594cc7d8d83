/**
 * The Jensen–Shannon divergence and distance between categorical laws.
 *
 * @see Lin 1991, "Divergence Measures Based on the Shannon Entropy", IEEE Trans. Inf. Theory 37(1).
 * @see Endres & Schindelin 2003, "A New Metric for Probability Distributions" (√JS is a metric).
 * @see scipy.spatial.distance.jensenshannon.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { nonDifferentiable } from '@genmod-internal/core';
import { categorical, checkDiscretePair, type CategoricalLike } from './internal/discrete.js';
import { safeSqrt } from './internal/math.js';
import type { DiscreteOptions } from './categorical.js';

/**
 * g(δ) = (1 + δ)·log(1 + δ) + (1 − δ)·log(1 − δ) ≥ 0 for δ in [−1, 1]; for |δ| < 1/4 by its series
 * Σ_(n≥1) δ^(2n)/(n(2n − 1)) to δ¹⁴ (truncation < 1e−9 relative), exact for near-identical laws; 2·log 2 at ±1.
 */
function g(delta: Tensor): Tensor {
  const small = nonDifferentiable((v) => tf.less(tf.abs(v), 0.25), delta);
  const ds = tf.where(small, delta, tf.zerosLike(delta));
  const d2 = tf.square(ds);
  let series = tf.fill(ds.shape, 1 / (7 * 13));
  for (const n of [6, 5, 4, 3, 2, 1]) series = tf.add(tf.mul(series, d2), 1 / (n * (2 * n - 1)));
  const db = tf.where(small, tf.fill(delta.shape, 0.5), delta);
  // (1 ± δ)·log(1 ± δ), 0 where 1 ± δ = 0 (the unused branch gets a harmless 1)
  const xlogx = (x: Tensor) => {
    const pos = nonDifferentiable((v) => tf.greater(v, 0), x);
    const safe = tf.where(pos, x, tf.onesLike(x));
    return tf.where(pos, tf.mul(safe, tf.log(safe)), tf.zerosLike(x));
  };
  const big = tf.add(xlogx(tf.add(1, db)), xlogx(tf.sub(1, db)));
  return tf.where(small, tf.mul(d2, series), big);
}

function js(fn: string, p: CategoricalLike, q: CategoricalLike, options: DiscreteOptions, distance: boolean): Tensor {
  const { cp, cq, factor } = checkDiscretePair(fn, p, q, options, 'Categorical');
  return tf.tidy(fn, () => {
    const P = categorical(fn, 'p', cp);
    const Q = categorical(fn, 'q', cq);
    // KL(p‖m) + KL(q‖m) = Σ_k m_k·g(δ_k), m = (p + q)/2, p = m(1 + δ), q = m(1 − δ), δ = (p − q)/(p + q): one
    // non-negative term per class (Σ p·log(p/m) + q·log(q/m) sums terms of both signs, and cancels to
    // |error| ~ K·2⁻²³ where JS is small: √JS of near-identical laws came out 10 times too large). Where
    // p + q < 1e−15 (logits far apart, e^(−2e4)), δ = tanh(½·(log p − log q)) instead: no 0/0, and the
    // division's gradient (p + q)² cannot underflow.
    const big = nonDifferentiable((a, b) => tf.greater(tf.add(a, b), 1e-15), P.p, Q.p);
    const sum = tf.add(P.p, Q.p);
    const direct = tf.div(tf.sub(P.p, Q.p), tf.where(big, sum, tf.onesLike(sum)));
    const logOr = (L: typeof P) => tf.where(L.support, L.logp, tf.fill(L.logp.shape, -1e30));
    const tiny = tf.tanh(tf.mul(tf.sub(logOr(P), logOr(Q)), 0.5));
    const delta = tf.clipByValue(tf.where(big, direct, tiny), -1, 1);
    const terms = tf.mul(tf.mul(sum, 0.5), g(delta));
    const d = tf.mul(tf.sum(terms, -1), 0.5 * factor);
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
