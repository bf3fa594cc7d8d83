// Argument checks shared by the bijectors: they run before any allocation.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { fail, inferShape, checkFloatDtype, show, toFloat } from '@genmod-internal/core';

/** A positive integer. */
export function checkPositiveInt(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(fn, arg, 'a positive integer', v);
  return v as number;
}

/** A finite number > 0. */
export function checkPositiveNumber(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(fn, arg, 'a finite number > 0', v);
  return v as number;
}

/** A mask: an array of 0s and 1s of length D ≥ 1 (1 = the coordinate passes through and conditions). */
export function checkMask(fn: string, mask: unknown, arg = 'options.mask'): number[] {
  if (!Array.isArray(mask) || mask.length === 0 || !mask.every((m) => m === 0 || m === 1)) {
    fail(fn, arg, 'a non-empty array of 0s and 1s (1 = passes through)', mask);
  }
  return mask as number[];
}

/**
 * The input of a bijector call: float32, rank ≥ eventRank, and last dimension `dim` when given.
 * Returns the input's shape.
 */
export function checkEventInput(fn: string, arg: string, x: Tensor | TensorLike, eventRank: number, dim?: number): number[] {
  checkFloatDtype(fn, arg, x);
  if (x === null || x === undefined) fail(fn, arg, 'a float32 tensor', x);
  const shape = inferShape(x);
  if (shape.length < eventRank) {
    fail(fn, arg, `a float32 tensor of rank ≥ ${eventRank} (event rank ${eventRank}${dim === undefined ? '' : `, shape [..., ${dim}]`})`, x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  }
  if (dim !== undefined && shape[shape.length - 1] !== dim) {
    fail(fn, arg, `a float32 tensor of shape [..., ${dim}]`, x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  }
  return shape;
}

/** A context tensor for a conditional bijector: `[...batch, C]`. */
export function checkContext(fn: string, context: unknown, contextSize: number | undefined): void {
  // an unconditional bijector ignores the context (a chain passes it to every part)
  if (contextSize === undefined) return;
  if (!(context instanceof tf.Tensor)) fail(fn, 'context', `a float32 tensor of shape [..., ${contextSize}] (the bijector is conditional)`, context);
  const c = context as Tensor;
  if (c.dtype !== 'float32' || c.rank < 1 || c.shape[c.rank - 1] !== contextSize) {
    fail(fn, 'context', `a float32 tensor of shape [..., ${contextSize}]`, c);
  }
}

/** toFloat, re-exported for the bijectors' inputs. */
export { toFloat, show, fail };

/** Sums the `n` rightmost dimensions of `t` (none when n = 0). */
export function sumRightmost(t: Tensor, n: number): Tensor {
  if (n <= 0) return t;
  return tf.sum(t, Array.from({ length: n }, (_, i) => t.rank - 1 - i));
}

/** A scalar log-det broadcast to the batch shape `shape.slice(0, rank − eventRank)`. */
export function broadcastLogDet(logDet: Tensor, shape: number[], eventRank: number): Tensor {
  return tf.broadcastTo(logDet, shape.slice(0, shape.length - eventRank));
}

/**
 * x[..., perm] as a matrix product with a 0/1 permutation matrix: differentiable on every backend (the
 * gradient of tf.gather needs UnsortedSegmentSum, which tfjs-backend-wasm 4.22 lacks).
 */
export function permuteLast(x: Tensor, perm: number[]): Tensor {
  const d = perm.length;
  const m = new Float32Array(d * d);
  perm.forEach((src, i) => (m[src * d + i] = 1));
  const p = tf.tensor2d(m, [d, d]);
  return tf.reshape(tf.matMul(tf.reshape(x, [-1, d]), p), x.shape);
}
