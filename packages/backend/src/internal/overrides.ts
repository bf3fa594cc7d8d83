/**
 * What the opt-in kernel overrides share: the `backends` option's check, swapping a kernel's registration for
 * one backend so that it can be put back, and installing a set of such swaps once.
 *
 * Internal (not exported from the package index).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { fail } from '@genmod-internal/core';

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

/** Where one opt-in keeps the kernels it installed (while they are the registered ones). */
export interface InstalledKernels {
  configs?: readonly KernelConfig[];
}

/**
 * Installs the kernels `make()` builds in place of the registered ones, once: while `slot`'s kernels are still
 * registered a second call changes nothing and returns a no-op. The returned function puts the previous
 * kernels back (then runs `onRestore`), and does nothing on a second call.
 */
export function installKernels(slot: InstalledKernels, make: () => KernelConfig[], onRestore?: () => void): () => void {
  if (slot.configs !== undefined && slot.configs.every((c) => tf.getKernel(c.kernelName, c.backendName) === c)) return () => {};
  const configs = make();
  const restoreKernels = swapKernels(configs);
  slot.configs = configs;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    restoreKernels();
    onRestore?.();
    if (slot.configs === configs) slot.configs = undefined;
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
