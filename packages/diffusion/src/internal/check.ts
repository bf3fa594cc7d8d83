/**
 * Argument checks specific to the package (not exported from the index); the generic ones (numbers,
 * integers, seeds, options bags, tensor arguments, shapes) come from `@genmod-internal/core`. Every check
 * runs before any tensor is allocated and throws `${fn}: ${arg} must be ${expected}, got ${received}`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkInteger, checkTensorArg, fail, sameShape, showShape } from '@genmod-internal/core';

/** The number of diffusion steps T: an integer ≥ 1. */
export function checkSteps(fn: string, T: unknown, arg = 'T'): number {
  return checkInteger(fn, arg, T, { min: 1 });
}

/** A float tensor argument of `expected`'s shape (that of the argument `what`); returns nothing. */
export function checkSameShape(fn: string, arg: string, x: unknown, expected: readonly number[], what: string): void {
  const shape = checkTensorArg(fn, arg, x);
  if (!sameShape(shape, expected)) fail(fn, arg, `of ${what}'s ${showShape(expected)}`, showShape(shape));
}

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

/** The model's output, after checking that it is a float32 tensor of the input's shape. */
export function checkDenoiserOutput(fn: string, out: unknown, shape: readonly number[]): Tensor {
  if (!(out instanceof tf.Tensor) || out.dtype !== 'float32' || !sameShape(out.shape, shape)) {
    fail(fn, 'the denoiser output', `a float32 tensor of the input's ${showShape(shape)}`, out);
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
