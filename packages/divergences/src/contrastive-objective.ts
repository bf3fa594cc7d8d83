/**
 * The plain dot-product contrastive objective of our notes (000): score a query against one positive and
 * one negative.
 *
 * @see Hadsell, Chopra & LeCun 2006, "Dimensionality Reduction by Learning an Invariant Mapping", CVPR (contrastive learning).
 * @see van den Oord, Li & Vinyals 2018, arXiv:1807.03748 (the softmax version: InfoNCE).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkOptions, checkTensorArg, fail, toFloat } from '@genmod-internal/core';
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
    return reduce(tf.sum(tf.mul(q, tf.sub(toFloat(fn, 'positive', positive), toFloat(fn, 'negative', negative))), -1), reduction);
  });
}
