// Argument checks shared by the bijectors: they run before any allocation.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { Bijector } from '../bijector.js';
import { fail, inferShape, checkFloatDtype } from '@genmod-internal/core';

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

function isBijector(b: unknown): b is Bijector {
  return b !== null && typeof b === 'object' && typeof (b as Bijector).forward === 'function' && typeof (b as Bijector).inverse === 'function' && Number.isInteger((b as Bijector).eventRank);
}

/** Validates a bijector argument. */
export function checkBijectorArg(fn: string, arg: string, b: unknown): Bijector {
  if (!isBijector(b)) fail(fn, arg, 'a bijector (an object with forward, inverse and an integer eventRank)', typeof b === 'object' && b !== null ? 'an object without them' : b);
  return b as Bijector;
}
