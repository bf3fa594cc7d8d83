/**
 * Argument checks of the math half of the package (losses, penalties, gradcheck), on top of
 * @genmod-internal/core. Every check runs before any tensor is allocated.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkFloatDtype, fail, inferShape } from '@genmod-internal/core';

export { checkOptions } from '@genmod-internal/core';

/**
 * Discriminator outputs (logits or critic scores): a float32 tensor or a (nested) array of numbers with at
 * least one element. Returns the shape.
 */
export function checkScores(fn: string, arg: string, x: unknown): number[] {
  if (x === null || x === undefined || (typeof x !== 'number' && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof tf.Tensor))) {
    fail(fn, arg, 'a float32 tensor (or array) of discriminator outputs, shape [B] or [B, 1]', x);
  }
  checkFloatDtype(fn, arg, x as Tensor | TensorLike);
  const shape = inferShape(x as Tensor | TensorLike);
  if (shape.some((d) => d === 0)) fail(fn, arg, 'non-empty (the loss is a mean over its elements)', x);
  return shape;
}

/**
 * Real and fake outputs are averaged separately, so their batch sizes may differ; a different rank or a
 * different per-example shape ([B] against [B, 1]) is almost always a bug in the caller and is refused.
 */
export function checkScorePair(fn: string, real: unknown, fake: unknown, names: [string, string] = ['real', 'fake']): void {
  const rs = checkScores(fn, names[0], real);
  const fs = checkScores(fn, names[1], fake);
  if (rs.length !== fs.length || rs.slice(1).some((d, i) => d !== fs[i + 1])) {
    throw new Error(
      `${fn}: ${names[0]} and ${names[1]} must have the same rank and the same per-example shape (batch sizes may differ), ` +
        `got [${rs.join(', ')}] and [${fs.join(', ')}]; reshape one (e.g. tf.reshape(x, [-1])) so they agree`,
    );
  }
}

/** A float32 tensor of data points `[B, ...event]` (rank ≥ 1, B ≥ 1). */
export function checkBatch(fn: string, arg: string, x: unknown): number[] {
  if (!(x instanceof tf.Tensor)) fail(fn, arg, 'a float32 tensor of shape [B, ...]', x);
  if (x.dtype !== 'float32') fail(fn, arg, 'a float32 tensor', x);
  if (x.rank < 1 || x.shape[0] === 0) fail(fn, arg, 'a tensor of shape [B, ...] with B ≥ 1', x);
  return x.shape;
}

/** A finite number, optionally ≥ 0 or > 0. */
export function checkNumber(fn: string, arg: string, v: unknown, fallback: number, bound: 'any' | 'nonnegative' | 'positive' = 'any'): number {
  if (v === undefined) return fallback;
  const ok = typeof v === 'number' && Number.isFinite(v) && (bound === 'any' || (bound === 'nonnegative' ? v >= 0 : v > 0));
  if (!ok) fail(fn, arg, bound === 'any' ? 'a finite number' : bound === 'nonnegative' ? 'a finite number ≥ 0' : 'a finite number > 0', v);
  return v as number;
}

/** A positive integer. */
export function checkInteger(fn: string, arg: string, v: unknown, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(fn, arg, `an integer ≥ ${min}`, v);
  return v as number;
}

/** A callback `(x: Tensor) => Tensor`. */
export function checkCallback(fn: string, arg: string, f: unknown): void {
  if (typeof f !== 'function') fail(fn, arg, 'a function (x: Tensor) => Tensor (a critic or discriminator)', f);
}

export function asTensor(x: Tensor | TensorLike): Tensor {
  return x instanceof tf.Tensor ? x : tf.tensor(x as TensorLike, undefined, 'float32');
}
