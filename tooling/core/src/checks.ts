/**
 * Scalar and structural argument checks shared by every package. Each throws before any allocation with
 * `${fn}: ${arg} must be ${expected}, got ${received}` (see {@link fail}).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkFloatDtype, fail, inferShape } from './validate.js';

/** Bounds of a numeric check: inclusive `min`/`max`, or exclusive `above`/`below`. */
export interface NumberBounds {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

function describe(kind: string, b: NumberBounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`≥ ${b.min}`);
  if (b.above !== undefined) parts.push(`> ${b.above}`);
  if (b.max !== undefined) parts.push(`≤ ${b.max}`);
  if (b.below !== undefined) parts.push(`< ${b.below}`);
  return parts.length ? `${kind} ${parts.join(' and ')}` : kind;
}

function inBounds(v: number, b: NumberBounds): boolean {
  return (b.min === undefined || v >= b.min) && (b.max === undefined || v <= b.max) && (b.above === undefined || v > b.above) && (b.below === undefined || v < b.below);
}

/** A finite number within the bounds (e.g. `{ above: 0 }` for a rate, `{ above: 0, below: 1 }` for a decay). */
export function checkNumber(fn: string, arg: string, v: unknown, bounds: NumberBounds = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !inBounds(v, bounds)) fail(fn, arg, describe('a finite number', bounds), v);
  return v as number;
}

/** An integer within the bounds (default: any integer; `{ min: 1 }` for counts). */
export function checkInteger(fn: string, arg: string, v: unknown, bounds: NumberBounds = {}): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || !inBounds(v, bounds)) fail(fn, arg, describe('an integer', bounds), v);
  return v as number;
}

/** A boolean. */
export function checkBoolean(fn: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(fn, arg, 'a boolean', v);
  return v as boolean;
}

/** A callback. */
export function checkFunction<F extends (...args: never[]) => unknown>(fn: string, arg: string, v: unknown): F {
  if (typeof v !== 'function') fail(fn, arg, 'a function', v);
  return v as F;
}

/** A non-null, non-array object (not a tensor). */
export function checkObject<T>(fn: string, arg: string, v: T, expected = 'an object'): T {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof tf.Tensor) fail(fn, arg, expected, v);
  return v;
}

/** One of the listed string values. */
export function checkOneOfValues<T extends string>(fn: string, arg: string, v: unknown, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) fail(fn, arg, `one of ${values.map((s) => `'${s}'`).join(', ')}`, v);
  return v as T;
}

/**
 * A float tensor argument: a float32 tensor or a (nested, rectangular) array of numbers, of rank ≥
 * `minRank`. Returns its shape, allocating nothing.
 */
export function checkTensorArg(fn: string, arg: string, x: unknown, minRank = 0): number[] {
  if (x === null || x === undefined || (typeof x !== 'number' && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof tf.Tensor))) {
    fail(fn, arg, 'a float32 tensor or a (nested) array of numbers', x);
  }
  checkFloatDtype(fn, arg, x as Tensor | TensorLike);
  const shape = inferShape(x as Tensor | TensorLike);
  if (shape.length < minRank) fail(fn, arg, `a tensor of rank ≥ ${minRank}`, x);
  return shape;
}

/** Two shapes are equal. */
export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** `shape [a, b]`, for messages. */
export const showShape = (s: readonly number[]): string => `shape [${s.join(', ')}]`;

/** The NumPy broadcast of two shapes, or an Error naming the arguments (`args`, e.g. 'p and q'). */
export function broadcastShapes(fn: string, args: string, a: readonly number[], b: readonly number[]): number[] {
  try {
    return tf.broadcast_util.assertAndGetBroadcastShape([...a], [...b]);
  } catch {
    return fail(fn, args, 'broadcastable shapes', `[${a.join(', ')}] and [${b.join(', ')}]`);
  }
}
