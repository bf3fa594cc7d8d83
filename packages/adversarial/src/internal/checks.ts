/**
 * The package-specific argument checks (discriminator outputs, data batches), on top of
 * @genmod-internal/core. Every check runs before any tensor is allocated.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail, showShape } from '@genmod-internal/core';

/**
 * Discriminator outputs (logits or critic scores): a float32 tensor or a (nested) array of numbers with at
 * least one element. Returns the shape.
 */
export function checkScores(fn: string, arg: string, x: unknown): number[] {
  if (x === null || x === undefined || (typeof x !== 'number' && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof tf.Tensor))) {
    fail(fn, arg, 'a float32 tensor (or array) of discriminator outputs, shape [B] or [B, 1]', x);
  }
  const shape = checkTensorArg(fn, arg, x);
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

/** One value per example, shape `[B]` or `[B, 1]`; returns B. */
export function checkPerExample(fn: string, arg: string, x: unknown): number {
  const shape = checkScores(fn, arg, x);
  if (shape.length === 0 || shape.length > 2 || (shape.length === 2 && shape[1] !== 1)) {
    fail(fn, arg, 'one value per example, shape [B] or [B, 1]', x instanceof tf.Tensor ? x : showShape(shape));
  }
  return shape[0]!;
}

/** A float32 tensor of data points `[B, ...event]` (rank ≥ 1, B ≥ 1). */
export function checkBatch(fn: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || x.rank < 1 || x.shape[0] === 0) fail(fn, arg, 'a float32 tensor of shape [B, ...] with B ≥ 1', x);
  return x;
}

/** A critic or discriminator callback `(x: Tensor) => Tensor`. */
export function checkCritic(fn: string, f: unknown): (x: Tensor) => Tensor {
  if (typeof f !== 'function') fail(fn, 'critic', 'a function (x: Tensor) => Tensor (a critic or discriminator)', f);
  return f as (x: Tensor) => Tensor;
}
