/**
 * Argument checks shared by the package. Every check throws before any tensor is allocated, with a
 * message that names the function, the argument, what was expected and what came.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';

/** Renders a received value for an error message. */
export function show(value: unknown): string {
  if (value instanceof tf.Tensor) return `a ${value.dtype} tensor of shape [${value.shape.join(', ')}]`;
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return String(value);
}

export function fail(fn: string, arg: string, expected: string, received: unknown): never {
  throw new Error(`${fn}: ${arg} must be ${expected}, got ${show(received)}`);
}

/** A temperature τ: a finite number > 0. */
export function checkTemperature(fn: string, temperature: unknown, arg = 'temperature'): number {
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature <= 0) {
    fail(fn, arg, 'a finite number > 0', temperature);
  }
  return temperature;
}

/** A sample or tensor shape: an array of non-negative integers. */
export function checkShape(fn: string, shape: unknown, arg = 'shape'): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fail(fn, arg, 'an array of non-negative integers', shape);
  }
  return shape as number[];
}

/** A tensor's dtype must be float32 when the caller passed a tensor; TensorLike values become float32. */
export function checkFloatDtype(fn: string, arg: string, x: Tensor | TensorLike): void {
  if (x instanceof tf.Tensor && x.dtype !== 'float32') fail(fn, arg, 'a float32 tensor', x);
}

/** The shape a TensorLike will have, without allocating a tensor. */
export function inferShape(x: Tensor | TensorLike): number[] {
  if (x instanceof tf.Tensor) return x.shape;
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur) || ArrayBuffer.isView(cur)) {
    shape.push((cur as ArrayLike<unknown>).length);
    cur = (cur as ArrayLike<unknown>)[0];
  }
  return shape;
}

/** Converts to a float32 tensor after the dtype check (allocates only for non-tensors). */
export function toFloat(fn: string, arg: string, x: Tensor | TensorLike): Tensor {
  checkFloatDtype(fn, arg, x);
  if (x instanceof tf.Tensor) return x;
  if (x === null || x === undefined || (typeof x !== 'number' && typeof x !== 'boolean' && !Array.isArray(x) && !ArrayBuffer.isView(x))) {
    fail(fn, arg, 'a tensor or a (nested) array of numbers', x);
  }
  if (Array.isArray(x) && !isRectangular(x, inferShape(x), 0)) {
    fail(fn, arg, 'a tensor or a rectangular array of numbers', 'a ragged array');
  }
  try {
    return tf.tensor(x as TensorLike, undefined, 'float32');
  } catch (e) {
    return fail(fn, arg, `a tensor or a rectangular array of numbers (${(e as Error).message})`, x);
  }
}

/** Whether a nested array has the same length at every depth (tf.tensor accepts ragged input silently). */
function isRectangular(x: unknown, shape: number[], depth: number): boolean {
  if (depth === shape.length) return !Array.isArray(x) && !ArrayBuffer.isView(x);
  if (!Array.isArray(x) && !ArrayBuffer.isView(x)) return false;
  const a = x as ArrayLike<unknown>;
  if (a.length !== shape[depth]) return false;
  if (ArrayBuffer.isView(x)) return depth === shape.length - 1;
  for (let i = 0; i < a.length; i++) if (!isRectangular(a[i], shape, depth + 1)) return false;
  return true;
}

/** Logits with classes on some axis: float32, rank ≥ 1. Returns the normalized axis. */
export function checkLogits(fn: string, logits: Tensor | TensorLike, axis = -1, arg = 'logits'): { shape: number[]; axis: number } {
  checkFloatDtype(fn, arg, logits);
  if (logits === null || logits === undefined) fail(fn, arg, 'a float32 tensor of shape [..., K]', logits);
  const shape = inferShape(logits);
  if (shape.length === 0) fail(fn, arg, 'a tensor of rank ≥ 1 with the categories on the last axis (shape [..., K])', logits);
  return { shape, axis: checkAxis(fn, axis, shape.length) };
}

/** An axis in [−rank, rank − 1], returned as a non-negative index. */
export function checkAxis(fn: string, axis: unknown, rank: number, arg = 'axis'): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    fail(fn, arg, `an integer in [${-rank}, ${rank - 1}] for a rank-${rank} input`, axis);
  }
  return axis < 0 ? axis + rank : axis;
}

/** A caller-provided noise tensor must match the shape of the tensor it perturbs. */
export function checkNoise(fn: string, noise: Tensor | TensorLike, shape: readonly number[], arg = 'noise'): void {
  checkFloatDtype(fn, arg, noise);
  const got = inferShape(noise);
  if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
    fail(fn, arg, `of the logits' shape [${shape.join(', ')}]`, noise instanceof tf.Tensor ? noise : `shape [${got.join(', ')}]`);
  }
}

/** Exactly one of two alternative parameters (`logits` or `probs`). */
export function checkOneOf<T>(fn: string, params: { logits?: T; probs?: T }): 'logits' | 'probs' {
  const hasLogits = params.logits !== undefined;
  const hasProbs = params.probs !== undefined;
  if (hasLogits === hasProbs) {
    fail(fn, 'params', 'an object with exactly one of `logits` or `probs`', hasLogits ? 'both' : 'neither');
  }
  return hasLogits ? 'logits' : 'probs';
}

/** Probabilities in [0, 1] (one synchronous read of the extremes, made once at construction). */
export function checkProbabilities(fn: string, probs: Tensor, arg = 'probs'): void {
  const [lo, hi] = tf.tidy(() => [tf.min(probs), tf.max(probs)]).map((t) => {
    const v = t.dataSync()[0] as number;
    t.dispose();
    return v;
  }) as [number, number];
  if (!(lo >= 0 && hi <= 1)) fail(fn, arg, 'probabilities in [0, 1]', `values in [${lo}, ${hi}]`);
}

/** Strictly positive values (one synchronous read of the minimum). */
export function checkPositive(fn: string, x: Tensor, arg: string): void {
  const t = tf.min(x);
  const lo = t.dataSync()[0] as number;
  t.dispose();
  if (!(lo > 0)) fail(fn, arg, 'strictly positive', `a minimum of ${lo}`);
}

/**
 * The parameter intake shared by every `{ logits | probs }` distribution: exactly one of the two, float32,
 * rank ≥ 1 when `categorical` (categories on the last axis), probabilities in [0, 1]. A tensor given by the
 * caller is used as is; one created from an array is returned in `created` for the object to own.
 * Throws before keeping anything (a tensor it created is freed first).
 */
export function takeLogitsOrProbs<T extends Tensor | TensorLike>(
  fn: string,
  params: { logits?: T; probs?: T },
  options: { categorical?: boolean } = {},
): { logits: Tensor | undefined; probs: Tensor | undefined; tensor: Tensor; created: Tensor | undefined } {
  const kind = checkOneOf(fn, params);
  const given = params[kind]!;
  const arg = `params.${kind}`;
  if (options.categorical) checkLogits(fn, given, -1, arg);
  else checkFloatDtype(fn, arg, given);
  const tensor = toFloat(fn, arg, given);
  const created = tensor === given ? undefined : tensor;
  if (kind === 'probs') {
    try {
      checkProbabilities(fn, tensor, arg);
    } catch (e) {
      created?.dispose();
      throw e;
    }
  }
  return { logits: kind === 'logits' ? tensor : undefined, probs: kind === 'probs' ? tensor : undefined, tensor, created };
}

