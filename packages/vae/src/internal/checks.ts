/**
 * The few checks and tensor helpers specific to this package (the shared ones come from
 * `@genmod-internal/core`): callback results checked inside the tidy, the mean of exp in log space, and the
 * nearest-code one-hot.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { fail, nonDifferentiable, oneHotFloat, sameShape, showShape } from '@genmod-internal/core';

/** A value returned by a callback must be a float32 tensor of the given shape (checked inside the tidy). */
export function checkReturned(fn: string, what: string, t: unknown, shape?: readonly number[], leading?: number): Tensor {
  if (!(t instanceof tf.Tensor) || t.dtype !== 'float32') fail(fn, what, 'a float32 tensor', t);
  const s = (t as Tensor).shape;
  if (shape && !sameShape(s, shape)) fail(fn, what, `of ${showShape(shape)}`, t);
  if (leading !== undefined && s[0] !== leading) fail(fn, what, `a tensor with ${leading} rows (the batch of x)`, t);
  return t as Tensor;
}

/**
 * log Σ exp(x) along an axis, stable: the maximum m is subtracted first, and an m that is not finite (every
 * entry −Infinity, or some +Infinity) is replaced by 0, so all −Infinity gives −Infinity (tf.logSumExp gives
 * NaN there: −Infinity − (−Infinity)). The shift carries no gradient (the result does not depend on it).
 */
export function logSumExpAlong(x: Tensor, axis: number): Tensor {
  return tf.tidy(() => {
    const m = nonDifferentiable((t) => {
      const mx = tf.max(t, axis, true);
      return tf.where(tf.isFinite(mx), mx, tf.zerosLike(mx));
    }, x);
    return tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, m)), axis)), tf.squeeze(m, [axis]));
  });
}

/** logsumexp(x, axis) − log n: the log of the mean of exp(x), stable (all −Infinity gives −Infinity). */
export function logMeanExpAlong(x: Tensor, axis: number): Tensor {
  return tf.sub(logSumExpAlong(x, axis), Math.log(x.shape[axis]!));
}

/** one_hot(argmin over the last axis) as float32, without gradient. */
export function oneHotArgMin(d: Tensor): Tensor {
  const k = d.shape[d.rank - 1]!;
  return nonDifferentiable((t) => oneHotFloat(tf.argMin(t, -1), k), d);
}

/** The number of elements of a shape (1 for `[]`). */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
