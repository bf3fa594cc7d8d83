/**
 * Argument checks and small helpers shared by the package (not exported from the index). Every check runs
 * before any tensor is allocated and throws `${fn}: ${arg} must be ${expected}, got ${received}`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkFloatDtype, fail, inferShape } from '@genmod-internal/core';

/** The number of diffusion steps T: an integer ≥ 1. */
export function checkSteps(fn: string, T: unknown, arg = 'T'): number {
  if (typeof T !== 'number' || !Number.isInteger(T) || T < 1) fail(fn, arg, 'an integer ≥ 1', T);
  return T;
}

/** A finite number (optionally within bounds). */
export function checkNumber(fn: string, arg: string, value: unknown, lo = -Infinity, hi = Infinity, range = ''): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    fail(fn, arg, `a finite number${range ? ` ${range}` : ''}`, value);
  }
  return value;
}

/**
 * A seed: a finite number, or absent. (tf.randomNormal takes numbers only, and treats 0 as "no seed":
 * every seed is therefore mixed by {@link deriveSeed} before it reaches tfjs.)
 */
export function checkSeed(fn: string, seed: unknown, arg = 'options.seed'): number | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) fail(fn, arg, 'a finite number', seed);
  return seed;
}

/**
 * An independent seed for stream `stream` of a base seed (a 32-bit integer hash of both, never 0): the
 * per-step seeds of a sampler, the t and noise streams of a loss. `undefined` stays `undefined` (fresh
 * numbers on every call).
 */
export function deriveSeed(seed: number | undefined, stream: number): number | undefined {
  if (seed === undefined) return undefined;
  // splitmix32-style mixing of the seed's bits and the stream index
  let h = Math.imul(Math.floor(seed) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(Math.round((seed % 1) * 2 ** 30), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) + Math.imul(stream + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 1) + 1; // in [1, 2^31]
}

/** A float32 tensor (or array) of rank ≥ `minRank`; returns its shape. */
export function checkFloatInput(fn: string, arg: string, x: unknown, minRank = 0): number[] {
  if (x === null || x === undefined || (typeof x !== 'number' && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof tf.Tensor))) {
    fail(fn, arg, 'a float32 tensor or an array of numbers', x);
  }
  checkFloatDtype(fn, arg, x as Tensor | TensorLike);
  const shape = inferShape(x as Tensor | TensorLike);
  if (shape.length < minRank) fail(fn, arg, `a float32 tensor of rank ≥ ${minRank} (batch first)`, x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  return shape;
}

/** Two shapes must be equal. */
export function checkSameShape(fn: string, arg: string, shape: readonly number[], expected: readonly number[], what: string): void {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    fail(fn, arg, `of ${what}'s shape [${expected.join(', ')}]`, `shape [${shape.join(', ')}]`);
  }
}

export const shapeString = (s: readonly number[]) => `[${s.join(', ')}]`;

/** A denoiser callback. */
export function checkDenoiser(fn: string, denoiser: unknown): void {
  if (typeof denoiser !== 'function') fail(fn, 'denoiser', 'a function (xt, t) => Tensor', denoiser);
}

/** An AbortSignal, or absent. */
export function checkSignal(fn: string, signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean') {
    fail(fn, 'options.signal', 'an AbortSignal', signal);
  }
  return signal as AbortSignal;
}

/** The reason an aborted signal carries, as something to throw. */
export function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

/** Runs `compute` on the model's output after checking its shape (inside a tidy). */
export function checkDenoiserOutput(fn: string, out: unknown, shape: readonly number[]): Tensor {
  if (!(out instanceof tf.Tensor)) fail(fn, 'the denoiser output', `a float32 tensor of shape ${shapeString(shape)}`, out);
  if (out.dtype !== 'float32' || out.shape.length !== shape.length || (out.shape as number[]).some((d, i) => d !== shape[i])) {
    fail(fn, 'the denoiser output', `a float32 tensor of the input's shape ${shapeString(shape)}`, out);
  }
  return out;
}

/** Resolves on the next macrotask, so that a browser can render and handle input between sampler steps. */
export function nextMacrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => void g.setImmediate!(resolve));
  if (typeof g.MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new g.MessageChannel!();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
