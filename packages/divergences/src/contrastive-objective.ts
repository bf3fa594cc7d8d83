/**
 * The plain dot-product contrastive objective of our notes (000): score a query against one positive and
 * one negative.
 *
 * @see Hadsell, Chopra & LeCun 2006, "Dimensionality Reduction by Learning an Invariant Mapping", CVPR (contrastive learning).
 * @see van den Oord, Li & Vinyals 2018, arXiv:1807.03748 (the softmax version: InfoNCE).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkOptions, checkTensorArg, fail, nonDifferentiable, toFloat } from '@genmod-internal/core';
import { checkReduction, checkSameShape, type Reduction } from './internal/checks.js';
import { reduce } from './internal/math.js';

/**
 * L(q, d₊, d₋) = qᵀd₊ − qᵀd₋ per row: how much more the query agrees with the positive than with the
 * negative. An objective to **maximize** (minimize its negative); it is unbounded, so in practice the
 * embeddings are normalized or the objective is passed through a margin ({@link tripletLoss}) or a
 * softmax ({@link infoNce}).
 *
 * @param query `[..., D]`; `positive`, `negative` of the same shape
 * @returns a scalar (`'mean'`, default; `'sum'`) or `[...]` (`'none'`)
 * @see our notes (000) · Hadsell et al. 2006
 * @example
 * ```ts
 * contrastiveObjective([[1, 0]], [[0.9, 0.1]], [[-1, 0]]).print(); // 0.9 − (−1) = 1.9
 * ```
 * @since 0.1.0
 */
export function contrastiveObjective(query: Tensor | TensorLike, positive: Tensor | TensorLike, negative: Tensor | TensorLike, options: { reduction?: Reduction } = {}): Tensor {
  const fn = 'contrastiveObjective';
  options = checkOptions(fn, options, ['reduction']);
  const reduction = checkReduction(fn, options.reduction);
  const shape = checkTensorArg(fn, 'query', query);
  if (shape.length < 1) fail(fn, 'query', 'a tensor of rank ≥ 1 (embeddings on the last axis)', query);
  checkSameShape(fn, 'query and positive', shape, checkTensorArg(fn, 'positive', positive));
  checkSameShape(fn, 'query and negative', shape, checkTensorArg(fn, 'negative', negative));
  return tf.tidy(fn, () => {
    const q = toFloat(fn, 'query', query);
    const d = tf.sub(toFloat(fn, 'positive', positive), toFloat(fn, 'negative', negative));
    return reduce(scaledDot(q, d), reduction);
  });
}

/**
 * qᵀd over the last axis as (S·min)·max with S = Σ(q/2^a)(d/2^b), 2^a ≈ max|q|, 2^b ≈ max|d| per row (powers of
 * two: exact scalings): no product or partial sum overflows unless the result does (the products q_i·d_i alone
 * overflow float32 from |q_i|, |d_i| ≈ 1.8e19, e.g. two that cancel). The gradient is the exact bilinear one,
 * (dy·d, dy·q), formed directly (through the scales it would overflow as 2^a·2^b).
 */
function scaledDot(q: Tensor, d: Tensor): Tensor {
  const f = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [a, b, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
    save([a, b]);
    const sq = powerOfTwoScale(a);
    const sd = powerOfTwoScale(b);
    const s = tf.sum(tf.mul(tf.div(a, sq), tf.div(b, sd)), -1, true);
    const dot = tf.mul(tf.mul(s, tf.minimum(sq, sd)), tf.maximum(sq, sd));
    return {
      value: tf.squeeze(dot, [dot.rank - 1]),
      gradFunc: (dy: Tensor, [as, bs]: Tensor[]) => {
        const g = tf.expandDims(dy, -1);
        return [tf.mul(g, bs!), tf.mul(g, as!)];
      },
    };
  });
  return f(q, d);
}

/** 2^⌊log₂ max|x|⌋ over the last axis (kept), 1 for a zero row: an exact float32 scaling, without gradient. */
function powerOfTwoScale(x: Tensor): Tensor {
  return nonDifferentiable((t) => {
    const m = tf.max(tf.abs(t), -1, true);
    const e = tf.floor(tf.div(tf.log(tf.where(tf.greater(m, 0), m, tf.onesLike(m))), Math.LN2));
    return tf.pow(tf.scalar(2), tf.clipByValue(e, -126, 127));
  }, x);
}
