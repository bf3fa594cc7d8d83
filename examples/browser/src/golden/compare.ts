/**
 * Elementwise comparison against golden values, the same rule as the packages' tests (NumPy's allclose):
 * |actual − expected| ≤ atol + rtol·|expected|. A `null` in the golden files stands for an infinite value and
 * must meet a non-finite actual value; NaN never passes. Returns the numbers instead of throwing, so the page
 * can show them and the tests can assert on them.
 */
import * as tf from '@tensorflow/tfjs';

export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * What one comparison found. `ratio` is the worst |diff| / (atol + rtol·|expected|): it passes at ≤ 1.
 * `maxRelErr` is taken where a relative error means something: over the elements with |expected| > 10·atol
 * (a density of 1e-30 computed as 0 is within atol, not a 100% error).
 */
export interface Comparison {
  label: string;
  pass: boolean;
  n: number;
  maxAbsErr: number;
  maxRelErr: number;
  ratio: number;
  /** the worst element, when one fails */
  worst?: string;
}

export type Expected = number | null | readonly Expected[];

function flatten(x: unknown, out: (number | null)[] = []): (number | null)[] {
  if (Array.isArray(x)) for (const v of x) flatten(v, out);
  else if (ArrayBuffer.isView(x)) out.push(...Array.from(x as unknown as ArrayLike<number>, Number));
  else out.push(x === null ? null : Number(x));
  return out;
}

function shapeOf(x: unknown): number[] {
  const s: number[] = [];
  for (let cur = x; Array.isArray(cur); cur = cur[0]) s.push(cur.length);
  return s;
}

/** Reads a tensor (asynchronously: WebGPU and WebGL prefer it) or passes numbers through, as float64 values. */
export async function valuesOf(x: tf.Tensor | Expected | ArrayLike<number>): Promise<{ values: (number | null)[]; shape: number[] | null }> {
  if (x instanceof tf.Tensor) return { values: Array.from(await x.data(), Number), shape: x.shape };
  if (ArrayBuffer.isView(x)) return { values: flatten(x), shape: null };
  return { values: flatten(x), shape: Array.isArray(x) ? shapeOf(x) : [] };
}

/** Compares `actual` with `expected` elementwise. */
export async function compare(label: string, actual: tf.Tensor | Expected | ArrayLike<number>, expected: Expected | ArrayLike<number>, tol: Tolerance): Promise<Comparison> {
  const a = await valuesOf(actual);
  const e = await valuesOf(expected as Expected);
  const result: Comparison = { label, pass: true, n: a.values.length, maxAbsErr: 0, maxRelErr: 0, ratio: 0 };
  if (a.shape && e.shape && e.shape.length > 0 && a.shape.join() !== e.shape.join()) {
    return { ...result, pass: false, ratio: Infinity, worst: `shape [${a.shape}] instead of [${e.shape}]` };
  }
  if (a.values.length !== e.values.length) {
    return { ...result, pass: false, ratio: Infinity, worst: `${a.values.length} elements instead of ${e.values.length}` };
  }
  let worstIndex = -1;
  for (let i = 0; i < a.values.length; i++) {
    const av = a.values[i] as number;
    const ev = e.values[i] ?? null;
    let ratio: number;
    if (ev === null) {
      ratio = Number.isFinite(av) ? Infinity : 0; // an infinite golden value: any ±Infinity meets it
    } else if (!Number.isFinite(av)) {
      ratio = Infinity;
    } else {
      const diff = Math.abs(av - ev);
      result.maxAbsErr = Math.max(result.maxAbsErr, diff);
      if (Math.abs(ev) > 10 * tol.atol && ev !== 0) result.maxRelErr = Math.max(result.maxRelErr, diff / Math.abs(ev));
      const allowed = tol.atol + tol.rtol * Math.abs(ev);
      ratio = diff === 0 ? 0 : allowed === 0 ? Infinity : diff / allowed;
    }
    if (ratio > result.ratio) {
      result.ratio = ratio;
      worstIndex = i;
    }
  }
  if (result.ratio > 1) {
    result.pass = false;
    result.worst = `index ${worstIndex}: ${a.values[worstIndex]} instead of ${e.values[worstIndex] ?? '±Infinity'} (atol ${tol.atol}, rtol ${tol.rtol})`;
  }
  return result;
}

/** Compares integer results (indices, one-hots) for exact equality. */
export function compareExact(label: string, actual: tf.Tensor | Expected, expected: Expected): Promise<Comparison> {
  return compare(label, actual, expected, { atol: 0, rtol: 0 });
}
