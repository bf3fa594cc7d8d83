/**
 * Strict options bags: every options object of every @genmod function is checked against the keys the
 * function reads, so a misspelling fails loudly instead of silently running with a default
 * ("gumbelSoftmax: unknown option 'temprature' (did you mean 'temperature'?)").
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkShape, fail } from './validate.js';
import { checkSeed, type Seed } from './seed.js';

/** The Levenshtein (edit) distance between two strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The valid key nearest to `key` (case-insensitive edit distance ≤ max(2, ⌊len/3⌋)), if any. */
export function nearestKey(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(key.toLowerCase(), v.toLowerCase());
    if (d < bestD) [best, bestD] = [v, d];
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * An options bag: `undefined` (read as `{}`) or a plain object whose every own key is one of `keys`.
 * Arrays, tensors and other non-objects are refused; an unknown key throws
 * `fn: unknown option 'k' (did you mean 'x'?)`, listing the valid keys when none is near. Keys whose value
 * is `undefined` are checked too (a misspelled key is a mistake whatever its value). Call it before any
 * allocation.
 *
 * @param arg how the bag is named in messages (default `options`)
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, keys: readonly string[], arg = 'options'): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options) || options instanceof tf.Tensor) fail(fn, arg, 'an object', options);
  for (const key of Object.keys(options)) {
    if (keys.includes(key)) continue;
    const near = nearestKey(key, keys);
    const where = arg === 'options' ? 'option' : `key of ${arg}`;
    throw new Error(
      `${fn}: unknown ${where} '${key}'` +
        (near ? ` (did you mean '${near}'?)` : keys.length ? ` (valid: ${keys.map((k) => `'${k}'`).join(', ')})` : ` (it takes none)`),
    );
  }
  return options;
}

/**
 * The arguments every `sample` / `rsample` of the distribution contract takes: a sample shape (an array of
 * non-negative integers) and an options bag with exactly the keys in `keys` (default `['seed']`), whose
 * seed is checked. Returns the checked bag and its seed; allocates nothing.
 */
export function checkSampleCall<O extends { seed?: Seed }>(fn: string, sampleShape: unknown, options: O | undefined, keys: readonly string[] = ['seed']): { options: O; seed: Seed | undefined } {
  checkShape(fn, sampleShape, 'sampleShape');
  const o = checkOptions(fn, options, keys);
  return { options: o, seed: checkSeed(fn, o.seed) };
}
