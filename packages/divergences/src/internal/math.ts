/**
 * Numerical building blocks shared by the package: square roots and p-norms with finite gradients at 0,
 * loss reductions, broadcasting and a differentiable row sort.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Reduction } from './checks.js';

/**
 * √max(s, 0) whose gradient is 1/(2√s) for s > 0 and 0 at s ≤ 0 (the subgradient of a norm at 0), where
 * tf.sqrt's would be infinite (and NaN after a zero upstream gradient).
 */
export function safeSqrt(s: Tensor): Tensor {
  const f = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [Tensor, tf.GradSaveFunc];
    const y = tf.sqrt(tf.relu(x));
    save([y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const r = saved[0]!;
        const positive = tf.greater(r, 0);
        return tf.where(positive, tf.div(tf.mul(dy, 0.5), tf.where(positive, r, tf.onesLike(r))), tf.zerosLike(r));
      },
    };
  });
  return f(s);
}

/** x·factor (x itself for factor 1): a value in nats converted to another log base. */
export function scaled(x: Tensor, factor: number): Tensor {
  return factor === 1 ? x : tf.mul(x, factor);
}

export function reduce(x: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return x;
  return reduction === 'sum' ? tf.sum(x) : tf.mean(x);
}

/** Broadcasts `x` to `shape` (a no-op when it has it already). */
export function broadcastTo(x: Tensor, shape: number[]): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  const lifted = x.rank < shape.length ? tf.reshape(x, [...Array(shape.length - x.rank).fill(1), ...x.shape]) : x;
  return tf.broadcastTo(lifted, shape);
}

/** Gathers along the last axis of a `[rows, n]` tensor with per-row int32 indices `[rows, n]`. */
function gatherRows(x: Tensor, idx: Tensor): Tensor {
  const [rows, n] = x.shape as [number, number];
  const offsets = tf.reshape(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(n, 'int32')), [rows, 1]);
  return tf.reshape(tf.gather(tf.reshape(x, [rows * n]), tf.reshape(tf.add(idx, offsets), [rows * n])), [rows, n]);
}

/**
 * Each row of a `[rows, n]` tensor sorted descending, differentiable: the gradient of each sorted value
 * goes back to the element that landed in its rank (the inverse permutation, applied to dy). The
 * permutation itself is a constant (tfjs has no gradient for TopK, and the tape cannot carry int32).
 */
export function sortRows(x: Tensor): Tensor {
  const n = x.shape[1]!;
  const f = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [v, save] = args as [Tensor, tf.GradSaveFunc];
    const { values, indices } = tf.topk(v, n);
    save([indices]);
    return {
      value: values,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        // the inverse permutation: argsort of the permutation (ascending = topk of its negation)
        const inverse = tf.topk(tf.neg(tf.cast(saved[0]!, 'float32')), n).indices;
        return gatherRows(dy, inverse);
      },
    };
  });
  return f(x);
}
