import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export type Numeric = number | boolean | null | readonly Numeric[] | ArrayLike<number>;

export interface Tolerance {
  /** relative tolerance, applied to |expected| */
  rtol?: number;
  /** absolute tolerance */
  atol?: number;
}

function shapeOf(x: unknown): number[] {
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

function flatten(x: unknown, out: (number | null)[] = []): (number | null)[] {
  if (Array.isArray(x)) for (const v of x) flatten(v, out);
  else if (ArrayBuffer.isView(x)) out.push(...Array.from(x as unknown as ArrayLike<number>, Number));
  else if (x === null) out.push(null);
  else out.push(Number(x));
  return out;
}

/** The values of a tensor (or nested array, or typed array) as a flat float64 array and its shape. */
export function valuesOf(x: tf.Tensor | Numeric): { values: (number | null)[]; shape: number[] | null } {
  if (x instanceof tf.Tensor) return { values: Array.from(x.dataSync() as ArrayLike<number>, Number), shape: x.shape };
  if (ArrayBuffer.isView(x)) return { values: flatten(x), shape: null };
  return { values: flatten(x), shape: Array.isArray(x) ? shapeOf(x) : [] };
}

/**
 * Asserts elementwise |actual − expected| ≤ atol + rtol·|expected| (NumPy's `allclose`), with equal shapes
 * when both sides have one. A `null` in `expected` (how the golden files store an infinite value) must meet
 * a non-finite actual value. NaN in `actual` always fails. The message names the worst element.
 */
export function expectClose(actual: tf.Tensor | Numeric, expected: tf.Tensor | Numeric, tol: Tolerance & { label?: string } = {}): void {
  const { rtol = 1e-5, atol = 1e-6, label = 'value' } = tol;
  const a = valuesOf(actual);
  const e = valuesOf(expected);
  if (a.shape && e.shape && e.shape.length > 0) {
    expect(a.shape, `${label}: shape`).toEqual(e.shape);
  }
  expect(a.values.length, `${label}: number of elements`).toBe(e.values.length);
  let worst = -1;
  let worstExcess = 0;
  let failures = 0;
  for (let i = 0; i < a.values.length; i++) {
    const av = a.values[i] as number;
    const ev = e.values[i] ?? null;
    let excess: number;
    if (ev === null || !Number.isFinite(ev)) {
      excess = ev === null ? (Number.isFinite(av) ? Infinity : 0) : Object.is(av, ev) ? 0 : Infinity;
    } else if (!Number.isFinite(av)) {
      excess = Infinity;
    } else {
      excess = Math.abs(av - ev) - (atol + rtol * Math.abs(ev));
    }
    if (excess > 0) {
      failures++;
      if (excess > worstExcess || worst < 0) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (failures > 0) {
    const av = a.values[worst];
    const ev = e.values[worst];
    throw new Error(
      `${label}: ${failures} of ${a.values.length} elements differ beyond atol ${atol} + rtol ${rtol}; ` +
        `worst at flat index ${worst}: actual ${av}, expected ${ev} (|diff| ${ev === null ? 'inf' : Math.abs((av as number) - (ev as number))})`,
    );
  }
}

/** Asserts that every element of a tensor is finite (no NaN, no ±Infinity). */
export function expectFinite(x: tf.Tensor, label = 'value'): void {
  const v = x.dataSync() as ArrayLike<number>;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new Error(`${label}: element ${i} is ${v[i]}, expected a finite number`);
  }
}
