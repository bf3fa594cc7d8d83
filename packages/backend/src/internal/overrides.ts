/**
 * What the opt-in kernel overrides share: argument checks in the house format, and swapping a kernel's
 * registration for one backend so that it can be put back.
 *
 * Internal (not exported from the package index).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws `${fn}: ${arg} must be ${expected}, got ${received}` (the house format of every genmod check). */
export function fail(fn: string, arg: string, expected: string, received: unknown): never {
  throw new Error(`${fn}: ${arg} must be ${expected}, got ${show(received)}`);
}

/** An options bag: undefined or a plain object with only the `keys` listed. */
export function checkOptionsBag(fn: string, options: unknown, keys: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail(fn, 'options', 'an object', options);
  const unknown = Object.keys(options).filter((k) => !keys.includes(k));
  if (unknown.length > 0) fail(fn, 'options', `an object with keys among ${keys.join(', ')}`, `unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  return options as Record<string, unknown>;
}

/** `options.backends`: a list of names among `allowed` (default `fallback`). */
export function checkBackendList(fn: string, value: unknown, allowed: readonly string[], fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.some((b) => typeof b !== 'string' || !allowed.includes(b))) {
    fail(fn, 'options.backends', `an array of backend names among ${allowed.map((b) => `'${b}'`).join(', ')}`, value);
  }
  return [...value] as string[];
}

/**
 * Registers `configs` in place of the kernels registered under the same (kernel, backend) names, and returns
 * a function that puts the previous registrations back (only where one of ours is still the registered one;
 * idempotent). tfjs looks a kernel up on every dispatch, so the swap takes effect at once; a replaced
 * kernel's `setupFunc` ran when its backend started and its module state stays valid.
 */
export function swapKernels(configs: readonly KernelConfig[]): () => void {
  const previous = configs.map((c) => tf.getKernel(c.kernelName, c.backendName));
  configs.forEach((c, i) => {
    if (previous[i] !== undefined) tf.unregisterKernel(c.kernelName, c.backendName);
    tf.registerKernel(c);
  });
  let done = false;
  return () => {
    if (done) return;
    done = true;
    configs.forEach((c, i) => {
      if (tf.getKernel(c.kernelName, c.backendName) !== c) return;
      tf.unregisterKernel(c.kernelName, c.backendName);
      const p = previous[i];
      if (p !== undefined) tf.registerKernel(p);
    });
  };
}

/** The slice of tfjs-backend-cpu's MathBackendCPU the overrides use. */
export interface CpuBackendLike {
  data: { get(dataId: object): { values?: ArrayLike<number> & { length: number } } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array | Int32Array): tf.TensorInfo;
}

/** The slice of tfjs-backend-wasm's BackendWasm the overrides use (4.x). */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
}
