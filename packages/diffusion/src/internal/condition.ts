/**
 * Condition arguments of classifier-free guidance (class labels or embeddings, and the null condition ∅):
 * checked together before anything is allocated, converted to tensors at each use.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataType, Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { fail, inferShape, sameShape, showShape } from '@genmod-internal/core';

/** Dtypes a condition may have: class labels or embeddings. */
type ConditionDtype = 'int32' | 'float32';

/** A checked condition argument: its shape, its dtype, and its values (converted at each use). */
export interface CheckedCondition {
  shape: number[];
  dtype: ConditionDtype;
  value: Tensor | TensorLike;
}

/** Whether a nested array has the same length at every depth and numbers at its leaves. */
function isRectangularNumeric(x: unknown, shape: readonly number[], depth: number): boolean {
  if (depth === shape.length) return typeof x === 'number';
  if (ArrayBuffer.isView(x)) return depth === shape.length - 1 && (x as unknown as ArrayLike<number>).length === shape[depth];
  if (!Array.isArray(x) || x.length !== shape[depth]) return false;
  return x.every((v) => isRectangularNumeric(v, shape, depth + 1));
}

/** The leaves of a nested numeric array (already checked rectangular). */
function leaves(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (ArrayBuffer.isView(x)) out.push(...Array.from(x as unknown as ArrayLike<number>));
  else for (const v of x as unknown[]) leaves(v, out);
  return out;
}

/**
 * Shape and (for a tensor) dtype of a condition-like argument, allocating nothing: an int32 or float32
 * tensor, a number, or a rectangular (nested, typed) array of numbers.
 */
function conditionShape(fn: string, arg: string, v: unknown): { shape: number[]; dtype: DataType | undefined } {
  const expected = 'an int32 tensor of class labels, a float32 tensor of embeddings, or a (nested) array of numbers';
  if (v instanceof tf.Tensor) {
    if (v.isDisposed) fail(fn, arg, 'a live tensor (the caller keeps it alive while it is used)', 'a disposed tensor');
    if (v.dtype !== 'int32' && v.dtype !== 'float32') fail(fn, arg, expected, v);
    return { shape: v.shape, dtype: v.dtype };
  }
  if (typeof v !== 'number' && !Array.isArray(v) && !ArrayBuffer.isView(v)) fail(fn, arg, expected, v);
  const shape = inferShape(v as TensorLike);
  if (!isRectangularNumeric(v, shape, 0)) fail(fn, arg, 'a rectangular (nested) array of numbers', v);
  return { shape, dtype: undefined };
}

/**
 * Checks a condition `[B, ...rest]` and a null condition of shape `rest` or `[1, ...rest]` together. The
 * dtype is that of whichever is a tensor (the condition first); two arrays take tfjs's inference on the
 * condition (`Int32Array` → int32, plain numbers → float32). An array meant as int32 must hold integers.
 */
export function checkConditions(fn: string, condition: unknown, nullCondition: unknown, conditionArg: string, nullArg: string): { condition: CheckedCondition; nullCondition: CheckedCondition } {
  const c = conditionShape(fn, conditionArg, condition);
  if (c.shape.length < 1 || c.shape[0] === 0) fail(fn, conditionArg, 'a batch [B, ...] with B ≥ 1 (labels [B] or embeddings [B, ...])', c.shape.length < 1 ? 'a scalar' : showShape(c.shape));
  const n = conditionShape(fn, nullArg, nullCondition);
  const rest = c.shape.slice(1);
  if (!sameShape(n.shape, rest) && !sameShape(n.shape, [1, ...rest])) {
    fail(fn, nullArg, `of one example's condition ${showShape(rest)} or ${showShape([1, ...rest])}`, showShape(n.shape));
  }
  const dtype = (c.dtype ?? n.dtype ?? tf.util.inferDtype(condition as TensorLike)) as DataType;
  if (dtype !== 'int32' && dtype !== 'float32') fail(fn, conditionArg, 'int32 class labels or float32 embeddings', `values of dtype ${dtype}`);
  if (c.dtype !== undefined && n.dtype !== undefined && c.dtype !== n.dtype) fail(fn, nullArg, `of ${conditionArg}'s dtype ${c.dtype}`, nullCondition);
  for (const [arg, v, given] of [[conditionArg, condition, c.dtype], [nullArg, nullCondition, n.dtype]] as const) {
    if (given === undefined && dtype === 'int32' && !leaves(v).every(Number.isInteger)) fail(fn, arg, 'integers (int32, the dtype of the class labels)', v);
  }
  return {
    condition: { shape: c.shape, dtype, value: condition as Tensor | TensorLike },
    nullCondition: { shape: n.shape, dtype, value: nullCondition as Tensor | TensorLike },
  };
}

/** The condition as a tensor (an array is converted here, inside the caller's tidy). */
export const asTensor = (c: CheckedCondition): Tensor => (c.value instanceof tf.Tensor ? c.value : tf.tensor(c.value, c.shape, c.dtype));

/** The null condition broadcast to a batch of `batch` examples `[batch, ...rest]`. */
export function nullBatch(n: CheckedCondition, rest: readonly number[], batch: number): Tensor {
  return tf.broadcastTo(tf.reshape(asTensor(n), [1, ...rest]), [batch, ...rest]);
}
