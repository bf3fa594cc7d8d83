/**
 * Argument checks and small tensor helpers shared by the package. Every check runs before any tensor is
 * allocated and throws `${fn}: ${arg} must be ${expected}, got ${received}`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkFloatDtype, fail, inferShape, nonDifferentiable } from '@genmod-internal/core';

export const LOG_2PI = Math.log(2 * Math.PI);

/** A finite number ≥ 0 (β, free bits). */
export function checkNonNegative(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(fn, arg, 'a finite number ≥ 0', v);
  return v as number;
}

/** A number in (0, 1) (decays). */
export function checkOpenUnit(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v >= 1) fail(fn, arg, 'a number in (0, 1)', v);
  return v as number;
}

/** A finite number > 0. */
export function checkPositiveNumber(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(fn, arg, 'a finite number > 0', v);
  return v as number;
}

/** An integer ≥ min (sample counts K, code counts, latent counts N). */
export function checkInt(fn: string, arg: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(fn, arg, `an integer ≥ ${min}`, v);
  return v as number;
}

/** A callback. */
export function checkFunction(fn: string, arg: string, v: unknown): void {
  if (typeof v !== 'function') fail(fn, arg, 'a function', v);
}

/** An options object (or absent). */
export function checkObject<T>(fn: string, arg: string, v: T): T {
  if (v === null || typeof v !== 'object') fail(fn, arg, 'an object', v);
  return v;
}

/** A float32 tensor (or numbers) of rank ≥ `minRank`; returns its shape without allocating. */
export function checkTensor(fn: string, arg: string, x: unknown, minRank = 1): number[] {
  if (x === null || x === undefined || (typeof x !== 'number' && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof tf.Tensor))) {
    fail(fn, arg, 'a float32 tensor or a (nested) array of numbers', x);
  }
  checkFloatDtype(fn, arg, x as Tensor | TensorLike);
  const shape = inferShape(x as Tensor | TensorLike);
  if (shape.length < minRank) fail(fn, arg, `a tensor of rank ≥ ${minRank}`, x);
  return shape;
}

export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
export const showShape = (s: readonly number[]): string => `shape [${s.join(', ')}]`;

/** A value returned by a callback must be a float32 tensor of the given shape (checked inside the tidy). */
export function checkReturned(fn: string, what: string, t: unknown, shape?: readonly number[], leading?: number): Tensor {
  if (!(t instanceof tf.Tensor) || t.dtype !== 'float32') fail(fn, what, 'a float32 tensor', t);
  const s = (t as Tensor).shape;
  if (shape && !sameShape(s, shape)) fail(fn, what, `of ${showShape(shape)}`, t);
  if (leading !== undefined && s[0] !== leading) fail(fn, what, `a tensor with ${leading} rows (the batch of x)`, t);
  return t as Tensor;
}

/** Sums every axis from `from` on (a rank-`from` result). */
export function sumFrom(x: Tensor, from: number): Tensor {
  if (x.rank <= from) return x;
  return tf.sum(x, Array.from({ length: x.rank - from }, (_, i) => from + i));
}

/** The value with a zero gradient (sg[·] in the VQ-VAE paper): tfjs-core has no stopGradient. */
export function stopGradient(x: Tensor): Tensor {
  return nonDifferentiable((t) => tf.clone(t), x);
}

/** log N(z; μ, exp(logVar)) elementwise. */
export function normalLogDensity(z: Tensor, loc: Tensor, logVar: Tensor): Tensor {
  const d = tf.sub(z, loc);
  return tf.mul(tf.add(tf.add(tf.mul(tf.square(d), tf.exp(tf.neg(logVar))), logVar), LOG_2PI), -0.5);
}

/** log N(z; 0, 1) elementwise. */
export function standardLogDensity(z: Tensor): Tensor {
  return tf.mul(tf.add(tf.square(z), LOG_2PI), -0.5);
}

/** logsumexp(x, axis) − log n: the log of the mean of exp(x), stable. */
export function logMeanExpAlong(x: Tensor, axis: number): Tensor {
  return tf.sub(tf.logSumExp(x, axis), Math.log(x.shape[axis]!));
}

/** one_hot(argmin over the last axis) as float32, without gradient (int32 then cast: wasm's float OneHot is broken). */
export function oneHotArgMin(d: Tensor): Tensor {
  const k = d.shape[d.rank - 1]!;
  return nonDifferentiable((t) => tf.cast(tf.oneHot(tf.argMin(t, -1), k), 'float32'), d);
}

/** N(0, 1) noise; a string seed is hashed to a number (tf.randomNormal takes numbers). */
export function normalNoise(shape: number[], seed: number | string | undefined): Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', typeof seed === 'string' ? hashSeed(seed) : seed);
}

/** FNV-1a hash of a string seed to a 32-bit number. */
export function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}
