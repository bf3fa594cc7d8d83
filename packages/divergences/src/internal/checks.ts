/**
 * Argument checks of this package, on top of @genmod-internal/core: every check runs before any tensor is
 * allocated (arrays are read on the host; tensors through one synchronous read of their extremes).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkBoolean, checkObject, checkOneOfValues, checkOptions, checkPositive, checkProbabilities, fail, sameShape } from '@genmod-internal/core';

/** What every value-reading function accepts: skip the synchronous value checks in a hot loop. */
export interface ValidateOptions {
  /**
   * Read the parameters once to check their values (positive scales, probabilities in [0, 1], triangular
   * factors). Default `true`; `false` skips that synchronous read (shapes and dtypes are always checked).
   */
  validate?: boolean;
}

/** How a loss reduces its per-example values: `'mean'` (default), `'sum'`, or `'none'` (keep the batch shape). @since 0.1.0 */
export type Reduction = 'mean' | 'sum' | 'none';

export function checkValidate(fn: string, options: ValidateOptions): boolean {
  return options.validate === undefined ? true : checkBoolean(fn, 'options.validate', options.validate);
}

/**
 * A plain parameter object with the named tensor `fields` present and no key outside `keys` (strict, as an
 * options bag: `klNormalNormal: unknown key of p 'scael' (did you mean 'scale'?)`).
 */
export function checkParamObject(fn: string, arg: string, params: unknown, fields: readonly string[], expected: string, keys: readonly string[]): Record<string, Tensor | TensorLike> {
  checkObject(fn, arg, params, expected);
  checkOptions(fn, params as object, keys, arg);
  for (const f of fields) {
    if ((params as Record<string, unknown>)[f] === undefined) fail(fn, `${arg}.${f}`, `present (${expected})`, 'undefined');
  }
  return params as Record<string, Tensor | TensorLike>;
}

/** The flat host values of a non-tensor TensorLike. */
function hostValues(x: TensorLike): number[] {
  if (typeof x === 'number' || typeof x === 'boolean') return [Number(x)];
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>, Number);
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v) || ArrayBuffer.isView(v)) for (const e of Array.from(v as ArrayLike<unknown>)) walk(e);
    else out.push(Number(v));
  };
  walk(x);
  return out;
}

function extremes(x: TensorLike): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of hostValues(x)) {
    if (Number.isNaN(v)) return [NaN, NaN];
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

/** Strictly positive values (e.g. a scale). */
export function checkPositiveValues(fn: string, arg: string, x: Tensor | TensorLike): void {
  if (x instanceof tf.Tensor) {
    if (x.size > 0) checkPositive(fn, x, arg);
    return;
  }
  const [lo] = extremes(x);
  if (!(lo > 0)) fail(fn, arg, 'strictly positive', `a minimum of ${lo}`);
}

/** Probabilities in [0, 1]. */
export function checkProbValues(fn: string, arg: string, x: Tensor | TensorLike): void {
  if (x instanceof tf.Tensor) {
    if (x.size > 0) checkProbabilities(fn, x, arg);
    return;
  }
  const [lo, hi] = extremes(x);
  if (!(lo >= 0 && hi <= 1)) fail(fn, arg, 'probabilities in [0, 1]', `values in [${lo}, ${hi}]`);
}

/** The number of trailing (event) axes summed over: an integer in [0, rank]. */
export function checkEventRank(fn: string, eventRank: unknown, rank: number): number {
  if (eventRank === undefined) return 0;
  if (typeof eventRank !== 'number' || !Number.isInteger(eventRank) || eventRank < 0 || eventRank > rank) {
    fail(fn, 'options.eventRank', `an integer in [0, ${rank}] (the number of trailing axes to sum over)`, eventRank);
  }
  return eventRank;
}

export function checkReduction(fn: string, reduction: unknown, fallback: Reduction = 'mean'): Reduction {
  return reduction === undefined ? fallback : checkOneOfValues(fn, 'options.reduction', reduction, ['mean', 'sum', 'none'] as const);
}

/** A logarithm base: finite, > 0 and ≠ 1. Returns the factor 1/ln(base) (1 for nats). */
export function checkBase(fn: string, base: unknown): number {
  if (base === undefined) return 1;
  if (typeof base !== 'number' || !Number.isFinite(base) || base <= 0 || base === 1) fail(fn, 'options.base', 'a finite number > 0 and ≠ 1', base);
  return 1 / Math.log(base);
}

/** Two shapes must be equal (samples of the same size and dimension). */
export function checkSameShape(fn: string, args: string, a: readonly number[], b: readonly number[]): void {
  if (!sameShape(a, b)) fail(fn, args, 'of the same shape', `[${a.join(', ')}] and [${b.join(', ')}]`);
}
