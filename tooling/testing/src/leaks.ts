import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Every distinct tensor reachable from a returned value (a tensor, an array or a plain object of them). */
export function collectTensors(value: unknown, out: Map<number, tf.Tensor> = new Map()): Map<number, tf.Tensor> {
  if (value instanceof tf.Tensor) {
    out.set(value.id, value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out);
  }
  return out;
}

/**
 * Runs `fn` and asserts that it left `tf.memory().numTensors` as it found it, apart from the tensors it
 * returned. Returns what `fn` returned; the caller owns (and disposes) it.
 */
export function expectNoLeaks<T>(fn: () => T, label = 'function'): T {
  const before = tf.memory().numTensors;
  const result = fn();
  if (result instanceof Promise) throw new Error('expectNoLeaks: use expectNoLeaksAsync for async functions');
  const returned = collectTensors(result).size;
  const after = tf.memory().numTensors;
  expect(after - before, `${label} leaked ${after - before - returned} tensor(s) (returned ${returned})`).toBe(returned);
  return result;
}

/** The async twin of {@link expectNoLeaks}. */
export async function expectNoLeaksAsync<T>(fn: () => Promise<T>, label = 'function'): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const returned = collectTensors(result).size;
  const after = tf.memory().numTensors;
  expect(after - before, `${label} leaked ${after - before - returned} tensor(s) (returned ${returned})`).toBe(returned);
  return result;
}

/**
 * Asserts that `fn` throws an Error whose message matches every pattern, and that it left no tensor behind.
 */
export function expectThrowsClean(fn: () => unknown, ...patterns: RegExp[]): void {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected the call to throw').toBeInstanceOf(Error);
  const message = (error as Error).message;
  for (const p of patterns) expect(message).toMatch(p);
  expect(tf.memory().numTensors - before, `tensors left behind after throwing "${message}"`).toBe(0);
}
